namespace Gordo.Cli

open System
open Argu
open Gordo.Server

/// `gordo run-server`.
[<RequireQualifiedAccess>]
module ServerCommands =
    let private env (name: string) =
        Environment.GetEnvironmentVariable name
        |> Option.ofObj
        |> Option.filter ((<>) "")

    let private text (arg: Quotations.Expr<string -> RunServerArgs>) (var: string) (fallback: string) args =
        (args: ParseResults<RunServerArgs>).TryGetResult arg
        |> Option.orElse (env var)
        |> Option.defaultValue fallback

    let private number (arg: Quotations.Expr<int -> RunServerArgs>) (var: string) (fallback: int) args =
        match (args: ParseResults<RunServerArgs>).TryGetResult arg with
        | Some n -> Ok n
        | None ->
            match env var with
            | None -> Ok fallback
            | Some t ->
                match Int32.TryParse t with
                | true, n -> Ok n
                | _ -> Error $"%s{var}: '%s{t}' is not an integer"

    /// Runs the ML server over MODEL_COLLECTION_DIR until stopped (options fall back to the
    /// GORDO_SERVER_* variables, then to the defaults of spec §6.3).
    let runServer (args: ParseResults<RunServerArgs>) : int =
        let d = Host.defaults
        let port = number <@ RunServerArgs.Port @> "GORDO_SERVER_PORT" d.Port args

        let workers =
            number <@ RunServerArgs.Workers @> "GORDO_SERVER_WORKERS" d.Workers args

        let threads =
            number <@ RunServerArgs.Threads @> "GORDO_SERVER_THREADS" d.Threads args

        match port, workers, threads, ServerConfig.ofEnvironment () with
        | Ok port, Ok workers, Ok threads, Ok config ->
            Host.run config {
                d with
                    Host = text <@ RunServerArgs.Host @> "GORDO_SERVER_HOST" d.Host args
                    Port = port
                    Workers = workers
                    Threads = threads
                    LogLevel =
                        text
                            <@ RunServerArgs.Log_Level @>
                            "GORDO_SERVER_LOG_LEVEL"
                            (LogLevel.fromEnvironment () |> Option.defaultValue d.LogLevel)
                            args
            }
        | Error e, _, _, _
        | _, Error e, _, _
        | _, _, Error e, _
        | _, _, _, Error e ->
            eprintfn "gordo run-server: %s" e
            2
