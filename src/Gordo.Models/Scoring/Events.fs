namespace Gordo.Models.Scoring

open System
open Gordo.Core

/// How anomaly events are cut from a model's scores (issue 21). Confidences are the model's
/// `total-anomaly-confidence`: the total scaled error over its threshold (1 = at the threshold).
type EventSettings = {
    /// An event starts when the confidence rises above this (default 1.5 × the threshold).
    On: float
    /// ... and ends when it falls below this (default 0.8 × the threshold): hysteresis, so that
    /// a score wavering around the threshold is one event, not many.
    Off: float
    /// Events shorter than this (first to last row) are dropped (default 30 minutes).
    MinDuration: TimeSpan
    /// Events closer than this are merged into one (default 2 hours).
    MergeGap: TimeSpan
    /// How many contributing tags an event lists (default 3).
    TopTags: int
}

/// One tag's share of an event's scaled error.
type EventTag = {
    /// The tag.
    Tag: string
    /// Its share of the sum of `tag-anomaly-scaled` over the event's rows (0..1).
    Share: float
}

/// A period of anomalous behaviour, as an operator acts on it.
type AnomalyEvent = {
    /// The first row above `On`.
    Start: DateTimeOffset
    /// The last row at or above `Off`.
    End: DateTimeOffset
    /// The highest confidence in the event.
    Peak: float
    /// The tags that contribute most, largest share first.
    Tags: EventTag list
    /// Every data-quality flag seen in the event's rows (None without quality flags).
    Quality: QualityFlags
}

/// Cutting events from scores: hysteresis, a minimum duration and gap merging.
[<RequireQualifiedAccess>]
module AnomalyEvents =
    /// Settings of a config's `events` section.
    let ofConfig (events: Gordo.Core.Config.Events) : EventSettings = {
        On = events.On
        Off = events.Off
        MinDuration = events.MinDuration
        MergeGap = events.MergeGap
        TopTags = events.TopTags
    }

    /// The defaults, chosen on the sample plant (docs/events.md).
    let defaults: EventSettings = ofConfig Gordo.Core.Config.Events.defaults

    /// Where the builder writes a machine's settings in metadata.json.
    let metadataPath = [ "metadata"; "build_metadata"; "model"; "event_settings" ]

    /// A model's settings from its metadata.json value (`build_metadata.model.event_settings`,
    /// written when its config has an `events` section); the defaults when absent.
    let ofMetadata (metadata: Value) : EventSettings =
        metadataPath
        |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata)
        |> Option.map Gordo.Core.Config.Events.ofValue
        |> Option.map ofConfig
        |> Option.defaultValue defaults

    /// Flags of an input whose value says nothing about the process: stuck or missing.
    let private dead = QualityFlags.Stuck ||| QualityFlags.Missing

    /// Whether at least half of row `i`'s scaled error comes from tags whose inputs are stuck or
    /// missing there (`flags`: each scaled column's input flags, None for a tag without them).
    let private carriedByDeadInputs (scaled: float[][]) (flags: QualityFlags[] option[]) (i: int) =
        let mutable fromDead = 0.0
        let mutable total = 0.0

        for j in 0 .. scaled.Length - 1 do
            let v = scaled.[j].[i]

            if Double.IsFinite v then
                total <- total + v

                match flags.[j] with
                | Some f when f.[i] &&& dead <> QualityFlags.None -> fromDead <- fromDead + v
                | _ -> ()

        total > 0.0 && fromDead >= total / 2.0

    /// Row ranges (first, last) where the confidence is on, by hysteresis; a row for which
    /// `untrusted` holds may continue an event but not start one.
    let private runs (settings: EventSettings) (confidence: float[]) (untrusted: int -> bool) =
        let found = ResizeArray()
        let mutable start = -1

        for i in 0 .. confidence.Length - 1 do
            let c = confidence.[i]

            if start < 0 && c > settings.On && not (untrusted i) then
                start <- i
            elif start >= 0 && not (c >= settings.Off) then
                found.Add(start, i - 1)
                start <- -1

        if start >= 0 then
            found.Add(start, confidence.Length - 1)

        List.ofSeq found

    let private merge (gap: TimeSpan) (times: DateTimeOffset[]) (ranges: (int * int) list) =
        ranges
        |> List.fold
            (fun acc (a, b) ->
                match acc with
                | (s, e) :: rest when times.[a] - times.[e] <= gap -> (s, b) :: rest
                | _ -> (a, b) :: acc)
            []
        |> List.rev

    let private topTags (settings: EventSettings) (names: string[]) (scaled: float[][]) (a: int) (b: int) =
        let sums =
            scaled
            |> Array.map (fun column ->
                Seq.sum (seq { for i in a..b -> if Double.IsFinite column.[i] then column.[i] else 0.0 }))

        let total = Array.sum sums

        Array.zip names sums
        |> Array.sortByDescending snd
        |> Array.truncate settings.TopTags
        |> Array.map (fun (tag, s) -> {
            Tag = tag
            Share = (if total > 0.0 then s / total else 0.0)
        })
        |> List.ofArray

    /// The events of scored rows, with each tag's input quality flags (`tagQuality`, by tag
    /// name): a row whose scaled error comes at least half from tags that are stuck or missing
    /// there does not start an event (a dead sensor raises no event), but may continue one.
    let internal findWithTagQuality
        (settings: EventSettings)
        (times: DateTimeOffset[])
        (confidence: float[])
        (tags: string[])
        (scaled: float[][])
        (quality: QualityFlags[] option)
        (tagQuality: (string * QualityFlags[]) list)
        : AnomalyEvent list =
        let flags =
            tags
            |> Array.map (fun t -> tagQuality |> List.tryFind (fst >> (=) t) |> Option.map snd)

        runs settings confidence (carriedByDeadInputs scaled flags)
        |> merge settings.MergeGap times
        |> List.filter (fun (a, b) -> times.[b] - times.[a] >= settings.MinDuration)
        |> List.map (fun (a, b) -> {
            Start = times.[a]
            End = times.[b]
            Peak = confidence.[a..b] |> Array.filter Double.IsFinite |> Array.max
            Tags = topTags settings tags scaled a b
            Quality =
                match quality with
                | Some flags -> Array.fold (|||) QualityFlags.None flags.[a..b]
                | None -> QualityFlags.None
        })

    /// The events of scored rows: their times, `total-anomaly-confidence`, the tags'
    /// `tag-anomaly-scaled` columns, and `total-data-quality` flags if computed (without each
    /// tag's flags, every row may start an event; `ofColumns` uses them).
    let find
        (settings: EventSettings)
        (times: DateTimeOffset[])
        (confidence: float[])
        (tags: string[])
        (scaled: float[][])
        (quality: QualityFlags[] option)
        : AnomalyEvent list =
        findWithTagQuality settings times confidence tags scaled quality []

    /// The events of an anomaly table (the columns of `anomaly/prediction`, with the
    /// `data-quality` and `total-data-quality` columns if asked for: then a row whose error comes
    /// mostly from stuck or missing inputs starts no event) whose rows are at `times`; an error
    /// when the model has no thresholds (no `total-anomaly-confidence`).
    let ofColumns
        (settings: EventSettings)
        (times: DateTimeOffset[])
        (columns: ((string * string) * float[]) list)
        : Result<AnomalyEvent list, string> =
        let column key =
            columns |> List.tryFind (fst >> (=) key) |> Option.map snd

        match column ("total-anomaly-confidence", "") with
        | None ->
            Error
                "the model has no thresholds (no total-anomaly-confidence): build it with cross-validation (evaluation.cv_mode full_build)"
        | Some confidence ->
            let scaled =
                columns |> List.filter (fun ((top, _), _) -> top = "tag-anomaly-scaled")

            let asFlags (values: float[]) =
                values |> Array.map (fun f -> enum<QualityFlags> (int f))

            let tagQuality = [
                for (top, tag), values in columns do
                    if top = "data-quality" then
                        tag, asFlags values
            ]

            Ok(
                findWithTagQuality
                    settings
                    times
                    confidence
                    (scaled |> List.map (fst >> snd) |> Array.ofList)
                    (scaled |> List.map snd |> Array.ofList)
                    (column ("total-data-quality", "") |> Option.map asFlags)
                    tagQuality
            )

    /// Events as JSON-ready values: `[{start, end, peak, tags: [{tag, share}], quality}]`.
    let toValue (events: AnomalyEvent list) : Value =
        Value.List [
            for e in events ->
                Value.Map [
                    "start", Value.String(Gordo.Models.Anomaly.Frame.isoformat e.Start)
                    "end", Value.String(Gordo.Models.Anomaly.Frame.isoformat e.End)
                    "peak", Value.Float e.Peak
                    "tags",
                    Value.List [
                        for t in e.Tags -> Value.Map [ "tag", Value.String t.Tag; "share", Value.Float t.Share ]
                    ]
                    "quality", Value.Int(int64 e.Quality)
                ]
        ]
