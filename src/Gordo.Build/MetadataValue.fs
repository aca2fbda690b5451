namespace Gordo.Build

open System
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data

/// Dataset metadata in the JSON shape of spec §1.5.2 (`build_metadata.dataset.dataset_meta`).
[<RequireQualifiedAccess>]
module internal MetadataValue =

    let private epoch (t: DateTimeOffset) : Value =
        Value.Float(float (t.UtcTicks - DateTime.UnixEpoch.Ticks) / float TimeSpan.TicksPerSecond)

    let private optional (f: 'T -> Value) (x: 'T option) : Value =
        x |> Option.map f |> Option.defaultValue Value.Null

    let private gaps (g: (DateTimeOffset * DateTimeOffset) list) : Value =
        if g.IsEmpty then
            Value.Map []
        else
            Value.Map [
                "start", Value.List(g |> List.map (fst >> epoch))
                "end", Value.List(g |> List.map (snd >> epoch))
            ]

    let private tagLoading (m: TagLoadingMetadata) : Value =
        Value.Map [
            "original_length", Value.Int(int64 m.OriginalLength)
            "resampled_length", optional (int64 >> Value.Int) m.ResampledLength
            "first_timestamp", optional epoch m.FirstTimestamp
            "last_timestamp", optional epoch m.LastTimestamp
            "gaps", gaps m.Gaps
        ]

    /// A sensor tag's JSON form `{"name": ..., "<field>": ...}`.
    let sensorTag (t: SensorTag) : Value =
        Value.Map(
            ("name", Value.String t.Name)
            :: (t.Fields |> List.map (fun (k, v) -> k, Value.String v))
        )

    let private summary (s: ColumnSummary) : Value =
        Value.Map [
            "count", Value.Float(float s.Count)
            "mean", Value.Float s.Mean
            "std", Value.Float s.Std
            "min", Value.Float s.Min
            "25%", Value.Float s.Q25
            "50%", Value.Float s.Q50
            "75%", Value.Float s.Q75
            "max", Value.Float s.Max
        ]

    let private period (p: DropPeriod) : Value =
        Value.Map [
            "drop_start", Value.String(FrameIO.formatTimestamp p.DropStart)
            "drop_end", Value.String(FrameIO.formatTimestamp p.DropEnd)
        ]

    /// The metadata as a value (NaN statistics are written as null by the JSON printer).
    let ofMetadata (m: DatasetMetadata) : Value =
        let loading =
            (m.TagLoading |> List.map (fun (t, l) -> t, tagLoading l))
            @ [
                "aggregate_metadata",
                Value.Map [
                    "joined_length", Value.Int(int64 m.JoinedLength)
                    "dropped_na_length", Value.Int(int64 m.DroppedNaLength)
                ]
                "tags", Value.Map(m.Tags |> List.map (fun t -> t.Name, sensorTag t))
            ]

        let periods =
            if m.FilteredPeriods.IsEmpty then
                []
            else
                [
                    "filtered_periods",
                    Value.Map(m.FilteredPeriods |> List.map (fun (k, ps) -> k, Value.List(List.map period ps)))
                ]

        Value.Map(
            [
                "row_filter_tags", Value.List(m.RowFilterTags |> List.map Value.String)
                "tag_loading_metadata", Value.Map loading
            ]
            @ periods
            @ [
                "train_start_date_actual", optional (FrameIO.formatTimestamp >> Value.String) m.TrainStartDateActual
                "train_end_date_actual", optional (FrameIO.formatTimestamp >> Value.String) m.TrainEndDateActual
                "summary_statistics", Value.Map(m.SummaryStatistics |> List.map (fun (c, s) -> c, summary s))
                "x_hist", Value.Map(m.XHist |> List.map (fun (c, h) -> c, Value.String h))
            ]
        )
