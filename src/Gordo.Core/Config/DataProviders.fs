namespace Gordo.Core.Config

open Gordo.Core

/// The data providers a dataset may name (spec §1.5), with Gordo's aliases and defaults.
[<RequireQualifiedAccess>]
module DataProviders =
    let private core = "gordo_core.data_providers."

    /// Canonical class path → constructor defaults.
    let known: (string * (string * Value) list) list = [
        core + "providers.RandomDataProvider", [ "min_size", Value.Int 100L; "max_size", Value.Int 300L ]
        core + "providers.InfluxDataProvider",
        [
            "value_name", Value.String "Value"
            "api_key", Value.Null
            "api_key_header", Value.Null
            "uri", Value.Null
        ]
        core + "contrib.csv_provider.CSVDataProvider", [ "sep", Value.String "," ]
        core + "providers.FileDataProvider", [ "layout", Value.String "wide" ]
        core + "providers.SamplePlantDataProvider", [ "seed", Value.Int 42L; "interval", Value.String "1min" ]
    ]

    let private shortName (path: string) =
        path.Substring(path.LastIndexOf '.' + 1)

    /// Every accepted spelling → canonical class path.
    let private spellings: Map<string, string> =
        known
        |> List.collect (fun (path, _) ->
            let name = shortName path

            [
                path, path
                name, path
                "gordo_dataset.data_provider.providers." + name, path
                "gordo_dataset.data_providers.providers." + name, path
                core + name, path
            ])
        |> Map.ofList

    /// The canonical class path of a provider type, if known.
    let tryResolve (name: string) : string option = spellings.TryFind name

    /// The closest known spelling, for "did you mean".
    let suggest (name: string) : string option =
        Suggest.closest (known |> List.map (fst >> shortName)) (shortName name)

    /// Constructor defaults of a canonical provider.
    let defaults (path: string) : (string * Value) list =
        known
        |> List.tryFind (fst >> (=) path)
        |> Option.map snd
        |> Option.defaultValue []
