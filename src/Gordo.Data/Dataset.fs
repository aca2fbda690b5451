namespace Gordo.Data

open Gordo.Core

open System
open System.Threading
open System.Threading.Tasks
open Gordo.Core.Config
open Gordo.Core.Language

/// What a machine trains on.
type DatasetResult = {
    /// Input columns (tags, or (tag, method) with several aggregation methods).
    X: Frame
    /// Target columns.
    Y: Frame
    /// Dataset metadata (spec §1.5.2).
    Metadata: DatasetMetadata
}

/// Gordo's `TimeSeriesDataset.get_data` (spec §1.5.1).
[<RequireQualifiedAccess>]
module Dataset =

    /// Tags named by `row_filter` that are neither inputs nor targets, taken from
    /// `additional_tags` when listed there.
    let internal triggerTags (r: DatasetRequest) : SensorTag list =
        let known = r.Tags @ r.Targets |> List.map (fun t -> t.Name) |> set

        r.RowFilter
        |> List.collect (snd >> Expression.names)
        |> List.distinct
        |> List.filter (known.Contains >> not)
        |> List.map (fun n ->
            r.AdditionalTags
            |> List.tryFind (fun t -> t.Name = n)
            |> Option.defaultValue { Name = n; Fields = [] })

    /// Every tag to fetch, distinct by name, in order: inputs, targets, triggers.
    let internal fetchTags (r: DatasetRequest) : SensorTag list =
        r.Tags @ r.Targets @ triggerTags r |> List.distinctBy (fun t -> t.Name)

    let private interpolationLimit (r: DatasetRequest) (step: TimeSpan) : Result<int option, DatasetError> =
        match r.InterpolationLimit with
        | None -> Ok None
        | Some l ->
            let limit = int (l.TotalSeconds / step.TotalSeconds)

            if limit <= 0 then
                Error(
                    DatasetError.InvalidSetting(
                        "interpolation_limit",
                        "Interpolation limit must be larger than given resolution"
                    )
                )
            else
                Ok(Some limit)

    let private tagMeta (r: DatasetRequest) (raw: Frame) (resampled: Frame option) : TagLoadingMetadata =
        let n = Frame.length raw

        {
            OriginalLength = n
            ResampledLength = resampled |> Option.map Frame.length
            FirstTimestamp =
                (if n = 0 then
                     None
                 else
                     Some(Frame.toTimestamp raw.Offset raw.Index.[0]))
            LastTimestamp =
                (if n = 0 then
                     None
                 else
                     Some(Frame.toTimestamp raw.Offset raw.Index.[n - 1]))
            Gaps = DatasetMetadata.gaps r.InterpolationLimit raw
        }

    let private sequence (results: Result<'T, 'E> list) : Result<'T list, 'E> =
        List.foldBack (fun r acc -> Result.bind (fun xs -> Result.map (fun x -> x :: xs) r) acc) results (Ok [])

    /// Resamples (or, without resolution, drops NaNs of) every series.
    let private prepare (r: DatasetRequest) (series: Frame list) : Result<Frame list, DatasetError> =
        match r.Resolution with
        | None -> Ok(series |> List.map Frame.dropNaRows)
        | Some step ->
            interpolationLimit r step
            |> Result.bind (fun limit ->
                series
                |> List.map (
                    Resample.series r.Start r.Finish step r.Aggregations r.MultiAggregation r.Interpolation limit
                )
                |> sequence
                |> Result.mapError DatasetError.Resample)

    let private columnsOf (r: DatasetRequest) (tags: SensorTag list) : string list =
        if r.MultiAggregation then
            tags
            |> List.collect (fun t -> r.Aggregations |> List.map (Frame.multiColumnName t.Name))
        else
            tags |> List.map (fun t -> t.Name)

    let private check (r: DatasetRequest) (make: int -> DatasetError) (f: Frame) : Result<Frame, DatasetError> =
        if Frame.length f <= r.NSamplesThreshold then
            Error(make (Frame.length f))
        else
            Ok f

    let private evaluated (texts: string list) (result: Result<Frame, EvaluationError>) =
        result
        |> Result.mapError (fun e -> DatasetError.Evaluation(String.concat " & " texts, e))

    /// Steps 5-6: known periods, row filter (then trigger columns dropped), nuisance filter.
    let private filter (r: DatasetRequest) (triggers: string list) (joined: Frame) =
        let t = r.NSamplesThreshold
        let known = r.KnownFilterPeriods |> List.map fst
        let rows = r.RowFilter |> List.map fst

        Filters.knownPeriods (List.map snd r.KnownFilterPeriods) joined
        |> evaluated known
        |> Result.bind (check r (fun n -> DatasetError.KnownPeriodsEmpty(n, t, known)))
        |> Result.bind (fun afterKnown ->
            Filters.rowFilter (List.map snd r.RowFilter) r.RowFilterBufferSize afterKnown
            |> evaluated rows
            |> Result.bind (check r (fun n -> DatasetError.RowFilterEmpty(n, t, rows)))
            |> Result.map (fun afterRows ->
                afterKnown,
                Frame.drop (columnsOf r (triggers |> List.map (fun n -> { Name = n; Fields = [] }))) afterRows))
        |> Result.bind (fun (afterKnown, afterRows) ->
            match r.FilterPeriods with
            | None -> Ok(afterKnown, afterRows, afterRows, [])
            | Some o ->
                let kept, periods = Filters.filterPeriods o afterRows

                let name =
                    match o.Method with
                    | FilterMethod.All -> "all"
                    | _ -> fst periods.Head

                check r (fun n -> DatasetError.NuisanceEmpty(n, t, name)) kept
                |> Result.map (fun k -> afterKnown, afterRows, k, periods))

    let private metadata (r: DatasetRequest) tagMetas (joined: Frame) (dropped: int) (x: Frame) rowsDropped periods =
        let stamp i =
            if Frame.length x = 0 then
                None
            else
                Some(Frame.toTimestamp x.Offset x.Index.[i])

        {
            RowFilterTags = r.RowFilter |> List.collect (snd >> Expression.names) |> List.distinct
            TagLoading = tagMetas
            JoinedLength = Frame.length joined
            DroppedNaLength = dropped
            Tags = fetchTags r
            FilteredPeriods = periods
            TrainStartDateActual = stamp 0
            TrainEndDateActual = stamp (Frame.length x - 1)
            SummaryStatistics =
                Array.zip x.Columns x.Data
                |> Array.map (fun (c, v) -> c, DatasetMetadata.summarize v)
                |> List.ofArray
            XHist =
                Array.zip x.Columns x.Data
                |> Array.map (fun (c, v) -> c, DatasetMetadata.histogram v)
                |> List.ofArray
            RowsDropped = rowsDropped
        }

    /// Steps 3-7 on the fetched series (in `fetchTags` order): resample, join, filter, split.
    /// One tag's prepared series and loading metadata (the raw series can then be dropped).
    let private prepareOne (r: DatasetRequest) (tag: SensorTag) (raw: Frame) =
        prepare r [ raw ]
        |> Result.map (fun prepared ->
            let p = List.head prepared
            (tag.Name, tagMeta r raw (r.Resolution |> Option.map (fun _ -> p))), p)

    /// Steps 3-7 after every tag is prepared: join, threshold, filters, split into X and y.
    let private assemble (r: DatasetRequest) (metas: (string * TagLoadingMetadata) list) (prepared: Frame list) =
        let raw = Frame.innerJoin prepared
        let joined = Frame.dropNaRows raw
        let triggers = triggerTags r |> List.map (fun t -> t.Name)

        check r (fun n -> DatasetError.EmptyGenerated(n, r.NSamplesThreshold, [])) joined
        |> Result.bind (filter r triggers)
        |> Result.map (fun (afterKnown, afterRows, final, periods) ->
            let x = Frame.select (columnsOf r r.Tags) final

            let dropped = [
                "known_filter_periods", Frame.length joined - Frame.length afterKnown
                "row_filter", Frame.length afterKnown - Frame.length afterRows
                "filter_periods", Frame.length afterRows - Frame.length final
            ]

            let y = Frame.select (columnsOf r r.Targets) final
            x, y, (fun () -> metadata r metas raw (Frame.length raw - Frame.length joined) x dropped periods))

    let private result (x: Frame, y: Frame, metadata: unit -> DatasetMetadata) : DatasetResult = {
        X = x
        Y = y
        Metadata = metadata ()
    }

    let private missingOf (tags: SensorTag list) (series: Frame list) : string list =
        List.zip tags series
        |> List.filter (fun (_, s) -> Frame.length s = 0)
        |> List.map (fun (t, _) -> t.Name)

    /// Steps 3-7 on the fetched series (in `fetchTags` order): resample, join, filter, split.
    let internal build (r: DatasetRequest) (series: Frame list) : Result<DatasetResult, DatasetError> =
        let tags = fetchTags r

        match missingOf tags series with
        | _ :: _ as missing -> Error(DatasetError.MissingData(missing, r.Start, r.Finish))
        | [] ->
            List.map2 (prepareOne r) tags series
            |> sequence
            |> Result.bind (fun done' -> assemble r (List.map fst done') (List.map snd done'))
            |> Result.map result

    let private fetchAsync (provider: IDataProvider) (r: DatasetRequest) (cancel: CancellationToken) =
        task {
            let mutable state: Result<((string * TagLoadingMetadata) * Frame) list, DatasetError> =
                Ok []

            let missing = ResizeArray<string>()

            for tag in fetchTags r do
                if state |> Result.isOk then
                    let! loaded = provider.LoadAsync(r.Start, r.Finish, [ tag ], cancel)

                    match loaded with
                    | Error e -> state <- Error(DatasetError.Provider e)
                    | Ok [ raw ] when Frame.length raw > 0 ->
                        state <-
                            state
                            |> Result.bind (fun xs ->
                                prepareOne r tag raw
                                |> Result.map (fun (meta, prepared) ->
                                    match xs with
                                    | (_, previous) :: _ -> (meta, Frame.shareIndex previous.Index prepared) :: xs
                                    | [] -> (meta, prepared) :: xs))
                    | Ok _ -> missing.Add tag.Name

            return
                state
                |> Result.bind (fun done' ->
                    if missing.Count > 0 then
                        Error(DatasetError.MissingData(List.ofSeq missing, r.Start, r.Finish))
                    else
                        let ordered = List.rev done'
                        assemble r (List.map fst ordered) (List.map snd ordered))
        }

    /// Fetches the tags one at a time and prepares each as it arrives (as gordo-core iterates
    /// its provider), so only one raw series is held at once; then `build`'s remaining steps.
    let getDataAsync
        (provider: IDataProvider)
        (r: DatasetRequest)
        (cancel: CancellationToken)
        : Task<Result<DatasetResult, DatasetError>> =
        task {
            let! assembled = fetchAsync provider r cancel
            return assembled |> Result.map result
        }

    /// `getDataAsync` without the dataset metadata (statistics, histograms, loading metadata):
    /// X and y only, for a client that scores them.
    let getFramesAsync
        (provider: IDataProvider)
        (r: DatasetRequest)
        (cancel: CancellationToken)
        : Task<Result<Frame * Frame, DatasetError>> =
        task {
            let! assembled = fetchAsync provider r cancel
            return assembled |> Result.map (fun (x, y, _) -> x, y)
        }
