namespace Gordo.Models.Builder

open System
open System.Globalization
open Gordo.Core
open Gordo.Core.Data
open Gordo.Models

/// The timings and results the builder measured, for `build_metadata`.
type BuildFacts = {
    /// `dataset.query_duration_sec`.
    QueryDurationSeconds: float option
    /// `dataset.dataset_meta` (spec §1.5.2).
    DatasetMeta: Value
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
    let builderVersion: string =
        let v = typeof<BuildFacts>.Assembly.GetName().Version
        $"%d{v.Major}.%d{v.Minor}.%d{v.Build}"

    /// Python `str(datetime.now(tz))`: `2020-11-08 19:16:08.971313+00:00`.
    let pythonTimestamp (t: DateTimeOffset) : string =
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

    let private userDefined (m: Gordo.Core.Config.Metadata) =
        let orEmpty v =
            if v = Value.Null then Value.Map [] else v

        Value.Map [ "global-metadata", orEmpty m.Global; "machine-metadata", orEmpty m.Machine ]

    /// The build metadata (`metadata.build_metadata`).
    let buildMetadata (facts: BuildFacts) : Value =
        Value.Map [
            "model",
            Value.Map [
                "model_offset", Value.Int(int64 facts.Offset)
                "model_creation_date", optional (pythonTimestamp >> Value.String) facts.Created
                "model_builder_version", Value.String builderVersion
                "cross_validation", crossValidation facts.CrossValidation
                "model_training_duration_sec", optional Value.Float facts.TrainingSeconds
                "model_meta", Value.Map facts.ModelMeta
            ]
            "dataset",
            Value.Map [
                "query_duration_sec", optional Value.Float facts.QueryDurationSeconds
                "dataset_meta", facts.DatasetMeta
            ]
        ]

    /// The whole metadata.json value (`Machine.to_dict()`).
    let machine (input: BuildInput) (model: Value) (facts: BuildFacts) : Value =
        let m = input.Machine

        Value.Map [
            "name", Value.String m.Name
            "dataset", input.Dataset
            "model", model
            "metadata",
            Value.Map [
                "user_defined", userDefined m.Metadata
                "build_metadata", buildMetadata facts
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
    let datasetMeta (data: DatasetResult) : Value = MetadataValue.ofMetadata data.Metadata
