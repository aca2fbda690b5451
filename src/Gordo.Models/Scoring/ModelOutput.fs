namespace Gordo.Models.Scoring

open System
open Gordo.Core
open Gordo.Core.Language
open Gordo.Models
open Gordo.Models.Anomaly

/// The output tables of a saved model, shared by the HTTP API (spec §5.5) and offline scoring
/// (`gordo predict`, `gordo anomaly`): which columns, in which order, with which names.
[<RequireQualifiedAccess>]
module ModelOutput =
    let private names (key: string) (meta: Value) : string[] =
        let name (v: Value) =
            match v with
            | Value.String s -> s
            | Value.Map _ ->
                match Value.tryGet "name" v with
                | Some(Value.String s) -> s
                | _ -> invalidOp "a tag of the model's metadata.json has no name"
            | other -> invalidOp $"unexpected tag %A{other} in the model's metadata.json"

        match Value.tryGet "dataset" meta |> Option.bind (Value.tryGet key) with
        | Some(Value.List tags) when not tags.IsEmpty -> tags |> List.map name |> Array.ofList
        | _ -> [||]

    /// Tag and target tag names of a model's metadata (targets default to tags).
    let tagNames (meta: Value) : string[] * string[] =
        let tags = names "tag_list" meta

        if tags.Length = 0 then
            invalidOp "Unable to find tags information in the model's metadata.json (dataset.tag_list)"

        let targets = names "target_tag_list" meta
        tags, (if targets.Length = 0 then tags else targets)

    /// The data resolution of a model's metadata (`dataset.resolution`), if it parses.
    let frequency (meta: Value) : TimeSpan option =
        match Value.tryGet "dataset" meta |> Option.bind (Value.tryGet "resolution") with
        | Some(Value.String r) -> Resolution.tryParseOffset r |> Result.toOption
        | _ -> None

    /// The prediction columns: `model-input` (the last rows of X) and `model-output`.
    let prediction
        (tags: string[])
        (targets: string[])
        (x: Matrix)
        (output: Matrix)
        : ((string * string) * float[]) list =
        let n = Matrix.rows output

        Frame.block "model-input" tags (Matrix.lastRows n x)
        @ Frame.block "model-output" (Frame.outputNames targets (Matrix.cols output)) output

    /// The anomaly columns: every column of the frame, or all but the `smooth-*` ones.
    let anomaly (allColumns: bool) (frame: AnomalyFrame) : ((string * string) * float[]) list =
        let smooth ((top: string, _), _) =
            top.StartsWith("smooth-", StringComparison.Ordinal)

        if allColumns || not (List.exists smooth frame.Columns) then
            frame.Columns
        else
            frame.Columns |> List.filter (smooth >> not)

    /// A flat column name for files: `top|sub`, or `top` for single-level columns.
    let flatName (top: string, sub: string) : string =
        if sub = "" || sub = top then
            top
        else
            Gordo.Core.Data.Frame.multiColumnName top sub
