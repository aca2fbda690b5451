namespace Gordo.Data

open Gordo.Core

open System
open Gordo.Core.Language

/// The nuisance filter method of `filter_periods.filter_method`.
[<RequireQualifiedAccess>]
type FilterMethod =
    /// Rolling (centred, full-window) median ± n_iqr · rolling IQR.
    | Median
    /// Global median ± n_iqr · (q_upper − q_lower).
    | Quantile
    /// scikit-learn IsolationForest (300 trees, min(1000, rows) rows each, seed 42) flagging the
    /// `contamination` share of rows, optionally on `ewm(halflife=6)`-smoothed data.
    | Iforest
    /// iforest, median and quantile, each with its own drop periods.
    | All

/// The `filter_periods` settings (gordo-core `FilterPeriods`).
type FilterPeriodsOptions = {
    /// The method.
    Method: FilterMethod
    /// Rolling window length in rows (default 144).
    Window: int
    /// Width multiplier (default 5).
    NIqr: float
    /// Lower quantile for `quantile` (default 0.05).
    QuantileLower: float
    /// Upper quantile for `quantile` (default 0.95).
    QuantileUpper: float
    /// Share of rows `iforest` flags (default 0.03).
    Contamination: float
    /// Smooth with `ewm(halflife=6)` before `iforest` (default false).
    IforestSmooth: bool
    /// Rows at most this far apart join one drop period (the dataset resolution).
    Granularity: TimeSpan
}

/// A removed period, both ends inclusive.
type DropPeriod = {
    /// First removed instant.
    DropStart: DateTimeOffset
    /// Last removed instant.
    DropEnd: DateTimeOffset
}

/// Row filters: `row_filter` with buffer, `known_filter_periods`, `filter_periods`.
[<RequireQualifiedAccess>]
module internal Filters =

    /// Default `filter_periods` settings for a resolution.
    let defaultPeriods (granularity: TimeSpan) : FilterPeriodsOptions = {
        Method = FilterMethod.Median
        Window = 144
        NIqr = 5.0
        QuantileLower = 0.05
        QuantileUpper = 0.95
        Contamination = 0.03
        IforestSmooth = false
        Granularity = granularity
    }

    /// Widens the removed rows (`keep = false`) by `buffer` rows on each side; when the kernel
    /// `2·buffer+1` is longer than the data, everything is removed (as gordo-core does).
    let applyBuffer (buffer: int) (keep: bool[]) : bool[] =
        if buffer <= 0 then
            keep
        elif 2 * buffer + 1 > keep.Length then
            Array.zeroCreate keep.Length
        else
            let out = Array.create keep.Length true

            keep
            |> Array.iteri (fun i k ->
                if not k then
                    for j in max 0 (i - buffer) .. min (keep.Length - 1) (i + buffer) do
                        out.[j] <- false)

            out

    /// The rows satisfying every expression (a `row_filter` list is AND-ed), widened by `buffer`.
    let rowMask (exprs: Expression.Expr list) (buffer: int) (f: Frame) : Result<bool[], EvaluationError> =
        let folder (acc: Result<bool[], EvaluationError>) (e: Expression.Expr) =
            acc
            |> Result.bind (fun m -> Evaluate.mask f e |> Result.map (Array.map2 (&&) m))

        exprs
        |> List.fold folder (Ok(Array.create (Frame.length f) true))
        |> Result.map (applyBuffer buffer)

    /// Applies a `row_filter` (with buffer) to a frame.
    let rowFilter (exprs: Expression.Expr list) (buffer: int) (f: Frame) : Result<Frame, EvaluationError> =
        rowMask exprs buffer f |> Result.map (fun m -> Frame.filterRows m f)

    /// Applies `known_filter_periods` one after the other (pandas `query`).
    let knownPeriods (exprs: Expression.Expr list) (f: Frame) : Result<Frame, EvaluationError> =
        let folder (acc: Result<Frame, EvaluationError>) (e: Expression.Expr) =
            acc
            |> Result.bind (fun g -> Evaluate.mask g e |> Result.map (fun m -> Frame.filterRows m g))

        List.fold folder (Ok f) exprs

    /// The q-quantile of sorted values, linear interpolation (numpy/pandas default).
    let quantileSorted (sorted: float[]) (q: float) : float =
        if sorted.Length = 0 then
            nan
        else
            let pos = q * float (sorted.Length - 1)
            let lo = int (Math.Floor pos)
            let hi = min (lo + 1) (sorted.Length - 1)
            sorted.[lo] + (sorted.[hi] - sorted.[lo]) * (pos - float lo)

    let private outside (x: float) (centre: float) (width: float) : bool =
        x > centre + width || x < centre - width

    /// Rows where a column leaves its rolling median ± n_iqr · rolling IQR (centred window of
    /// `window` rows, NaN where the window does not fit, as pandas `rolling(center=True)`).
    let medianAnomalies (window: int) (nIqr: float) (f: Frame) : bool[] =
        let n = Frame.length f
        let offset = (window - 1) / 2
        let flags = Array.zeroCreate n

        for c in f.Data do
            for i in 0 .. n - 1 do
                let finish = i + 1 + offset
                let start = finish - window

                if start >= 0 && finish <= n then
                    let w = Array.sub c start window |> Array.sort
                    let iqr = quantileSorted w 0.75 - quantileSorted w 0.25

                    if outside c.[i] (quantileSorted w 0.5) (nIqr * iqr) then
                        flags.[i] <- true

        flags

    /// Rows where a column leaves its global median ± n_iqr · (q_upper − q_lower).
    let quantileAnomalies (nIqr: float) (lower: float) (upper: float) (f: Frame) : bool[] =
        let limits =
            f.Data
            |> Array.map (fun c ->
                let s = c |> Array.filter (Double.IsNaN >> not) |> Array.sort
                quantileSorted s 0.5, nIqr * (quantileSorted s upper - quantileSorted s lower))

        Array.init (Frame.length f) (fun i ->
            f.Data
            |> Array.indexed
            |> Array.exists (fun (k, c) -> outside c.[i] (fst limits.[k]) (snd limits.[k])))

    /// Groups anomalous rows at most `granularity` apart into inclusive drop periods.
    let dropPeriods (granularity: TimeSpan) (f: Frame) (anomalous: bool[]) : DropPeriod list =
        let stamps = [
            for i in 0 .. anomalous.Length - 1 do
                if anomalous.[i] then
                    yield f.Index.[i]
        ]

        let folder (acc: (int64 * int64) list) (t: int64) =
            match acc with
            | (s, e) :: rest when t - e <= granularity.Ticks -> (s, t) :: rest
            | _ -> (t, t) :: acc

        stamps
        |> List.fold folder []
        |> List.rev
        |> List.map (fun (s, e) -> {
            DropStart = Frame.toTimestamp f.Offset s
            DropEnd = Frame.toTimestamp f.Offset e
        })

    /// Rows gordo-core's IsolationForest flags (n_estimators 300, max_samples min(1000, rows),
    /// random_state 42; the seed is ours, the draws are not numpy's).
    let iforestAnomalies (contamination: float) (smooth: bool) (f: Frame) : bool[] =
        let columns =
            if smooth then
                f.Data |> Array.map (IsolationForest.smooth 6.0)
            else
                f.Data

        IsolationForest.outliers 300 1000 42 contamination columns

    /// Applies `filter_periods`: the rows kept and, per method (gordo-core's order: iforest,
    /// median, quantile), the periods dropped.
    let filterPeriods (options: FilterPeriodsOptions) (f: Frame) : Frame * (string * DropPeriod list) list =
        let median () =
            medianAnomalies options.Window options.NIqr f

        let quantile () =
            quantileAnomalies options.NIqr options.QuantileLower options.QuantileUpper f

        let iforest () =
            iforestAnomalies options.Contamination options.IforestSmooth f

        let methods =
            match options.Method with
            | FilterMethod.Median -> [ "median", median ]
            | FilterMethod.Quantile -> [ "quantile", quantile ]
            | FilterMethod.Iforest -> [ "iforest", iforest ]
            | FilterMethod.All -> [ "iforest", iforest; "median", median; "quantile", quantile ]

        let periods =
            methods
            |> List.map (fun (name, anomalies) -> name, dropPeriods options.Granularity f (anomalies ()))

        let all = periods |> List.collect snd

        let inPeriod (t: int64) =
            all
            |> List.exists (fun p -> t >= p.DropStart.UtcTicks && t <= p.DropEnd.UtcTicks)

        Frame.filterRows (f.Index |> Array.map (inPeriod >> not)) f, periods
