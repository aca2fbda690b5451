namespace Gordo.Cli

open Argu

/// `gordo client ... predict START END [options]` (spec §8.3).
type ClientPredictArgs =
    | [<MainCommand; Mandatory>] Range of start_end: string list
    | Target of name: string
    | Data_Provider of provider: string
    | Output_Dir of dir: string
    | Influx_Uri of uri: string
    | Influx_Api_Key of key: string
    | Influx_Recreate_Db
    | Forward_Resampled_Sensors
    | Quality
    | Events
    | N_Retries of count: int
    | Parquet
    | No_Parquet

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Range _ -> "START END: the range to predict (ISO 8601 with a time zone, START before END)."
            | Target _ -> "a machine to predict (repeatable; default: every machine of the latest revision)."
            | Data_Provider _ ->
                "data provider replacing each machine's: JSON, YAML or a file holding either (env DATA_PROVIDER)."
            | Output_Dir _ -> "write each machine's predictions to DIR/<machine>.csv.gz."
            | Influx_Uri _ -> "forward into InfluxDB 1.x: <user>:<password>@<host>:<port>/<optional-path>/<db>."
            | Influx_Api_Key _ -> "API key for InfluxDB (header Ocp-Apim-Subscription-Key; switches TLS on)."
            | Influx_Recreate_Db -> "drop and re-create the InfluxDB database first (else it must exist)."
            | Forward_Resampled_Sensors -> "also forward the resampled sensor data (measurement 'resampled')."
            | Quality -> "ask for the data-quality columns (quality=true; docs/quality.md)."
            | Events ->
                "cut each machine's anomaly events from its predictions and forward them (measurement 'anomaly-events', DIR/<machine>.events.json; docs/events.md)."
            | N_Retries _ -> "retries of a failed request or write (5xx, I/O, timeouts; default 5)."
            | Parquet -> "send and receive Parquet (default)."
            | No_Parquet -> "send and receive JSON."

/// `gordo client ... metadata [options]`.
type ClientMetadataArgs =
    | Output_File of path: string
    | Target of name: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Output_File _ -> "write the JSON {machine: metadata} to this file (default: print it)."
            | Target _ -> "a machine (repeatable; default: every machine of the latest revision)."

/// `gordo client ... download-model OUTPUT_DIR [options]`.
type ClientDownloadArgs =
    | [<MainCommand; Mandatory>] Output_Dir of dir: string
    | Target of name: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Output_Dir _ -> "directory receiving one model directory per machine (OUTPUT_DIR/<machine>)."
            | Target _ -> "a machine (repeatable; default: every machine of the latest revision)."

/// `gordo client [group options] COMMAND`: Gordo's client (spec §8.3).
type ClientArgs =
    | [<CliPrefix(CliPrefix.None)>] Predict of ParseResults<ClientPredictArgs>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("metadata")>] Get_Metadata of ParseResults<ClientMetadataArgs>
    | [<CliPrefix(CliPrefix.None)>] Download_Model of ParseResults<ClientDownloadArgs>
    | Project of name: string
    | Host of host: string
    | Port of port: int
    | Scheme of scheme: string
    | Batch_Size of rows: int
    | Parallelism of count: int
    | Metadata of key_value: string
    | Session_Config of config: string
    | Api_Key of key: string
    | Log_Level of level: string
    | All_Columns
    | Backoff_Base of seconds: float

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Predict _ -> "predict a time range and forward the results (InfluxDB, files)."
            | Get_Metadata _ -> "print or save the metadata of the machines."
            | Download_Model _ -> "download the machines' models."
            | Project _ -> "the project (required)."
            | Host _ -> "server host (default localhost)."
            | Port _ -> "server port (default 443)."
            | Scheme _ -> "http or https (default https)."
            | Batch_Size _ -> "rows per request (default 100000)."
            | Parallelism _ -> "requests in flight at once (default 10)."
            | Metadata _ -> "key,value tag added to every forwarded point (repeatable)."
            | Session_Config _ -> "JSON/YAML mapping for the HTTP session, e.g. {\"headers\": {\"API-KEY\": \"x\"}}."
            | Api_Key _ -> "the server's API key, sent as X-API-Key (env GORDO_SERVER_API_KEY)."
            | Log_Level _ -> "debug, info, warning, error or critical (env GORDO_LOG_LEVEL; default info)."
            | All_Columns -> "ask the server for every column (the smooth-* groups too)."
            | Backoff_Base _ ->
                "seconds the retry backoff is scaled by (retry k waits base × 2^(k+2), at most 300 × base; default 1)."

/// Gordo's client accepts its group options after the subcommand too (the generated workflow
/// writes them there): they are moved in front of it before parsing.
[<RequireQualifiedAccess>]
module ClientArguments =
    let private withValue = [
        "--project"
        "--host"
        "--port"
        "--scheme"
        "--batch-size"
        "--parallelism"
        "--metadata"
        "--session-config"
        "--api-key"
        "--log-level"
        "--backoff-base"
    ]

    let private flags = [ "--all-columns" ]
    let private commands = [ "predict"; "metadata"; "download-model" ]

    let private isGroupOption (token: string) =
        let name = token.Split('=').[0]
        List.contains name withValue || List.contains name flags

    /// Moves group options found after the subcommand in front of it (`argv` starts after `client`).
    let reorder (argv: string list) : string list =
        match argv |> List.tryFindIndex (fun a -> List.contains a commands) with
        | None -> argv
        | Some i ->
            let before, after = List.splitAt i argv

            let rec split (rest: string list) (moved: string list) (kept: string list) =
                match rest with
                | [] -> List.rev moved, List.rev kept
                | "--" :: tail -> List.rev moved, List.rev kept @ ("--" :: tail)
                | o :: v :: tail when List.contains o withValue -> split tail (v :: o :: moved) kept
                | o :: tail when isGroupOption o -> split tail (o :: moved) kept
                | x :: tail -> split tail moved (x :: kept)

            let moved, kept = split (List.tail after) [] []
            before @ moved @ (List.head after :: kept)
