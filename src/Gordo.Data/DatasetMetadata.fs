namespace Gordo.Data

open Gordo.Core

open System
open System.Globalization
open Gordo.Core.Config

/// Per-tag loading facts (`tag_loading_metadata.<tag>`).
type TagLoadingMetadata = {
    /// Raw samples returned by the provider.
    OriginalLength: int
    /// Rows after resampling and gap filling (None without resolution).
    ResampledLength: int option
    /// First raw sample (None when there was none).
    FirstTimestamp: DateTimeOffset option
    /// Last raw sample.
    LastTimestamp: DateTimeOffset option
    /// Raw gaps longer than the interpolation limit (start, end of each).
    Gaps: (DateTimeOffset * DateTimeOffset) list
}

/// pandas `describe()` of one column.
type ColumnSummary = {
    /// Non-NaN values.
    Count: int
    /// Mean.
    Mean: float
    /// Standard deviation (ddof=1).
    Std: float
    /// Minimum.
    Min: float
    /// 25th percentile.
    Q25: float
    /// Median.
    Q50: float
    /// 75th percentile.
    Q75: float
    /// Maximum.
    Max: float
}

/// Dataset metadata of spec §1.5.2, plus how many rows each step dropped.
type DatasetMetadata = {
    /// Names used in `row_filter`.
    RowFilterTags: string list
    /// Per tag loading metadata.
    TagLoading: (string * TagLoadingMetadata) list
    /// Rows after the inner join.
    JoinedLength: int
    /// Rows dropped for NaNs after the join.
    DroppedNaLength: int
    /// Every tag fetched, with its fields.
    Tags: SensorTag list
    /// Periods removed by `filter_periods`, by method.
    FilteredPeriods: (string * DropPeriod list) list
    /// First index of X.
    TrainStartDateActual: DateTimeOffset option
    /// Last index of X.
    TrainEndDateActual: DateTimeOffset option
    /// Per X column statistics.
    SummaryStatistics: (string * ColumnSummary) list
    /// Per X column histogram as a JSON string (`"{}"` for constant columns).
    XHist: (string * string) list
    /// Rows removed by each step: known_filter_periods, row_filter, filter_periods.
    RowsDropped: (string * int) list
}

/// Statistics for the metadata.
[<RequireQualifiedAccess>]
module internal DatasetMetadata =

    /// pandas `describe()` of a column.
    let summarize (values: float[]) : ColumnSummary =
        let v = values |> Array.filter (Double.IsNaN >> not) |> Array.sort
        let n = v.Length
        let mean = if n = 0 then nan else Array.average v

        let std =
            if n < 2 then
                nan
            else
                sqrt ((v |> Array.sumBy (fun x -> (x - mean) * (x - mean))) / float (n - 1))

        let q = Filters.quantileSorted v

        {
            Count = n
            Mean = mean
            Std = std
            Min = (if n = 0 then nan else v.[0])
            Q25 = q 0.25
            Q50 = q 0.5
            Q75 = q 0.75
            Max = (if n = 0 then nan else v.[n - 1])
        }

    let private label (x: float) : string =
        let s = Math.Round(x, 3).ToString("0.0##", CultureInfo.InvariantCulture)
        if s = "-0.0" then "0.0" else s

    /// The `x_hist` JSON string of a column: counts in right-closed bins of width
    /// `round((max-min)/100, 6)` from `round(min-step, 6)`; `"{}"` when the step is below 9e-07.
    /// Labels use three decimals (pandas `cut` precision).
    let histogram (values: float[]) : string =
        let v = values |> Array.filter (Double.IsNaN >> not)

        if v.Length = 0 then
            "{}"
        else
            let lo, hi = Array.min v, Array.max v
            let step = Math.Round((hi - lo) / 100.0, 6)

            if step < 9e-07 then
                "{}"
            else
                let first, last = Math.Round(lo - step, 6), Math.Round(hi + step, 6)
                let bins = int (Math.Ceiling((last - first) / step))
                let counts = Array.zeroCreate bins

                for x in v do
                    let k = int (Math.Ceiling((x - first) / step)) - 1
                    counts.[max 0 (min (bins - 1) k)] <- counts.[max 0 (min (bins - 1) k)] + 1

                counts
                |> Array.mapi (fun k c ->
                    sprintf "\"(%s, %s]\":%d" (label (first + float k * step)) (label (first + float (k + 1) * step)) c)
                |> String.concat ","
                |> sprintf "{%s}"

    /// Raw gaps longer than `limit` between consecutive samples.
    let gaps (limit: TimeSpan option) (series: Frame) : (DateTimeOffset * DateTimeOffset) list =
        match limit with
        | None -> []
        | Some l ->
            // A loop, not Array.pairwise: a tuple per sample was about 1 % of `gordo client`'s CPU.
            let ix = series.Index
            let mutable found = []

            for k in ix.Length - 1 .. -1 .. 1 do
                if ix.[k] - ix.[k - 1] > l.Ticks then
                    found <-
                        (Frame.toTimestamp series.Offset ix.[k - 1], Frame.toTimestamp series.Offset ix.[k])
                        :: found

            found
