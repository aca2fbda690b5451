namespace Gordo.Server

open System
open Gordo.Core
open Gordo.Models.Scoring

/// One input tag's data-quality flags in a model's recent rows.
type internal QualityWarning = {
    /// The input tag.
    Tag: string
    /// Every flag seen.
    Flags: QualityFlags
    /// How many rows had a flag.
    Rows: int
    /// The last flagged row.
    Last: DateTimeOffset
}

/// What the project page shows of a model's recent scored rows.
[<NoEquality; NoComparison>]
type internal RecentState = {
    /// The kept rows.
    Rows: ScoredRows
    /// Events cut from them with the model's event settings (with their data-quality flags).
    Events: AnomalyEvent list
    /// Tags whose inputs were flagged, in tag order (empty without a training profile).
    Warnings: QualityWarning list
}

/// Events and data-quality warnings of the recent rows of a model (issue 21).
[<RequireQualifiedAccess>]
module internal RecentView =
    /// The flags of each input tag (None: the model has no training profile, or lacks a tag).
    let private flags (meta: Value) (inputs: string[]) (rows: ScoredRows) : (string * QualityFlags[]) list option =
        Handlers.profileOf meta
        |> Option.bind (fun profile ->
            let perTag =
                inputs
                |> Array.mapi (fun j tag ->
                    profile.Tags
                    |> List.tryFind (fun t -> t.Name = tag)
                    |> Option.map (fun p -> tag, DataQuality.flagsOf p rows.Inputs.[j]))

            if perTag |> Array.forall Option.isSome then
                Some(perTag |> Array.choose id |> List.ofArray)
            else
                None)

    let private warning (times: DateTimeOffset[]) (tag: string, flags: QualityFlags[]) : QualityWarning option =
        let flagged =
            flags |> Array.indexed |> Array.filter (fun (_, f) -> f <> QualityFlags.None)

        if flagged.Length = 0 then
            None
        else
            Some {
                Tag = tag
                Flags = flagged |> Array.fold (fun acc (_, f) -> acc ||| f) QualityFlags.None
                Rows = flagged.Length
                Last = times.[fst flagged.[flagged.Length - 1]]
            }

    /// The page's view of a model's kept rows, given its metadata.json value.
    let ofRows (meta: Value) (targets: string[]) (inputs: string[]) (rows: ScoredRows) : RecentState =
        let perTag = flags meta inputs rows

        let total =
            perTag
            |> Option.map (fun tags ->
                Array.init rows.Times.Length (fun i ->
                    tags |> List.fold (fun acc (_, f) -> acc ||| f.[i]) QualityFlags.None))

        {
            Rows = rows
            Events =
                AnomalyEvents.find
                    (AnomalyEvents.ofMetadata meta)
                    rows.Times
                    rows.Confidence
                    targets
                    rows.TagScaled
                    total
            Warnings = perTag |> Option.defaultValue [] |> List.choose (warning rows.Times)
        }

    /// Whether an event is still open: it lasts to the newest kept row.
    let isOpen (state: RecentState) (e: AnomalyEvent) : bool =
        e.End = state.Rows.Times.[state.Rows.Times.Length - 1]

    /// Flag names, as the docs name them.
    let flagNames (flags: QualityFlags) : string list = [
        if flags.HasFlag QualityFlags.Stuck then
            "stuck"
        if flags.HasFlag QualityFlags.OutOfRange then
            "out of range"
        if flags.HasFlag QualityFlags.Missing then
            "missing"
        if flags.HasFlag QualityFlags.Spike then
            "spike"
        if flags.HasFlag QualityFlags.GapFilled then
            "gap-filled"
    ]
