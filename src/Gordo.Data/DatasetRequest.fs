namespace Gordo.Data

open Gordo.Core

open System
open Gordo.Core.Config
open Gordo.Core.Language

/// A failure of `get_data` (spec §1.5.1, §1.8): each names the tags and periods involved.
[<RequireQualifiedAccess>]
type DatasetError =
    /// A dataset setting cannot be used (bad resolution, limit, expression, filter method).
    | InvalidSetting of key: string * problem: string
    /// The provider failed.
    | Provider of ProviderError
    /// Resampling failed (provider returned samples outside the range).
    | Resample of ResampleError
    /// An expression could not be evaluated on the data.
    | Evaluation of expression: string * error: EvaluationError
    /// Gordo's `InsufficientDataError`: tags without any data.
    | MissingData of tags: string list * start: DateTimeOffset * finish: DateTimeOffset
    /// Gordo's `EmptyGeneratedDataframeError`: too few rows after resampling and joining.
    | EmptyGenerated of length: int * threshold: int * tagsWithNoPoints: string list
    /// Gordo's `KnownPeriodsEmptyDataError`.
    | KnownPeriodsEmpty of length: int * threshold: int * periods: string list
    /// Gordo's `RowFilterEmptyDataError`.
    | RowFilterEmpty of length: int * threshold: int * filter: string list
    /// Gordo's `NuisanceEmptyDataError`.
    | NuisanceEmpty of length: int * threshold: int * method: string

    /// A one-line description.
    member this.Message: string =
        let few n t =
            sprintf "%d rows remain, which does not exceed n_samples_threshold (%d)" n t

        match this with
        | InvalidSetting(k, p) -> sprintf "dataset.%s: %s" k p
        | Provider e -> e.Message
        | Resample e -> e.Message
        | Evaluation(x, e) -> sprintf "cannot evaluate '%s': %s" x e.Message
        | MissingData(tags, s, e) ->
            sprintf "The following features are missing data between %O and %O: [%s]" s e (String.concat ", " tags)
        | EmptyGenerated(n, t, none) ->
            sprintf
                "The length of the generated DataFrame (%d) does not exceed required threshold (%d). Tags with no points: [%s]"
                n
                t
                (String.concat ", " none)
        | KnownPeriodsEmpty(n, t, p) -> sprintf "after known_filter_periods [%s]: %s" (String.concat "; " p) (few n t)
        | RowFilterEmpty(n, t, f) -> sprintf "after row_filter [%s]: %s" (String.concat "; " f) (few n t)
        | NuisanceEmpty(n, t, m) -> sprintf "after filter_periods (%s): %s" m (few n t)

/// The dataset settings `get_data` needs, parsed and checked.
type DatasetRequest = {
    /// Inclusive start.
    Start: DateTimeOffset
    /// Inclusive end.
    Finish: DateTimeOffset
    /// X tags.
    Tags: SensorTag list
    /// y tags.
    Targets: SensorTag list
    /// Tags only usable by `row_filter`.
    AdditionalTags: SensorTag list
    /// Bucket length; None = no resampling.
    Resolution: TimeSpan option
    /// Aggregation methods.
    Aggregations: string list
    /// Several methods: columns are (tag, method).
    MultiAggregation: bool
    /// Gap filling.
    Interpolation: Interpolation
    /// Largest gap filled; None = unlimited.
    InterpolationLimit: TimeSpan option
    /// Row filter texts (AND-ed) with their parsed forms.
    RowFilter: (string * Expression.Expr) list
    /// Rows removed around each filtered row.
    RowFilterBufferSize: int
    /// Known filter periods with their parsed forms.
    KnownFilterPeriods: (string * Expression.Expr) list
    /// Data with at most this many rows is an error.
    NSamplesThreshold: int
    /// Nuisance filter.
    FilterPeriods: FilterPeriodsOptions option
}

/// Building a `DatasetRequest`.
[<RequireQualifiedAccess>]
module DatasetRequest =

    /// A request with Gordo's defaults (10T, mean, linear, 48H) for the given tags and range.
    let create (start: DateTimeOffset) (finish: DateTimeOffset) (tags: string list) : DatasetRequest =
        let sensors = tags |> List.map (fun t -> { Name = t; Fields = [] })

        {
            Start = start
            Finish = finish
            Tags = sensors
            Targets = sensors
            AdditionalTags = []
            Resolution = Some(TimeSpan.FromMinutes 10.0)
            Aggregations = [ "mean" ]
            MultiAggregation = false
            Interpolation = Interpolation.Linear
            InterpolationLimit = Some(TimeSpan.FromHours 48.0)
            RowFilter = []
            RowFilterBufferSize = 0
            KnownFilterPeriods = []
            NSamplesThreshold = 0
            FilterPeriods = None
        }

    let private expressions (key: string) (texts: string list) =
        let folder acc (text: string) =
            acc
            |> Result.bind (fun xs ->
                match Expression.parse text with
                | Ok e -> Ok((text, e) :: xs)
                | Error err ->
                    Error(
                        DatasetError.InvalidSetting(
                            key,
                            sprintf "'%s' at character %d: %s" text (err.Offset + 1) err.Message
                        )
                    ))

        texts |> List.fold folder (Ok []) |> Result.map List.rev

    let private sensor (defaults: (string * string) list) (tag: Tag) : SensorTag =
        match tag with
        | Tag.Name n -> { Name = n; Fields = defaults }
        | Tag.Sensor s -> s

    let private filterMethod (step: TimeSpan option) (fp: FilterPeriods) =
        match fp.FilterMethod, step with
        | _, None ->
            Error(
                DatasetError.InvalidSetting(
                    "filter_periods",
                    "'resolution' field should be provided along with 'filter_periods'"
                )
            )
        | ("median" | "quantile" | "iforest" | "all") as m, Some g ->
            Ok {
                Filters.defaultPeriods g with
                    Method =
                        (match m with
                         | "median" -> FilterMethod.Median
                         | "quantile" -> FilterMethod.Quantile
                         | "iforest" -> FilterMethod.Iforest
                         | _ -> FilterMethod.All)
                    Window = fp.Window
                    NIqr = fp.NIqr
                    QuantileLower = fp.QuantileLower
                    QuantileUpper = fp.QuantileUpper
                    Contamination = fp.Contamination
                    IforestSmooth = fp.IforestSmooth
            }
        | m, _ ->
            Error(
                DatasetError.InvalidSetting(
                    "filter_periods.filter_method",
                    sprintf "'%s' is not one of median, quantile, iforest, all" m
                )
            )

    let private parseOption (key: string) (parse: string -> Result<TimeSpan, string>) (text: string option) =
        match text with
        | None -> Ok None
        | Some t ->
            parse t
            |> Result.map Some
            |> Result.mapError (fun e -> DatasetError.InvalidSetting(key, e))

    /// Parses the typed dataset section of a machine into a request.
    let ofConfig (d: Dataset) : Result<DatasetRequest, DatasetError> =
        let defaults =
            d.DefaultTag
            |> Option.orElse (d.Asset |> Option.map (fun a -> [ "asset", a ]))
            |> Option.defaultValue []

        let tags = d.TagList |> List.map (sensor defaults)

        parseOption "resolution" Resolution.tryParseOffset d.Resolution
        |> Result.bind (fun step ->
            parseOption "interpolation_limit" Resolution.tryParseTimedelta d.InterpolationLimit
            |> Result.bind (fun limit ->
                expressions "row_filter" d.RowFilter
                |> Result.bind (fun rows ->
                    expressions "known_filter_periods" d.KnownFilterPeriods
                    |> Result.bind (fun known ->
                        let periods =
                            match d.FilterPeriods with
                            | None -> Ok None
                            | Some fp -> filterMethod step fp |> Result.map Some

                        periods
                        |> Result.map (fun fp -> {
                            create d.TrainStartDate d.TrainEndDate [] with
                                Tags = tags
                                Targets =
                                    (match d.TargetTagList with
                                     | Some(_ :: _ as t) -> t |> List.map (sensor defaults)
                                     | _ -> tags)
                                AdditionalTags =
                                    d.AdditionalTags |> Option.defaultValue [] |> List.map (sensor defaults)
                                Resolution = step
                                Aggregations =
                                    (match d.AggregationMethods with
                                     | Aggregation.Single m -> [ m ]
                                     | Aggregation.Several ms -> ms)
                                MultiAggregation =
                                    (match d.AggregationMethods with
                                     | Aggregation.Single _ -> false
                                     | Aggregation.Several _ -> true)
                                Interpolation = d.InterpolationMethod
                                InterpolationLimit = limit
                                RowFilter = rows
                                RowFilterBufferSize = d.RowFilterBufferSize
                                KnownFilterPeriods = known
                                NSamplesThreshold = d.NSamplesThreshold
                                FilterPeriods = fp
                        })))))
