module Gordo.Tests.Data.DatasetTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Gordo.Core.Config
open Gordo.Data
open Gordo.Core.Language

/// A provider serving fixed frames by tag name.
type private FixedProvider(series: (string * Frame) list) =
    interface IDataProvider with
        member _.TypeName = "test"

        member _.LoadAsync(_, _, tags, _) =
            tags
            |> List.map (fun t ->
                series
                |> List.tryFind (fst >> (=) t.Name)
                |> Option.map snd
                |> Option.defaultValue (Frame.empty [ t.Name ]))
            |> Ok
            |> Task.FromResult

let private request (tags: string list) (filters: string list) =
    let parsed =
        filters
        |> List.map (fun f -> f, Expression.parse f |> Result.defaultWith (fun e -> failwith e.Message))

    {
        DatasetRequest.create (Reference.timestamp "start") (Reference.timestamp "end") tags with
            RowFilter = parsed
    }

let private run (r: DatasetRequest) =
    Dataset.getDataAsync (FixedProvider(Reference.tags ())) r CancellationToken.None
    |> fun t -> t.GetAwaiter().GetResult()

let private filterCase (i: int) =
    Reference.doc.Value.GetProperty("filters").[i]

[<Tests>]
let tests =
    testList "Data.Dataset" [
        test "X equals the pandas pipeline: resample, join, row filter" {
            let case = filterCase 0

            let r =
                request [ "TAG-A 1"; "TAG_B"; "TAG.C" ] [ case.GetProperty("expression").GetString() ]

            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal result.X.Index (Reference.ticks (case.GetProperty "kept")) "rows"
            Expect.equal result.X.Columns [| "TAG-A 1"; "TAG_B"; "TAG.C" |] "columns"
            Expect.equal result.Y.Columns result.X.Columns "targets default to the tags"
            Expect.equal result.Metadata.RowFilterTags [ "TAG-A 1" ] "row_filter_tags"
            Expect.equal result.Metadata.JoinedLength 275 "joined length"

            Expect.equal
                (result.Metadata.RowsDropped |> List.find (fst >> (=) "row_filter") |> snd)
                (275 - 155)
                "dropped"
        }
        test "trigger tags are fetched for the filter and dropped afterwards" {
            let case = filterCase 2

            let r =
                request [ "TAG-A 1"; "TAG.C" ] [ case.GetProperty("expression").GetString() ]

            Expect.equal (Dataset.triggerTags r |> List.map (fun t -> t.Name)) [ "TAG_B" ] "trigger"
            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal result.X.Index (Reference.ticks (case.GetProperty "kept")) "rows"
            Expect.equal result.X.Columns [| "TAG-A 1"; "TAG.C" |] "trigger column dropped"
        }
        test "metadata: tag loading, statistics, actual dates" {
            let result =
                run (request [ "TAG-A 1"; "TAG_B" ] [])
                |> Result.defaultWith (fun e -> failwith e.Message)

            let m = result.Metadata
            let a = m.TagLoading |> List.find (fst >> (=) "TAG-A 1") |> snd
            Expect.equal a.OriginalLength 900 "original length"
            Expect.equal a.ResampledLength (Some 275) "resampled length"
            Expect.equal m.TrainStartDateActual (Some(Frame.toTimestamp TimeSpan.Zero result.X.Index.[0])) "start"
            let s = m.SummaryStatistics |> List.find (fst >> (=) "TAG_B") |> snd
            Expect.equal s.Count (Frame.length result.X) "count"
            Expect.isTrue (s.Min <= s.Q25 && s.Q25 <= s.Q50 && s.Q50 <= s.Q75 && s.Q75 <= s.Max) "quantiles ordered"
            Expect.stringStarts (m.XHist |> List.head |> snd) "{\"(" "histogram JSON"
        }
        test "metadata JSON has the keys of spec 1.5.2" {
            let result =
                run (request [ "TAG-A 1"; "TAG_B" ] [])
                |> Result.defaultWith (fun e -> failwith e.Message)

            let json = Print.json (Gordo.Build.MetadataValue.ofMetadata result.Metadata)

            for key in
                [
                    "row_filter_tags"
                    "tag_loading_metadata"
                    "aggregate_metadata"
                    "joined_length"
                    "original_length"
                    "train_start_date_actual"
                    "summary_statistics"
                    "25%"
                    "x_hist"
                ] do
                Expect.stringContains json ("\"" + key + "\"") key

            let first = FrameIO.formatTimestamp (Frame.timestamps result.X).[0]
            Expect.equal first "2020-01-01 03:20:00+00:00" "pandas str() form"
            Expect.stringContains json first "actual start"
        }
        test "a tag without data is InsufficientData naming it" {
            match run (request [ "TAG-A 1"; "NOPE"; "ALSO-NOPE" ] []) with
            | Error(DatasetError.MissingData(tags, _, _) as e) ->
                Expect.equal tags [ "NOPE"; "ALSO-NOPE" ] "tags"
                Expect.stringContains e.Message "missing data" "message"
            | other -> failtestf "unexpected %A" other
        }
        test "a filter that removes everything is RowFilterEmpty naming the filter" {
            match run (request [ "TAG-A 1" ] [ "`TAG-A 1` > 100" ]) with
            | Error(DatasetError.RowFilterEmpty(0, 0, [ "`TAG-A 1` > 100" ]) as e) ->
                Expect.stringContains e.Message "row_filter" "message"
            | other -> failtestf "unexpected %A" other
        }
        test "n_samples_threshold" {
            match
                run {
                    request [ "TAG-A 1" ] [] with
                        NSamplesThreshold = 275
                }
            with
            | Error(DatasetError.EmptyGenerated(275, 275, _)) -> ()
            | other -> failtestf "unexpected %A" other
        }
        test "interpolation limit below the resolution is an error" {
            match
                run {
                    request [ "TAG-A 1" ] [] with
                        InterpolationLimit = Some(TimeSpan.FromMinutes 5.0)
                }
            with
            | Error(DatasetError.InvalidSetting("interpolation_limit", m)) ->
                Expect.stringContains m "larger than given resolution" "message"
            | other -> failtestf "unexpected %A" other
        }
        test "known filter periods on index" {
            let case = filterCase 6
            let text = case.GetProperty("expression").GetString()

            let known = [
                text, Expression.parse text |> Result.defaultWith (fun e -> failwith e.Message)
            ]

            let r = {
                request [ "TAG-A 1"; "TAG_B"; "TAG.C" ] [] with
                    KnownFilterPeriods = known
            }

            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal result.X.Index (Reference.ticks (case.GetProperty "kept")) "rows"
        }
        test "filter_periods median drops periods and reports them" {
            let options = {
                Filters.defaultPeriods (TimeSpan.FromMinutes 10.0) with
                    Window = 12
                    NIqr = 1.0
            }

            let r = {
                request [ "TAG-A 1"; "TAG_B"; "TAG.C" ] [] with
                    FilterPeriods = Some options
            }

            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            let periods = result.Metadata.FilteredPeriods |> List.head |> snd
            Expect.isNonEmpty periods "periods"

            for p in periods do
                Expect.isFalse
                    (result.X.Index
                     |> Array.exists (fun t -> t >= p.DropStart.UtcTicks && t <= p.DropEnd.UtcTicks))
                    "dropped"
        }
        test "filter_periods all drops the periods of iforest, median and quantile, each reported" {
            let options = {
                Filters.defaultPeriods (TimeSpan.FromMinutes 10.0) with
                    Method = FilterMethod.All
                    Window = 12
                    NIqr = 1.0
                    Contamination = 0.1
            }

            let r = {
                request [ "TAG-A 1"; "TAG_B"; "TAG.C" ] [] with
                    FilterPeriods = Some options
            }

            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal (result.Metadata.FilteredPeriods |> List.map fst) [ "iforest"; "median"; "quantile" ] "methods"
            Expect.isNonEmpty (result.Metadata.FilteredPeriods |> List.head |> snd) "iforest periods"

            for _, periods in result.Metadata.FilteredPeriods do
                for p in periods do
                    Expect.isFalse
                        (result.X.Index
                         |> Array.exists (fun t -> t >= p.DropStart.UtcTicks && t <= p.DropEnd.UtcTicks))
                        "dropped"
        }
        test "several aggregation methods give (tag, method) columns" {
            let r = {
                request [ "TAG-A 1" ] [] with
                    Aggregations = [ "mean"; "max" ]
                    MultiAggregation = true
            }

            let result = run r |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal result.X.Columns [| "TAG-A 1|mean"; "TAG-A 1|max" |] "columns"
        }
    ]

[<Tests>]
let gapTests =
    testList "Data.Dataset.gaps" [
        testProperty "the gap loop finds what the pairwise definition finds"
        <| fun (steps: FsCheck.PositiveInt list) (limit: FsCheck.PositiveInt) (offsetMinutes: int16) ->
            let index =
                steps
                |> List.scan
                    (fun t (s: FsCheck.PositiveInt) -> t + int64 s.Get * TimeSpan.TicksPerMinute)
                    (DateTime(2020, 1, 1).Ticks)
                |> Array.ofList

            let offset = TimeSpan.FromMinutes(float (offsetMinutes % 840s))

            let series = {
                Index = index
                Offset = offset
                Columns = [| "a" |]
                Data = [| Array.zeroCreate index.Length |]
            }

            let l = TimeSpan.FromMinutes(float limit.Get)

            let pairwise =
                index
                |> Array.pairwise
                |> Array.filter (fun (a, b) -> b - a > l.Ticks)
                |> Array.map (fun (a, b) -> Frame.toTimestamp offset a, Frame.toTimestamp offset b)
                |> List.ofArray

            DatasetMetadata.gaps (Some l) series = pairwise
            && DatasetMetadata.gaps None series = []
    ]
