namespace Gordo.Models.Scoring

open System
open Gordo.Core
open Gordo.Models

/// What may be wrong with one input value (a bit field: a value can be several at once).
/// Written as integers in the `data-quality|<tag>` and `total-data-quality` columns.
[<Flags>]
type QualityFlags =
    /// Nothing seen.
    | None = 0
    /// The value has not changed for longer than the tag ever stayed flat in training.
    | Stuck = 1
    /// The value is outside the training range widened by a tenth of that range on each side.
    | OutOfRange = 2
    /// The value is missing (NaN or ±inf).
    | Missing = 4
    /// The step from the previous row is larger than 1.5 × the largest step of training.
    | Spike = 8
    /// The value lies on a straight line through its neighbours, with at least one more such
    /// value next to it: the mark of rows that linear interpolation filled inside a gap.
    | GapFilled = 16

/// What one tag looked like in the training data.
type TagProfile = {
    /// The tag.
    Name: string
    /// Smallest training value.
    Min: float
    /// Largest training value.
    Max: float
    /// Largest |x[i] − x[i−1]| between consecutive training rows.
    MaxStep: float
    /// Median |x[i] − x[i−1]|.
    TypicalStep: float
    /// Longest run of identical consecutive values, in rows.
    LongestFlatRun: int
    /// Rows a value may stay unchanged before it counts as stuck: max(3, 2 × the 99th percentile
    /// of the run lengths). Not the longest run: training data can itself hold a stuck period.
    StuckAfter: int
}

/// What the training data looked like, per tag (`build_metadata.dataset.training_profile`).
type TrainingProfile = {
    /// The median spacing of the training rows, in seconds (None with fewer than two rows).
    IntervalSeconds: float option
    /// One profile per input tag, in tag order.
    Tags: TagProfile list
}

/// Data-quality flags at scoring time from the training profile (issue 21): stuck, out of range,
/// missing and spiking inputs, so that a dead sensor is seen as one rather than as a fault.
[<RequireQualifiedAccess>]
module DataQuality =
    let private finite (v: float) =
        not (Double.IsNaN v || Double.IsInfinity v)

    let private median (values: float[]) =
        if values.Length = 0 then
            0.0
        else
            let sorted = Array.sort values
            let mid = sorted.Length / 2

            if sorted.Length % 2 = 1 then
                sorted.[mid]
            else
                (sorted.[mid - 1] + sorted.[mid]) / 2.0

    /// Lengths of the runs of identical consecutive finite values.
    let private runLengths (values: float[]) : int[] =
        let runs = ResizeArray()
        let mutable length = 0

        for i in 0 .. values.Length - 1 do
            if not (finite values.[i]) then
                (if length > 0 then
                     runs.Add length)

                length <- 0
            elif length > 0 && values.[i] = values.[i - 1] then
                length <- length + 1
            else
                (if length > 0 then
                     runs.Add length)

                length <- 1

        if length > 0 then
            runs.Add length

        runs.ToArray()

    let private percentile (q: float) (values: int[]) =
        if values.Length = 0 then
            0
        else
            let sorted = Array.sort values
            sorted.[min (sorted.Length - 1) (int (Math.Ceiling(q * float sorted.Length)) - 1 |> max 0)]

    let private steps (values: float[]) : float[] = [|
        for i in 1 .. values.Length - 1 do
            if finite values.[i] && finite values.[i - 1] then
                abs (values.[i] - values.[i - 1])
    |]

    /// The profile of one tag's training values (non-finite values are skipped).
    let tag (name: string) (values: float[]) : TagProfile =
        let present = values |> Array.filter finite
        let stepSizes = steps values
        let runs = runLengths values

        {
            Name = name
            Min = (if present.Length = 0 then nan else Array.min present)
            Max = (if present.Length = 0 then nan else Array.max present)
            MaxStep = (if stepSizes.Length = 0 then 0.0 else Array.max stepSizes)
            TypicalStep = median stepSizes
            LongestFlatRun = (if runs.Length = 0 then 0 else Array.max runs)
            StuckAfter = max 3 (2 * percentile 0.99 runs)
        }

    /// The profile of training data: tag names, their columns and the rows' UTC ticks.
    let profile (names: string[]) (columns: float[][]) (ticks: int64[]) : TrainingProfile = {
        IntervalSeconds =
            if ticks.Length < 2 then
                None
            else
                Some(median [| for i in 1 .. ticks.Length - 1 -> float (ticks.[i] - ticks.[i - 1]) / 1e7 |])
        Tags = List.init names.Length (fun j -> tag names.[j] columns.[j])
    }

    /// The profile as a metadata value.
    let toValue (p: TrainingProfile) : Value =
        let number (v: float) =
            if finite v then Value.Float v else Value.Null

        Value.Map [
            "interval_seconds",
            (match p.IntervalSeconds with
             | Some s -> Value.Float s
             | None -> Value.Null)
            "tags",
            Value.Map [
                for t in p.Tags ->
                    t.Name,
                    Value.Map [
                        "min", number t.Min
                        "max", number t.Max
                        "max_step", number t.MaxStep
                        "typical_step", number t.TypicalStep
                        "longest_flat_run", Value.Int(int64 t.LongestFlatRun)
                        "stuck_after", Value.Int(int64 t.StuckAfter)
                    ]
            ]
        ]

    let private floatAt (key: string) (v: Value) =
        match Value.tryGet key v with
        | Some(Value.Float f) -> Some f
        | Some(Value.Int i) -> Some(double i)
        | Some Value.Null -> Some nan
        | _ -> None

    let private intAt (key: string) (v: Value) =
        match Value.tryGet key v with
        | Some(Value.Int i) -> Some(int32 i)
        | _ -> None

    let private tagOfValue (name: string, v: Value) : TagProfile option =
        match floatAt "min" v, floatAt "max" v, floatAt "max_step" v, floatAt "typical_step" v with
        | Some lo, Some hi, Some step, Some typical ->
            match intAt "longest_flat_run" v, intAt "stuck_after" v with
            | Some longest, Some stuck ->
                Some {
                    Name = name
                    Min = lo
                    Max = hi
                    MaxStep = step
                    TypicalStep = typical
                    LongestFlatRun = longest
                    StuckAfter = stuck
                }
            | _ -> None
        | _ -> None

    /// The training profile of a metadata.json value (None for models built before profiles).
    let ofMetadata (metadata: Value) : TrainingProfile option =
        [ "metadata"; "build_metadata"; "dataset"; "training_profile" ]
        |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata)
        |> Option.bind (fun p ->
            match Value.tryGet "tags" p with
            | Some(Value.Map tags) ->
                let profiles = tags |> List.choose tagOfValue

                if profiles.Length = tags.Length then
                    Some {
                        IntervalSeconds = floatAt "interval_seconds" p |> Option.filter finite
                        Tags = profiles
                    }
                else
                    None
            | _ -> None)

    /// Whether `b` lies on the line through its neighbours `a` and `c`, with a non-zero step (a
    /// flat run is the stuck flag's).
    let inline private collinear (a: float) (b: float) (c: float) =
        let before, after = b - a, c - b

        Double.IsFinite a
        && Double.IsFinite b
        && Double.IsFinite c
        && before <> 0.0
        && abs (after - before) <= 1e-9 * (abs a + abs b + abs c + abs before)

    /// Each row's flags of one tag's values into `flags`, in one pass: a stuck run is marked back
    /// to its start once it grows past the profile's limit; a row on a straight line with its
    /// neighbours is marked, with the row before it, once the row before was on one too (runs of
    /// two or more: measured noise never does that, linear gap filling always does, and one
    /// filled row alone is not told apart from a steady ramp).
    let private fill (p: TagProfile) (values: ReadOnlySpan<float>) (flags: Span<QualityFlags>) =
        let margin = (p.Max - p.Min) / 10.0
        let low, high, spike = p.Min - margin, p.Max + margin, 1.5 * p.MaxStep
        let n = values.Length
        // The previous value when finite, else NaN (so that no step is taken from it).
        let mutable previous = nan
        let mutable runStart = 0
        let mutable lastCollinear = false

        for i in 0 .. n - 1 do
            let v = values.[i]

            if Double.IsFinite v then
                let mutable f = QualityFlags.None

                if v < low || v > high then
                    f <- QualityFlags.OutOfRange

                if abs (v - previous) > spike then
                    f <- f ||| QualityFlags.Spike

                if v <> previous then
                    runStart <- i

                let run = i - runStart + 1

                if run > p.StuckAfter then
                    if run = p.StuckAfter + 1 then
                        for k in runStart .. i - 1 do
                            flags.[k] <- flags.[k] ||| QualityFlags.Stuck

                    f <- f ||| QualityFlags.Stuck

                flags.[i] <- f
                previous <- v
            else
                flags.[i] <- QualityFlags.Missing
                previous <- nan
                runStart <- i

            if i >= 1 && i <= n - 2 then
                let current = collinear values.[i - 1] v values.[i + 1]

                if current && lastCollinear then
                    flags.[i - 1] <- flags.[i - 1] ||| QualityFlags.GapFilled
                    flags.[i] <- flags.[i] ||| QualityFlags.GapFilled

                lastCollinear <- current

    /// Flags for every row of one tag's values.
    let flagsOf (p: TagProfile) (values: float[]) : QualityFlags[] =
        let flags = Array.zeroCreate<QualityFlags> values.Length
        fill p (ReadOnlySpan values) (Span flags)
        flags

    let private profileOfTag (profile: TrainingProfile) (name: string) =
        match profile.Tags |> List.tryFind (fun t -> t.Name = name) with
        | Some p -> p
        | None -> invalidArg "tags" $"the model's training profile has no tag '%s{name}'"

    /// The columns of `columns`: each tag's flags as numbers (`column j values` fills `values`
    /// with tag j's rows), then every tag's flags of each row together.
    let inline private flagColumns
        (profile: TrainingProfile)
        (tags: string[])
        (rows: int)
        ([<InlineIfLambda>] column: int -> float[] -> unit)
        =
        // The union stays a flag array until written out: no double-to-int conversion per row.
        let union = Array.zeroCreate<QualityFlags> rows
        let values = Array.zeroCreate<float> rows
        let flags = Array.zeroCreate<QualityFlags> rows

        let perTag =
            tags
            |> Array.mapi (fun j name ->
                let p = profileOfTag profile name
                column j values
                fill p (ReadOnlySpan values) (Span flags)
                let numbers = Array.zeroCreate<float> rows

                for i in 0 .. rows - 1 do
                    numbers.[i] <- float (int flags.[i])
                    union.[i] <- union.[i] ||| flags.[i]

                ("data-quality", name), numbers)

        List.ofArray perTag
        @ [
            ("total-data-quality", ""), Array.map (fun (f: QualityFlags) -> float (int f)) union
        ]

    /// The `data-quality|<tag>` columns (flags as numbers) for the given tags' columns, then
    /// `total-data-quality` (every tag's flags of the row together). A tag the profile lacks is
    /// an `ArgumentException`.
    let columns (profile: TrainingProfile) (tags: string[]) (columns: float[][]) : ((string * string) * float[]) list =
        let rows = if columns.Length = 0 then 0 else columns.[0].Length
        flagColumns profile tags rows (fun j values -> Array.blit columns.[j] 0 values 0 rows)

    /// `columns` for the rows of X from `skip` on, X's columns being the given tags (no copy of
    /// X's columns: the server's request path).
    let ofMatrix
        (profile: TrainingProfile)
        (tags: string[])
        (x: float[,])
        (skip: int)
        : ((string * string) * float[]) list =
        let width = Matrix.cols x

        flagColumns profile tags (Matrix.rows x - skip) (fun j values ->
            let cells = Matrix.span x

            for i in 0 .. values.Length - 1 do
                values.[i] <- cells.[(skip + i) * width + j])
