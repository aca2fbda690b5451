namespace Gordo.Data

open Gordo.Core

open System
open Gordo.Core.Config

/// Why a series could not be resampled.
[<RequireQualifiedAccess>]
type ResampleError =
    /// The series has a sample before the requested start.
    | SampleBeforeStart of tag: string * first: DateTimeOffset * start: DateTimeOffset
    /// The series has a sample after the requested end.
    | SampleAfterEnd of tag: string * last: DateTimeOffset * finish: DateTimeOffset
    /// An aggregation method that is not supported.
    | UnknownAggregation of name: string

    /// A one-line description.
    member this.Message: string =
        match this with
        | SampleBeforeStart(t, f, s) ->
            sprintf "tag '%s': the provider returned a sample at %O, before the start %O" t f s
        | SampleAfterEnd(t, l, e) -> sprintf "tag '%s': the provider returned a sample at %O, after the end %O" t l e
        | UnknownAggregation a ->
            sprintf
                "unknown aggregation method '%s'; use one of mean, median, min, max, sum, std, var, first, last, count"
                a

/// Resampling with pandas semantics: left-closed, left-labelled buckets aligned to midnight of
/// the first day (pandas `origin='start_day'`), aggregation, gap filling with a limit.
[<RequireQualifiedAccess>]
module internal Resample =

    /// Aggregates the values `v.[lo .. hi-1]` of one bucket (possibly empty).
    type Aggregator = float[] -> int -> int -> float

    let private fold (v: float[]) (lo: int) (hi: int) =
        let mutable n = 0
        let mutable s = 0.0

        for i in lo .. hi - 1 do
            if not (Double.IsNaN v.[i]) then
                n <- n + 1
                s <- s + v.[i]

        n, s

    let private mean: Aggregator =
        fun v lo hi ->
            let n, s = fold v lo hi
            if n = 0 then nan else s / float n

    let private variance: Aggregator =
        fun v lo hi ->
            let n, s = fold v lo hi

            if n < 2 then
                nan
            else
                let m = s / float n
                let mutable ss = 0.0

                for i in lo .. hi - 1 do
                    if not (Double.IsNaN v.[i]) then
                        ss <- ss + (v.[i] - m) * (v.[i] - m)

                ss / float (n - 1)

    let private valid (v: float[]) (lo: int) (hi: int) : float[] =
        Array.sub v lo (hi - lo) |> Array.filter (Double.IsNaN >> not)

    let private median: Aggregator =
        fun v lo hi ->
            let a = valid v lo hi |> Array.sort

            match a.Length with
            | 0 -> nan
            | n when n % 2 = 1 -> a.[n / 2]
            | n -> (a.[n / 2 - 1] + a.[n / 2]) / 2.0

    let private reduceValid (f: float -> float -> float) : Aggregator =
        fun v lo hi ->
            let a = valid v lo hi
            if a.Length = 0 then nan else Array.reduce f a

    /// The aggregation methods accepted in `aggregation_methods`, as pandas computes them
    /// (`std`/`var` with ddof=1; `sum` and `count` of an empty bucket are 0).
    let tryAggregator (name: string) : Result<Aggregator, ResampleError> =
        match name with
        | "mean" -> Ok mean
        | "median" -> Ok median
        | "min" -> Ok(reduceValid min)
        | "max" -> Ok(reduceValid max)
        | "sum" -> Ok(fun v lo hi -> snd (fold v lo hi))
        | "count" -> Ok(fun v lo hi -> float (fst (fold v lo hi)))
        | "std" -> Ok(fun v lo hi -> sqrt (variance v lo hi))
        | "var" -> Ok variance
        | "first" -> Ok(fun v lo hi -> let a = valid v lo hi in if a.Length = 0 then nan else a.[0])
        | "last" -> Ok(fun v lo hi -> let a = valid v lo hi in if a.Length = 0 then nan else a.[a.Length - 1])
        | other -> Error(ResampleError.UnknownAggregation other)

    /// UTC ticks of local midnight (at `offset`) of the day holding `t`.
    let startOfDay (offset: TimeSpan) (t: int64) : int64 =
        let local = t + offset.Ticks

        local
        - (local % TimeSpan.TicksPerDay + TimeSpan.TicksPerDay) % TimeSpan.TicksPerDay
        - offset.Ticks

    /// Bucket labels and, per bucket, the start position of its rows in `index` (plus a final
    /// end position): bucket k holds rows `starts.[k] .. starts.[k+1]-1`.
    let buckets (offset: TimeSpan) (step: TimeSpan) (index: int64[]) : int64[] * int[] =
        if index.Length = 0 then
            [||], [| 0 |]
        else
            let origin = startOfDay offset index.[0]
            let s = step.Ticks
            let first = (index.[0] - origin) / s
            let count = int ((index.[index.Length - 1] - origin) / s - first) + 1
            let labels = Array.init count (fun k -> origin + (first + int64 k) * s)
            let starts = Array.zeroCreate (count + 1)
            let mutable row = 0

            for k in 0 .. count - 1 do
                starts.[k] <- row
                let finish = labels.[k] + s

                while row < index.Length && index.[row] < finish do
                    row <- row + 1

            starts.[count] <- index.Length
            labels, starts

    /// Aggregates `values` into the buckets computed by `buckets`.
    let aggregate (agg: Aggregator) (starts: int[]) (values: float[]) : float[] =
        Array.init (starts.Length - 1) (fun k -> agg values starts.[k] starts.[k + 1])

    /// Fills NaN runs that follow a valid value, at most `limit` NaNs per run (None: all), as
    /// pandas `interpolate(limit=...)` (linear by position, np.interp formula; trailing NaNs take
    /// the last value) or `fillna(method='ffill', limit=...)`. Leading NaNs stay.
    let fill (method: Interpolation) (limit: int option) (values: float[]) : float[] =
        let out = Array.copy values
        let n = values.Length
        let cap = min n (defaultArg limit n)
        let mutable prev = -1
        let mutable i = 0

        while i < n do
            if not (Double.IsNaN values.[i]) then
                prev <- i
                i <- i + 1
            else
                let a = i

                while i < n && Double.IsNaN values.[i] do
                    i <- i + 1

                if prev >= 0 then
                    for j in a .. min (i - 1) (a + cap - 1) do
                        out.[j] <-
                            if i < n && method = Interpolation.Linear then
                                let slope = (values.[i] - values.[prev]) / float (i - prev)
                                slope * float (j - prev) + values.[prev]
                            else
                                values.[prev]

        out

    let private pad (tag: string) (start: DateTimeOffset) (finish: DateTimeOffset) (s: Frame) =
        let ix, v = s.Index, s.Data.[0]
        let a, b = start.UtcTicks, finish.UtcTicks

        if ix.Length > 0 && ix.[0] < a then
            Error(ResampleError.SampleBeforeStart(tag, Frame.toTimestamp s.Offset ix.[0], start))
        elif ix.Length > 0 && ix.[ix.Length - 1] > b then
            Error(ResampleError.SampleAfterEnd(tag, Frame.toTimestamp s.Offset ix.[ix.Length - 1], finish))
        else
            let head = if ix.Length > 0 && ix.[0] = a then [||] else [| a |]

            let tail =
                if ix.Length > 0 && ix.[ix.Length - 1] = b then
                    [||]
                else
                    [| b |]

            let nans (x: int64[]) = Array.create x.Length nan
            Ok(Array.concat [ head; ix; tail ], Array.concat [ nans head; v; nans tail ])

    /// Resamples one tag's series over [start, finish] as gordo-core's `_resample` does: NaN
    /// padding at start and end, buckets of `step`, one column per aggregation (named
    /// `tag` when `multi` is false, else `Frame.multiColumnName tag method`), gap filling, then
    /// rows with a NaN dropped.
    let series
        (start: DateTimeOffset)
        (finish: DateTimeOffset)
        (step: TimeSpan)
        (aggregations: string list)
        (multi: bool)
        (method: Interpolation)
        (limit: int option)
        (s: Frame)
        : Result<Frame, ResampleError> =
        let tag = s.Columns.[0]
        let aggs = aggregations |> List.map (fun a -> a, tryAggregator a)

        match
            aggs
            |> List.tryPick (fun (_, r) ->
                match r with
                | Error e -> Some e
                | Ok _ -> None)
        with
        | Some e -> Error e
        | None ->
            pad tag start finish s
            |> Result.map (fun (index, values) ->
                let labels, starts = buckets s.Offset step index

                let column (name: string, agg: Result<Aggregator, ResampleError>) =
                    let f = Result.defaultValue mean agg

                    (if multi then Frame.multiColumnName tag name else tag),
                    fill method limit (aggregate f starts values)

                {
                    Index = labels
                    Offset = s.Offset
                    Columns = [||]
                    Data = [||]
                }
                |> fun empty ->
                    let cols = aggs |> List.map column

                    {
                        empty with
                            Columns = cols |> List.map fst |> Array.ofList
                            Data = cols |> List.map snd |> Array.ofList
                    }
                |> Frame.dropNaRows)
