namespace Gordo.Core.Config

open System
open System.Globalization
open Gordo.Core

/// Gordo's canonical dataset form, `dataset.to_dict()` (spec §1.5.3): the section as written with
/// `type` as a full class path, every default filled in, ISO dates and the data provider's
/// `to_dict()`. Gordo's own client rebuilds each machine's dataset from it.
[<RequireQualifiedAccess>]
module CanonicalDataset =
    /// The keys `to_dict()` always has, with their defaults (`type`, dates, tags and provider aside).
    let defaults: (string * Value) list = [
        "additional_tags", Value.Null
        "aggregation_methods", Value.String "mean"
        "asset", Value.Null
        "default_tag", Value.Null
        "filter_periods", Value.Null
        "interpolation_limit", Value.String "48H"
        "interpolation_method", Value.String "linear_interpolation"
        "known_filter_periods", Value.Null
        "n_samples_threshold", Value.Int 0L
        "resolution", Value.String "10T"
        "row_filter", Value.String ""
        "row_filter_buffer_size", Value.Int 0L
        "target_tag_list", Value.Null
    ]

    let private timeSeries = "gordo_core.time_series."

    /// The full class path of a dataset type (empty means `TimeSeriesDataset`; unknown names stay).
    let datasetType (name: string) : string =
        match name.Substring(name.LastIndexOf '.' + 1) with
        | ""
        | "TimeSeriesDataset" -> timeSeries + "TimeSeriesDataset"
        | "RandomDataset" -> timeSeries + "RandomDataset"
        | _ -> name

    /// `datetime.isoformat()`: `2018-01-01T09:00:30+00:00` (microseconds only when not zero).
    let isoFormat (time: DateTimeOffset) : string =
        let micro = (time.Ticks % TimeSpan.TicksPerSecond) / 10L

        let fraction =
            if micro = 0L then
                ""
            else
                "." + micro.ToString("000000", CultureInfo.InvariantCulture)

        let sign = if time.Offset < TimeSpan.Zero then "-" else "+"

        time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        + fraction
        + sign
        + time.Offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture)

    let private date (value: Value) : Value =
        match value with
        | Value.String text ->
            match DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None) with
            | true, t -> Value.String(isoFormat t)
            | _ -> value
        | other -> other

    let private withDefaults (given: (string * Value) list) (fallback: (string * Value) list) =
        given
        @ (fallback |> List.filter (fun (k, _) -> not (List.exists (fst >> (=) k) given)))

    /// A data provider's `to_dict()`: `type` as its full class path, then its arguments with
    /// the constructor defaults filled in.
    let dataProvider (provider: DataProvider) : Value =
        let path =
            DataProviders.tryResolve provider.Type |> Option.defaultValue provider.Type

        Value.Map(
            ("type", Value.String path)
            :: withDefaults provider.Arguments (DataProviders.defaults path)
        )

    let private providerOf (typeName: string) (value: Value option) : Value =
        match value with
        | Some(Value.Map entries) ->
            let given = entries |> List.filter (fst >> (<>) "type")

            match List.tryFind (fst >> (=) "type") entries with
            | Some(_, Value.String t) -> dataProvider { Type = t; Arguments = given }
            | _ -> Value.Map entries
        | Some other -> other
        | None when typeName.EndsWith ".RandomDataset" ->
            dataProvider {
                Type = "RandomDataProvider"
                Arguments = []
            }
        | None -> Value.Null

    let private renamed (entries: (string * Value) list) =
        let present = entries |> List.map fst |> set

        entries
        |> List.map (fun (k, v) ->
            match DatasetKeys.aliases |> List.tryFind (fst >> (=) k) with
            | Some(_, key) when not (present.Contains key) -> key, v
            | _ -> k, v)

    /// The canonical form of a dataset section (a value that is not a mapping is returned as is).
    let ofValue (section: Value) : Value =
        match section with
        | Value.Map raw ->
            let entries = renamed raw

            let typeName =
                match List.tryFind (fst >> (=) "type") entries with
                | Some(_, Value.String t) -> datasetType t
                | _ -> datasetType ""

            let fixedUp =
                entries
                |> List.map (fun (k, v) ->
                    match k with
                    | "type" -> k, Value.String typeName
                    | "train_start_date"
                    | "train_end_date" -> k, date v
                    | "data_provider" -> k, providerOf typeName (Some v)
                    | _ -> k, v)

            let required = [ "type", Value.String typeName; "data_provider", providerOf typeName None ]

            Value.Map(withDefaults fixedUp (required @ defaults))
        | other -> other

    let private tagValue (tag: Tag) : Value =
        match tag with
        | Tag.Name n -> Value.String n
        | Tag.Sensor s ->
            Value.Map(
                ("name", Value.String s.Name)
                :: (s.Fields |> List.map (fun (k, v) -> k, Value.String v))
            )

    let private set (key: string) (value: Value) (map: Value) : Value =
        match map with
        | Value.Map entries when List.exists (fst >> (=) key) entries ->
            Value.Map(entries |> List.map (fun (k, v) -> k, (if k = key then value else v)))
        | Value.Map entries -> Value.Map(entries @ [ key, value ])
        | other -> other

    /// The canonical form of a checked dataset, with the section as written for its other keys:
    /// type, dates and data provider come from the typed dataset (defaults and aliases resolved).
    let ofTyped (section: Value) (typed: Dataset) : Value =
        let tags =
            match section with
            | Value.Map entries when List.exists (fun (k, _) -> k = "tag_list" || k = "tags") entries -> None
            | _ -> Some(Value.List(typed.TagList |> List.map tagValue))

        ofValue section
        |> set "type" (Value.String typed.Type)
        |> set "train_start_date" (Value.String(isoFormat typed.TrainStartDate))
        |> set "train_end_date" (Value.String(isoFormat typed.TrainEndDate))
        |> fun v ->
            if typed.DataProvider.Type = "" then
                v
            else
                set "data_provider" (dataProvider typed.DataProvider) v
        |> fun v -> tags |> Option.fold (fun acc t -> set "tag_list" t acc) v

    /// A metadata.json value with its `dataset` in canonical form (older artifacts lack it).
    let inMetadata (metadata: Value) : Value =
        match Value.tryGet "dataset" metadata with
        | Some dataset -> set "dataset" (ofValue dataset) metadata
        | None -> metadata
