namespace Gordo.Cli

open Argu

/// `gordo data generate --output DIR`
type GenerateArgs =
    | [<Mandatory; AltCommandLine("-o")>] Output of dir: string
    | Days of days: int
    | Interval of offset: string
    | Seed of seed: int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Output _ -> "directory to write data.parquet, events.csv and gordo-config.yaml into."
            | Days _ -> "days of data, at least 1 (default 30)."
            | Interval _ -> "sampling interval as a pandas offset (default 1min)."
            | Seed _ -> "random seed (default 42; the same seed gives the same files)."

/// `gordo data ...`
type DataArgs =
    | [<CliPrefix(CliPrefix.None)>] Generate of ParseResults<GenerateArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Generate _ -> "write a sample plant: sensor data, fault/stuck/gap events and a config."

/// `gordo dataset CONFIG --machine NAME [--output FILE]`
type DatasetArgs =
    | [<MainCommand; Mandatory>] Config of config: string
    | [<Mandatory; AltCommandLine("-m")>] Machine of name: string
    | [<AltCommandLine("-o")>] Output of file: string
    | Project_Name of name: string
    | Default_Data_Provider of provider: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Config _ -> "config file."
            | Machine _ -> "machine whose training data to fetch."
            | Output _ -> "write X to FILE (.parquet or .csv) and y to FILE with '-y' before the extension."
            | Project_Name _ -> "project name (default: the resource's metadata.name, else 'project')."
            | Default_Data_Provider _ -> "data provider type for datasets that name none."
