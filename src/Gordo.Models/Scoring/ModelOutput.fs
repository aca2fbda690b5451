namespace Gordo.Models.Scoring

open System
open System.Runtime.CompilerServices
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

    /// What the output tables need of a model's metadata.
    type Columns = {
        /// Input tag names (`tagNames`; shared: do not modify).
        Tags: string[]
        /// Target tag names (`tagNames`; shared: do not modify).
        Targets: string[]
        /// The data resolution (`frequency`).
        Frequency: TimeSpan option
    }

    // Keyed by the metadata value itself (by reference): a reloaded model's metadata is a new
    // value, so its columns are computed afresh, and dropped values take their entries along.
    let private columnsCache = ConditionalWeakTable<Value, Columns>()

    /// `tagNames` and `frequency` of a metadata value, computed once per value (every request of
    /// the server asks; the metadata of a loaded model does not change).
    let columns (meta: Value) : Columns =
        match columnsCache.TryGetValue meta with
        | true, cached -> cached
        | _ ->
            let tags, targets = tagNames meta

            let computed = {
                Tags = tags
                Targets = targets
                Frequency = frequency meta
            }

            columnsCache.AddOrUpdate(meta, computed)
            computed

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
        if sub = "" || sub = top then top else top + "|" + sub
