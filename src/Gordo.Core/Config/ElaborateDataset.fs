namespace Gordo.Core.Config

open System
open System.Globalization
open Gordo.Core
open Gordo.Core.Yaml
open Gordo.Core.Specs

/// The dataset section: merged tree → typed `Dataset` (spec §1.5, §1.8).
[<RequireQualifiedAccess>]
module internal ElaborateDataset =
    let private knownKeys = [
        "type"
        "train_start_date"
        "train_end_date"
        "tag_list"
        "target_tag_list"
        "additional_tags"
        "default_tag"
        "asset"
        "data_provider"
        "resolution"
        "aggregation_methods"
        "interpolation_method"
        "interpolation_limit"
        "row_filter"
        "row_filter_buffer_size"
        "known_filter_periods"
        "n_samples_threshold"
        "filter_periods"
    ]

    /// Keys that old Gordo datasets had; kept and ignored like Gordo does, without a warning.
    let private legacyKeys = [
        "low_threshold"
        "high_threshold"
        "default_asset"
        "tag_normalizer"
        "process_metadata"
    ]

    let private datasetTypes = [ "TimeSeriesDataset"; "RandomDataset" ]

    let private datasetType (node: Node) : Result<string, Diagnostic> =
        let name = Read.text node |> Result.defaultValue ""
        let short = name.Substring(name.LastIndexOf '.' + 1)

        let prefixes = [
            ""
            "gordo_core.time_series."
            "gordo_dataset.datasets."
            "gordo_dataset.time_series."
        ]

        if
            List.contains short datasetTypes
            && List.contains (name.Substring(0, name.Length - short.Length)) prefixes
        then
            Ok("gordo_core.time_series." + short)
        else
            Error(Problem.at node (Problem.UnknownDatasetType name))

    /// What a date-time text is; remembered per text, as machines repeat the globals' dates.
    [<RequireQualifiedAccess>]
    type private Stamp =
        | Zoned of DateTimeOffset
        | WithoutZone
        | Invalid

    let private stampOf =
        Memo.texts 4096 (fun text ->
            if not (Scalar.looksLikeTimestamp text) then
                Stamp.Invalid
            elif not (Scalar.hasZone text) then
                Stamp.WithoutZone
            else
                match DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None) with
                | true, value -> Stamp.Zoned value
                | _ -> Stamp.Invalid)

    /// An ISO-8601 date-time with a timezone.
    let timestamp (node: Node) : Result<DateTimeOffset, Diagnostic> =
        match node.Value with
        | NodeValue.Scalar(text, _) ->
            match stampOf text with
            | Stamp.Zoned value -> Ok value
            | Stamp.WithoutZone -> Error(Problem.at node (Problem.MissingTimezone(text.Trim())))
            | Stamp.Invalid -> Error(Problem.at node (Problem.InvalidTimestamp text))
        | _ -> Error(Problem.at node (Problem.WrongType("a date-time", Node.describe node)))

    let private tagField (entry: Entry) : Checked<(string * string) option> =
        match Read.scalar entry.Value with
        | Some(Scalar.String s) -> Some(entry.Key, s), []
        | _ -> None, [ Problem.at entry.Value (Problem.InvalidTagField entry.Key) ]

    let private tag (node: Node) : Checked<Tag option> =
        match node.Value with
        | NodeValue.Mapping entries ->
            match Node.tryGet "name" node |> Option.map Read.text with
            | Some(Ok name) ->
                let fields, problems =
                    entries
                    |> List.filter (fun e -> e.Key <> "name")
                    |> List.map tagField
                    |> List.unzip

                Some(
                    Tag.Sensor {
                        Name = name
                        Fields = List.choose id fields
                    }
                ),
                List.concat problems
            | Some(Error d) -> None, [ d ]
            | None -> None, [ Problem.at node (Problem.MissingKey "name") ]
        | NodeValue.Scalar _ when not (Read.isNull node) -> Some(Tag.Name(Read.text node |> Result.defaultValue "")), []
        | _ ->
            None,
            [
                Problem.at node (Problem.WrongType("a tag name or {name: ...}", Node.describe node))
            ]

    /// A list of tags; `required` makes null or an empty list an error.
    let private tags (required: bool) (node: Node) : Checked<Tag list option> =
        match node.Value with
        | NodeValue.Sequence [] when required -> None, [ Problem.at node Problem.EmptyTags ]
        | NodeValue.Sequence items ->
            let read, problems = items |> List.map tag |> List.unzip
            Some(List.choose id read), List.concat problems
        | _ when Read.isNull node && required -> None, [ Problem.at node Problem.EmptyTags ]
        | _ when Read.isNull node -> None, []
        | _ -> None, [ Problem.at node (Problem.WrongType("a list of tags", Node.describe node)) ]

    let private tagField' (mapping: Node) (key: string) (required: bool) : Checked<Tag list option> =
        match Node.tryGet key mapping with
        | Some node -> tags required node
        | None when required -> None, [ Problem.at mapping (Problem.MissingKey key) ]
        | None -> None, []

    let private stringMap (node: Node) : Result<(string * string) list, Diagnostic> =
        match node.Value with
        | NodeValue.Mapping entries ->
            let read = entries |> List.map (fun e -> e.Key, Read.text e.Value)

            match
                read
                |> List.tryPick (
                    snd
                    >> (function
                    | Error d -> Some d
                    | Ok _ -> None)
                )
            with
            | Some d -> Error d
            | None -> Ok(read |> List.map (fun (k, v) -> k, Result.defaultValue "" v))
        | _ -> Error(Problem.at node (Problem.WrongType("a mapping of strings", Node.describe node)))

    let private dataProvider (dataset: Node) : Checked<DataProvider> =
        let empty = { Type = ""; Arguments = [] }

        match Node.tryGet "data_provider" dataset with
        | None -> empty, [ Problem.at dataset Problem.MissingDataProvider ]
        | Some node when Read.isNull node -> empty, [ Problem.at node Problem.MissingDataProvider ]
        | Some node ->
            match Node.tryGet "type" node |> Option.filter (Read.isNull >> not) with
            | None -> empty, [ Problem.at node Problem.MissingDataProviderType ]
            | Some typeNode ->
                let name = Read.text typeNode |> Result.defaultValue ""

                match DataProviders.tryResolve name with
                | None ->
                    empty,
                    [
                        Problem.at typeNode (Problem.UnknownDataProvider(name, DataProviders.suggest name))
                    ]
                | Some path ->
                    let given = Read.extra [ "type" ] node

                    let defaults =
                        DataProviders.defaults path
                        |> List.filter (fun (k, _) -> not (List.exists (fst >> (=) k) given))

                    {
                        Type = path
                        Arguments = given @ defaults
                    },
                    []

    let private aggregationMethods (node: Node) : Result<Aggregation, Diagnostic> =
        match node.Value with
        | NodeValue.Sequence _ -> Read.texts node |> Result.map Aggregation.Several
        | _ -> Read.text node |> Result.map Aggregation.Single

    let private interpolation (node: Node) : Result<Interpolation, Diagnostic> =
        match Read.text node with
        | Ok "linear_interpolation" -> Ok Interpolation.Linear
        | Ok "ffill" -> Ok Interpolation.ForwardFill
        | Ok other -> Error(Problem.at node (Problem.InvalidInterpolationMethod other))
        | Error d -> Error d

    /// `resolution`/`interpolation_limit`: a string, null or false meaning "none".
    let private optionalSetting (fallback: string) (mapping: Node) (key: string) : Checked<string option> =
        match Node.tryGet key mapping with
        | None -> Some fallback, []
        | Some node when Read.isNull node || Read.scalar node = Some(Scalar.Bool false) -> None, []
        | Some node ->
            match Read.text node with
            | Ok text -> Some text, []
            | Error d -> None, [ d ]

    let private filterPeriods (node: Node) : Checked<FilterPeriods option> =
        let methodName, d1 = Read.field node "filter_method" Read.text "median"
        let window, d2 = Read.field node "window" Read.int 144
        let nIqr, d3 = Read.field node "n_iqr" Read.float 5.0
        let smooth, d4 = Read.field node "iforest_smooth" Read.bool false
        let contamination, d5 = Read.field node "contamination" Read.float 0.03
        let lower, d6 = Read.field node "quantile_lower" Read.float 0.05
        let upper, d7 = Read.field node "quantile_upper" Read.float 0.95

        let methodProblems =
            let at problem = [
                Problem.at (Node.tryGet "filter_method" node |> Option.defaultValue node) problem
            ]

            match Vocabulary.tryFind Vocabulary.filterMethods methodName with
            | Some { Support = Support.Implemented } -> []
            | Some {
                       Support = Support.NotImplemented hint
                   } -> at (Problem.FilterMethodNotImplemented(methodName, hint))
            | None -> at (Problem.InvalidFilterMethod methodName)

        Some {
            FilterMethod = methodName
            Window = window
            NIqr = nIqr
            IforestSmooth = smooth
            Contamination = contamination
            QuantileLower = lower
            QuantileUpper = upper
        },
        List.concat [ d1; d2; d3; d4; d5; d6; d7; methodProblems ]

    let private requiredDate (dataset: Node) (key: string) : Checked<DateTimeOffset option> =
        match Node.tryGet key dataset with
        | None -> None, [ Problem.at dataset (Problem.MissingKey key) ]
        | Some node ->
            match timestamp node with
            | Ok value -> Some value, []
            | Error d -> None, [ d ]

    let private dateOrder (dataset: Node) (start: DateTimeOffset option) (finish: DateTimeOffset option) =
        match start, finish with
        | Some s, Some f when s >= f ->
            let node = Node.tryGet "train_end_date" dataset |> Option.defaultValue dataset

            [
                Problem.at
                    node
                    (Problem.StartNotBeforeEnd(s.ToString "yyyy-MM-ddTHH:mm:sszzz", f.ToString "yyyy-MM-ddTHH:mm:sszzz"))
            ]
        | _ -> []

    let private consistency (d: Node) (dataset: Dataset) = [
        if dataset.DefaultTag.IsSome && dataset.Asset.IsSome then
            Problem.at d Problem.DefaultTagAndAsset
        if dataset.FilterPeriods.IsSome && dataset.Resolution.IsNone then
            Problem.at d Problem.FilterPeriodsNeedResolution
    ]

    let private read (d: Node) : Checked<Dataset option> =
        let datasetTypeName, p1 =
            Read.field d "type" datasetType "gordo_core.time_series.TimeSeriesDataset"

        let start, p2 = requiredDate d "train_start_date"
        let finish, p3 = requiredDate d "train_end_date"
        let tagList, p4 = tagField' d "tag_list" true
        let targets, p5 = tagField' d "target_tag_list" false
        let additional, p6 = tagField' d "additional_tags" false
        let defaultTag, p7 = Read.optionalField d "default_tag" stringMap
        let asset, p8 = Read.optionalField d "asset" Read.text
        let provider, p9 = dataProvider d
        let resolution, p10 = optionalSetting "10T" d "resolution"

        let aggregation, p11 =
            Read.field d "aggregation_methods" aggregationMethods (Aggregation.Single "mean")

        let interpolationMethod, p12 =
            Read.field d "interpolation_method" interpolation Interpolation.Linear

        let limit, p13 = optionalSetting "48H" d "interpolation_limit"
        let rowFilter, p14 = Read.field d "row_filter" Read.texts []
        let buffer, p15 = Read.field d "row_filter_buffer_size" Read.int 0
        let known, p16 = Read.field d "known_filter_periods" Read.texts []
        let threshold, p17 = Read.field d "n_samples_threshold" Read.int 0

        let filter, p18 =
            match Node.tryGet "filter_periods" d with
            | Some node when not (Read.isNull node) -> filterPeriods node
            | _ -> None, []

        let unknown =
            Read.unknownKeys "the dataset" knownKeys d
            |> List.filter (fun p -> legacyKeys |> List.forall (fun k -> not (p.Path.EndsWith k)))

        let problems =
            List.concat [
                p1
                p2
                p3
                p4
                p5
                p6
                p7
                p8
                p9
                p10
                p11
                p12
                p13
                p14
                p15
                p16
                p17
                p18
                unknown
            ]
            @ dateOrder d start finish
            @ DatasetLanguage.timing d resolution limit
            @ DatasetLanguage.expressions d "row_filter"
            @ DatasetLanguage.expressions d "known_filter_periods"

        match start, finish, tagList with
        | Some s, Some f, Some tags ->
            let dataset = {
                Type = datasetTypeName
                TrainStartDate = s
                TrainEndDate = f
                TagList = tags
                TargetTagList = targets |> Option.filter (List.isEmpty >> not)
                AdditionalTags = additional
                DefaultTag = defaultTag
                Asset = asset
                DataProvider = provider
                Resolution = resolution
                AggregationMethods = aggregation
                InterpolationMethod = interpolationMethod
                InterpolationLimit = limit
                RowFilter = rowFilter |> List.filter ((<>) "")
                RowFilterBufferSize = buffer
                KnownFilterPeriods = known
                NSamplesThreshold = threshold
                FilterPeriods = filter
                Extra = Read.extra knownKeys d
            }

            Some dataset, problems @ consistency d dataset
        | _ -> None, problems

    /// Elaborates a merged dataset node (`machineNode` locates a missing dataset).
    let elaborate (machineNode: Node) (dataset: Node option) : Checked<Dataset option> =
        match dataset with
        | None -> None, [ Problem.at machineNode (Problem.MissingKey "dataset") ]
        | Some node when (Node.entries node).IsNone ->
            None, [ Problem.at node (Problem.WrongType("a dataset mapping", Node.describe node)) ]
        | Some node -> read node
