namespace Gordo.Workflow

open System
open System.Globalization
open System.Text.Encodings.Web
open System.Text.Json
open System.Text.Json.Nodes
open Gordo.Core
open Gordo.Core.Config

/// Gordo's wire format of a machine (`Machine.to_json()`, spec §1.9): the builder's `MACHINE`
/// payload and the Model CR's `spec.config`. `name` and `project_name` are strings; `dataset`,
/// `model`, `metadata`, `runtime` and `evaluation` are JSON-encoded strings.
[<RequireQualifiedAccess>]
module internal MachineJson =

    /// A plain value as a JSON node (non-finite floats become null).
    let rec ofValue (value: Value) : JsonNode =
        match value with
        | Value.Null -> null
        | Value.Bool b -> JsonValue.Create b
        | Value.Int i -> JsonValue.Create i
        | Value.Float f when Double.IsFinite f -> JsonValue.Create f
        | Value.Float _ -> null
        | Value.String s -> JsonValue.Create s
        | Value.List items -> JsonArray([| for i in items -> ofValue i |])
        | Value.Map entries ->
            let o = JsonObject()

            for key, item in entries do
                o[key] <- ofValue item

            o

    let private options =
        JsonSerializerOptions(Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)

    /// Compact JSON text of a node (non-ASCII kept readable).
    let text (node: JsonNode) : string =
        match node with
        | null -> "null"
        | n -> n.ToJsonString options

    /// `datetime.isoformat()`: `2018-01-01T09:00:30+00:00` (microseconds only when not zero).
    let isoFormat (time: DateTimeOffset) : string =
        let micro = (time.Ticks % TimeSpan.TicksPerSecond) / 10L

        let fraction =
            if micro = 0L then
                ""
            else
                "." + micro.ToString("000000", CultureInfo.InvariantCulture)

        let offset = time.Offset
        let sign = if offset < TimeSpan.Zero then "-" else "+"

        time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        + fraction
        + sign
        + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture)

    /// Python's `str(datetime)`: like `isoFormat` with a space instead of `T`.
    let pythonString (time: DateTimeOffset) : string =
        let iso = isoFormat time
        iso.Substring(0, 10) + " " + iso.Substring 11

    /// The data provider as its `to_dict()`: `type` (full class path) then the arguments.
    let dataProvider (provider: DataProvider) : JsonObject =
        let o = JsonObject()
        o["type"] <- JsonValue.Create provider.Type

        for key, v in provider.Arguments do
            o[key] <- ofValue v

        o

    let private mapOf (value: Value option) : JsonObject =
        match value |> Option.map ofValue with
        | Some(:? JsonObject as o) -> o
        | _ -> JsonObject()

    /// The dataset: the merged section as written, with `type`, the dates and the data provider
    /// in their canonical forms (full class paths, ISO dates with offset).
    let dataset (section: Value option) (typed: Dataset) : JsonObject =
        let o = mapOf section
        o["type"] <- JsonValue.Create typed.Type
        o["train_start_date"] <- JsonValue.Create(isoFormat typed.TrainStartDate)
        o["train_end_date"] <- JsonValue.Create(isoFormat typed.TrainEndDate)
        o["data_provider"] <- dataProvider typed.DataProvider
        o

    /// The metadata: user metadata side by side (not double-nested) and empty build metadata.
    let metadata (globalMetadata: Value) (machineMetadata: Value) (version: string) : JsonObject =
        let orEmpty (v: Value) =
            match ofValue v with
            | null -> JsonObject() :> JsonNode
            | n -> n

        let build =
            JsonNode.Parse(
                $"""{{"model": {{"model_offset": 0, "model_creation_date": null, "model_builder_version": %s{text (JsonValue.Create version)}, "cross_validation": {{"scores": {{}}, "cv_duration_sec": null, "splits": {{}}}}, "model_training_duration_sec": null, "model_meta": {{}}}}, "dataset": {{"query_duration_sec": null, "dataset_meta": {{}}}}}}"""
            )

        let user = JsonObject()
        user["global-metadata"] <- orEmpty globalMetadata
        user["machine-metadata"] <- orEmpty machineMetadata
        let o = JsonObject()
        o["user_defined"] <- user
        o["build_metadata"] <- build
        o

    /// The wire format: keys `name`, `dataset`, `model`, `metadata`, `runtime`, `project_name`,
    /// `evaluation` (and `events` when given); `sections` holds the sections' JSON texts, which
    /// become JSON strings.
    let wire (name: string) (project: string) (sections: (string * string) list) : JsonObject =
        let sectionText key =
            sections
            |> List.tryFind (fst >> (=) key)
            |> Option.map snd
            |> Option.defaultValue "{}"

        let o = JsonObject()
        o["name"] <- JsonValue.Create name

        for key in [ "dataset"; "model"; "metadata"; "runtime" ] do
            o[key] <- JsonValue.Create(sectionText key)

        o["project_name"] <- JsonValue.Create project
        o["evaluation"] <- JsonValue.Create(sectionText "evaluation")

        // Beyond Gordo: the `events` section, only when the machine has one.
        sections
        |> List.tryFind (fst >> (=) "events")
        |> Option.iter (fun (_, text) -> o["events"] <- JsonValue.Create text)

        o
