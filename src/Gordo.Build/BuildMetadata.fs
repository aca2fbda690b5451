namespace Gordo.Build

open System
open System.Globalization
open Gordo.Core
open Gordo.Data
open Gordo.Models

/// The timings and results the builder measured, for `build_metadata`.
type internal BuildFacts = {
    /// `dataset.query_duration_sec`.
    QueryDurationSeconds: float option
    /// `dataset.dataset_meta` (spec §1.5.2).
    DatasetMeta: Value
    /// `dataset.training_profile`: what each input tag looked like (for data-quality flags).
    TrainingProfile: Value
    /// Cross-validation (None: scores and splits `{}`, duration null).
    CrossValidation: CrossValidationResult option
    /// Fit seconds (None with `cross_val_only`).
    TrainingSeconds: float option
    /// Rows of X without an output row.
    Offset: int
    /// When the model was made (None with `cross_val_only`).
    Created: DateTimeOffset option
    /// `model_meta` (spec §3.4).
    ModelMeta: (string * Value) list
}

/// metadata.json of spec §4.7 (user metadata nested once, see DESIGN.md).
[<RequireQualifiedAccess>]
module BuildMetadata =
    /// The builder version written as `model_builder_version`.
    let internal builderVersion: string =
        let v = typeof<BuildFacts>.Assembly.GetName().Version
        $"%d{v.Major}.%d{v.Minor}.%d{v.Build}"

    /// Python `str(datetime.now(tz))`: `2020-11-08 19:16:08.971313+00:00`.
    let internal pythonTimestamp (t: DateTimeOffset) : string =
        t.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)

    let private optional (f: 'T -> Value) (x: 'T option) =
        x |> Option.map f |> Option.defaultValue Value.Null

    let private crossValidation (cv: CrossValidationResult option) : Value =
        match cv with
        | None ->
            Value.Map [
                "scores", Value.Map []
                "cv_duration_sec", Value.Null
                "splits", Value.Map []
            ]
        | Some r ->
            Value.Map [
                "scores",
                Value.Map(
                    r.Scores
                    |> List.map (fun (k, stats) -> k, Value.Map(stats |> List.map (fun (s, v) -> s, Value.Float v)))
                )
                "cv_duration_sec", Value.Float r.DurationSeconds
                "splits", Value.Map r.Splits
            ]

    /// `metadata.user_defined` of a machine (`global-metadata` and `machine-metadata`).
    let internal userDefined (m: Gordo.Core.Config.Metadata) : Value =
        let orEmpty v =
            if v = Value.Null then Value.Map [] else v

        Value.Map [ "global-metadata", orEmpty m.Global; "machine-metadata", orEmpty m.Machine ]

    /// `event_settings` of `build_metadata.model`, only for machines with an `events` section,
    /// so that the metadata of Gordo's own configs is Gordo's.
    let private eventSettings (events: Gordo.Core.Config.Events option) : (string * Value) list =
        events
        |> Option.map (fun e -> "event_settings", Gordo.Core.Config.Events.toValue e)
        |> Option.toList

    /// The build metadata (`metadata.build_metadata`).
    let internal buildMetadata (facts: BuildFacts) (events: Gordo.Core.Config.Events option) : Value =
        Value.Map [
            "model",
            Value.Map(
                [
                    "model_offset", Value.Int(int64 facts.Offset)
                    "model_creation_date", optional (pythonTimestamp >> Value.String) facts.Created
                    "model_builder_version", Value.String builderVersion
                    "cross_validation", crossValidation facts.CrossValidation
                    "model_training_duration_sec", optional Value.Float facts.TrainingSeconds
                    "model_meta", Value.Map facts.ModelMeta
                ]
                @ eventSettings events
            )
            "dataset",
            Value.Map [
                "query_duration_sec", optional Value.Float facts.QueryDurationSeconds
                "dataset_meta", facts.DatasetMeta
                "training_profile", facts.TrainingProfile
            ]
        ]

    /// The whole metadata.json value (`Machine.to_dict()`).
    let internal machine (input: BuildInput) (model: Value) (facts: BuildFacts) : Value =
        let m = input.Machine

        Value.Map [
            "name", Value.String m.Name
            "dataset", Gordo.Core.Config.CanonicalDataset.ofTyped input.Dataset m.Dataset
            "model", model
            "metadata",
            Value.Map [
                "user_defined", userDefined m.Metadata
                "build_metadata", buildMetadata facts m.Events
            ]
            "runtime", input.Runtime
            "project_name", Value.String m.ProjectName
            "evaluation", input.Evaluation
        ]

    /// The cross-validation scores of a metadata.json value, as `(key, stat, value)`.
    let scoresOf (metadata: Value) : (string * string * float) list =
        let path = [ "metadata"; "build_metadata"; "model"; "cross_validation"; "scores" ]

        match path |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata) with
        | Some(Value.Map scores) ->
            scores
            |> List.collect (fun (key, stats) ->
                match stats with
                | Value.Map entries ->
                    entries
                    |> List.choose (fun (s, v) ->
                        match v with
                        | Value.Float f -> Some(key, s, f)
                        | Value.Int i -> Some(key, s, float i)
                        | _ -> None)
                | _ -> [])
        | _ -> []

    /// `dataset_meta` of a dataset result.
    let internal datasetMeta (data: DatasetResult) : Value = MetadataValue.ofMetadata data.Metadata

    let private replace (key: string) (value: Value) (map: Value) : Value =
        match map with
        | Value.Map entries when entries |> List.exists (fst >> (=) key) ->
            Value.Map(entries |> List.map (fun (k, v) -> k, (if k = key then value else v)))
        | Value.Map entries -> Value.Map(entries @ [ key, value ])
        | other -> other

    /// `model` of `build_metadata` with the machine's event settings (none: removed).
    let private withEventSettings (events: Gordo.Core.Config.Events option) (model: Value) : Value =
        match model, events with
        | Value.Map entries, None -> Value.Map(entries |> List.filter (fst >> (<>) "event_settings"))
        | _, Some e -> replace "event_settings" (Gordo.Core.Config.Events.toValue e) model
        | other, None -> other

    /// A cached model's metadata with the current machine's user metadata, event settings and
    /// runtime (spec §4.1: everything else, creation date included, is the cached build's;
    /// event settings do not change the model, so they are not in the cache key).
    let internal refresh (input: BuildInput) (metadata: Value) : Value =
        let build =
            Value.tryGet "metadata" metadata |> Option.bind (Value.tryGet "build_metadata")

        let withBuild meta =
            match build with
            | Some b ->
                let model =
                    Value.tryGet "model" b
                    |> Option.defaultValue (Value.Map [])
                    |> withEventSettings input.Machine.Events

                replace "build_metadata" (replace "model" model b) meta
            | None -> meta

        let meta =
            Value.tryGet "metadata" metadata
            |> Option.defaultValue (Value.Map [])
            |> replace "user_defined" (userDefined input.Machine.Metadata)
            |> withBuild

        metadata |> replace "metadata" meta |> replace "runtime" input.Runtime

    /// The cross-validation results recorded in a metadata.json value (None for `build_only`).
    let internal crossValidationOf (metadata: Value) : CrossValidationResult option =
        let cv =
            [ "metadata"; "build_metadata"; "model"; "cross_validation" ]
            |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata)

        let duration =
            match cv |> Option.bind (Value.tryGet "cv_duration_sec") with
            | Some(Value.Float f) -> Some f
            | Some(Value.Int i) -> Some(float i)
            | _ -> None

        duration
        |> Option.map (fun seconds -> {
            Scores =
                scoresOf metadata
                |> List.groupBy (fun (k, _, _) -> k)
                |> List.map (fun (k, stats) -> k, stats |> List.map (fun (_, s, v) -> s, v))
            Splits =
                match cv |> Option.bind (Value.tryGet "splits") with
                | Some(Value.Map entries) -> entries
                | _ -> []
            DurationSeconds = seconds
        })
