namespace Gordo.Data

open System
open Gordo.Core
open Gordo.Core.Config

/// Builds a provider from a dataset's `data_provider` section (type names and aliases as
/// `Config.DataProviders` resolves them).
[<RequireQualifiedAccess>]
module DataProviderRegistry =

    let private random (args: (string * Value) list) : Result<IDataProvider, ProviderError> =
        let get name d =
            Provider.intArg args name |> Option.map int |> Option.defaultValue d

        let minSize, maxSize = get "min_size" 100, get "max_size" 300

        if minSize < 0 || maxSize < minSize then
            Error(ProviderError.BadArgument(RandomDataProvider.TypeName, "max_size", "must be >= min_size >= 0"))
        else
            Ok(RandomDataProvider(minSize, maxSize, get "seed" 0) :> IDataProvider)

    let private csv (args: (string * Value) list) : Result<IDataProvider, ProviderError> =
        let sep = Provider.stringArg args "sep" |> Option.defaultValue ","

        if sep.Length <> 1 then
            Error(ProviderError.BadArgument(CsvDataProvider.TypeName, "sep", "must be a single character"))
        else
            Provider.requireString CsvDataProvider.TypeName args "file_path"
            |> Result.map (fun path ->
                CsvDataProvider(path, Provider.stringArg args "timestamp_column", sep.[0]) :> IDataProvider)

    let private file (args: (string * Value) list) : Result<IDataProvider, ProviderError> =
        let layout =
            match Provider.stringArg args "layout" |> Option.defaultValue "wide" with
            | "wide" -> Ok FileLayout.Wide
            | "long" -> Ok FileLayout.Long
            | other ->
                Error(
                    ProviderError.BadArgument(
                        FileDataProvider.TypeName,
                        "layout",
                        sprintf "'%s' is not wide or long" other
                    )
                )

        let text name d =
            Provider.stringArg args name |> Option.defaultValue d

        match Provider.requireString FileDataProvider.TypeName args "path", layout with
        | Ok path, Ok l ->
            Ok(
                FileDataProvider(
                    path,
                    l,
                    Provider.stringArg args "timestamp_column",
                    text "tag_column" "tag",
                    text "value_column" "value"
                )
                :> IDataProvider
            )
        | Error e, _
        | _, Error e -> Error e

    let private influxConnection (args: (string * Value) list) : Result<InfluxConnection, ProviderError> =
        let s = Provider.stringArg args
        let apiKey = Option.map2 (fun h k -> h, k) (s "api_key_header") (s "api_key")

        let uri =
            match s "uri" with
            | Some u -> u
            | None ->
                let port = Provider.intArg args "port" |> Option.defaultValue 8086L

                sprintf
                    "%s:%s@%s:%d/%s"
                    (defaultArg (s "username") "")
                    (defaultArg (s "password") "")
                    (defaultArg (s "host") "localhost")
                    port
                    (defaultArg (s "database") "")

        InfluxUri.tryParse uri apiKey
        |> Result.mapError (fun e -> ProviderError.BadArgument(InfluxDataProvider.TypeName, "uri", e))
        |> Result.map (fun c ->
            match Provider.intArg args "timeout" with
            | Some t when t > 0L -> {
                c with
                    Timeout = TimeSpan.FromSeconds(float t)
              }
            | _ -> c)

    let private influx (args: (string * Value) list) : Result<IDataProvider, ProviderError> =
        let valueName = Provider.stringArg args "value_name" |> Option.defaultValue "Value"

        Provider.requireString InfluxDataProvider.TypeName args "measurement"
        |> Result.bind (fun m ->
            influxConnection args
            |> Result.map (fun c -> InfluxDataProvider(c, m, valueName) :> IDataProvider))

    let private sample (args: (string * Value) list) : Result<IDataProvider, ProviderError> =
        let seed = Provider.intArg args "seed" |> Option.defaultValue 42L

        Provider.stringArg args "interval"
        |> Option.defaultValue "1min"
        |> Language.Resolution.tryParseOffset
        |> Result.mapError (fun e -> ProviderError.BadArgument(SamplePlantDataProvider.TypeName, "interval", e))
        |> Result.map (fun step -> SamplePlantDataProvider(int seed, step) :> IDataProvider)

    /// The provider for a `data_provider` section.
    let create (provider: DataProvider) : Result<IDataProvider, ProviderError> =
        match DataProviders.tryResolve provider.Type with
        | Some t when t = RandomDataProvider.TypeName -> random provider.Arguments
        | Some t when t = CsvDataProvider.TypeName -> csv provider.Arguments
        | Some t when t = FileDataProvider.TypeName -> file provider.Arguments
        | Some t when t = InfluxDataProvider.TypeName -> influx provider.Arguments
        | Some t when t = SamplePlantDataProvider.TypeName -> sample provider.Arguments
        | _ -> Error(ProviderError.UnknownProvider provider.Type)

    /// The provider of a dataset: `RandomDataset` always uses `RandomDataProvider()` (spec §1.5),
    /// every other dataset type its `data_provider`.
    let forDataset (dataset: Dataset) : Result<IDataProvider, ProviderError> =
        if dataset.Type.EndsWith ".RandomDataset" || dataset.Type = "RandomDataset" then
            Ok(RandomDataProvider(100, 300, 0) :> IDataProvider)
        else
            create dataset.DataProvider
