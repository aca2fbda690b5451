namespace Gordo.Server

open System
open System.Net
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.Logging

/// `gordo run-server` options (spec §6.3).
type HostOptions = {
    /// `--host`: an IP address to bind.
    Host: string
    /// `--port`: 1..65535.
    Port: int
    /// `--workers`: 1..4; Kestrel serves all cores from one process, so this only bounds the
    /// thread pool's minimum worker count (workers × threads).
    Workers: int
    /// `--threads`: threads per worker.
    Threads: int
    /// `--log-level`: critical, error, warning, info or debug.
    LogLevel: string
}

/// Running the server with Kestrel.
[<RequireQualifiedAccess>]
module Host =
    /// Defaults of spec §6.3.
    let defaults: HostOptions = {
        Host = "0.0.0.0"
        Port = 5555
        Workers = 2
        Threads = 8
        LogLevel = "debug"
    }

    let private level (name: string) =
        match name.ToLowerInvariant() with
        | "critical" -> Ok LogLevel.Critical
        | "error" -> Ok LogLevel.Error
        | "warning" -> Ok LogLevel.Warning
        | "info" -> Ok LogLevel.Information
        | "debug" -> Ok LogLevel.Debug
        | other -> Error $"--log-level: '%s{other}' is not one of critical, error, warning, info, debug"

    /// Checks the options; the error says which option is wrong and what is allowed.
    let validate (o: HostOptions) : Result<LogLevel, string> =
        match IPAddress.TryParse o.Host with
        | false, _ -> Error $"--host: '%s{o.Host}' is not an IP address (e.g. 0.0.0.0 or 127.0.0.1)"
        | _ when o.Port < 1 || o.Port > 65535 -> Error $"--port: %d{o.Port} is not in 1..65535"
        | _ when o.Workers < 1 || o.Workers > 4 -> Error $"--workers: %d{o.Workers} is not in 1..4"
        | _ when o.Threads < 1 -> Error $"--threads: %d{o.Threads} must be positive"
        | _ -> level o.LogLevel

    let private setup (config: ServerConfig) (o: HostOptions) (logLevel: LogLevel) (builder: WebApplicationBuilder) =
        builder.WebHost.UseUrls($"http://%s{o.Host}:%d{o.Port}") |> ignore

        builder.WebHost.ConfigureKestrel(fun k -> k.Limits.MaxRequestBodySize <- Nullable config.MaxBodyBytes)
        |> ignore

        builder.Logging.SetMinimumLevel logLevel |> ignore
        // A failed start (port in use) is `run`'s one-line message, not the host's logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
        |> ignore

        let workers = o.Workers * o.Threads
        let current, io = Threading.ThreadPool.GetMinThreads()
        Threading.ThreadPool.SetMinThreads(max current workers, io) |> ignore

    /// The revision folder to serve must be there: a server without it answers every request
    /// with an error, which a deployment's health check would not notice.
    let private checkModels (config: ServerConfig) : Result<unit, string> =
        match config.ModelCollectionDir with
        | None ->
            Error
                "MODEL_COLLECTION_DIR is not set: point it at the revision folder of the models (the folder of model folders that local-build or build wrote)"
        | Some dir when not (IO.Directory.Exists dir) ->
            Error $"MODEL_COLLECTION_DIR '%s{dir}' is not a directory: point it at the revision folder of the models"
        | Some _ -> Ok()

    /// Runs until SIGTERM/Ctrl-C (graceful shutdown); returns the exit code.
    let run (config: ServerConfig) (o: HostOptions) : int =
        match validate o, Access.check config.Access, checkModels config with
        | Error e, _, _
        | _, Error e, _
        | _, _, Error e ->
            eprintfn "gordo run-server: %s" e
            2
        | Ok logLevel, Ok(), Ok() ->
            let app = App.create config (setup config o logLevel)

            try
                app.Run()
                0
            with :? IO.IOException as e ->
                // Kestrel's bind failure (address in use, no permission): a message, not a trace.
                eprintfn "gordo run-server: cannot listen on %s:%d: %s" o.Host o.Port e.Message
                1
