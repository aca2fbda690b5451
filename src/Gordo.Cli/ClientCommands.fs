namespace Gordo.Cli

open System
open System.Globalization
open System.IO
open System.Net.Http
open System.Text.Json
open System.Threading
open Argu
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Yaml
open Gordo.Client
open Gordo.Models.Scoring

/// `gordo client`: Gordo's client (spec §8.3). Exit codes: 0 success, 1 a machine failed, the
/// server could not be reached or a local file could not be written, 2 bad usage (found before
/// any request), 130 cancelled (Ctrl+C / SIGINT).
[<RequireQualifiedAccess>]
module ClientCommands =
    let private usage (message: string) : Result<'T, string> = Error message

    let private env (name: string) =
        Environment.GetEnvironmentVariable name
        |> Option.ofObj
        |> Option.filter ((<>) "")

    /// A JSON/YAML text, or a file holding one.
    let private document (what: string) (text: string) : Result<Value, string> =
        let source = if File.Exists text then File.ReadAllText text else text

        match Parse.text what (Parse.fileMap what) Parse.defaultLimits false source with
        | Ok(Some node, _) -> Ok(Value.ofNode node)
        | Ok(None, _) -> usage $"%s{what}: empty"
        | Error d -> usage $"%s{what}: not JSON or YAML (%s{d.Message})"

    /// `--data-provider`: a mapping with `type`.
    let dataProvider (text: string) : Result<DataProvider, string> =
        ClientData.parseDataProvider "--data-provider" text

    /// `--metadata key,value`.
    let private metadataTag (text: string) : Result<string * string, string> =
        match text.IndexOf ',' with
        | i when i > 0 -> Ok(text.Substring(0, i), text.Substring(i + 1))
        | _ -> usage $"--metadata: '%s{text}' is not key,value"

    /// `--session-config`: what it sets on the HTTP session.
    let private sessionConfig (text: string) : Result<Session, string> =
        document "--session-config" text |> Result.bind Session.ofValue

    /// A date-time as every client message shows it: ISO 8601 with its offset.
    let private iso (t: DateTimeOffset) =
        t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)

    /// `START`/`END`: an ISO 8601 date-time with a time zone (`Z` or an offset).
    let private time (what: string) (text: string) : Result<DateTimeOffset, string> =
        let culture = CultureInfo.InvariantCulture

        match DateTime.TryParse(text, culture, DateTimeStyles.RoundtripKind) with
        | true, t when t.Kind = DateTimeKind.Unspecified ->
            let local = t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", culture)
            usage $"%s{what}: '%s{text}' has no time zone; add one, e.g. %s{local}+00:00 or %s{local}Z for UTC"
        | true, _ ->
            match DateTimeOffset.TryParse(text, culture, DateTimeStyles.None) with
            | true, t -> Ok t
            | _ -> usage $"%s{what}: '%s{text}' is not an ISO 8601 date-time"
        | _ ->
            usage $"%s{what}: '%s{text}' is not an ISO 8601 date-time with a time zone, e.g. 2020-01-21T00:00:00+00:00"

    /// An integer option within `[low, high]`, or a usage error naming the option and the range.
    let private bounded (option: string) (low: int) (high: int) (value: int) : Result<unit, string> =
        if low <= value && value <= high then
            Ok()
        elif high = Int32.MaxValue then
            usage $"%s{option}: %d{value} is out of range; expected an integer of at least %d{low}"
        else
            usage $"%s{option}: %d{value} is out of range; expected an integer from %d{low} to %d{high}"

    /// The longest `--backoff-base`: retries then wait up to 300 × 3600 s, within `TimeSpan`.
    let private maxBackoffBase = 3600.0

    /// `--backoff-base`: seconds from 0 to `maxBackoffBase`.
    let private backoffBase (seconds: float) : Result<unit, string> =
        if seconds >= 0.0 && seconds <= maxBackoffBase then
            Ok()
        else
            let text = seconds.ToString(CultureInfo.InvariantCulture)
            usage $"--backoff-base: %s{text} is out of range; expected seconds from 0 to %.0f{maxBackoffBase}"

    /// `--host`: a DNS name or an IP address (IPv6 in brackets, which are added when missing).
    let private host (text: string) : Result<string, string> =
        match Uri.CheckHostName text with
        | UriHostNameType.Dns
        | UriHostNameType.IPv4 -> Ok text
        | UriHostNameType.IPv6 when text.StartsWith '[' -> Ok text
        | UriHostNameType.IPv6 -> Ok $"[%s{text}]"
        | _ ->
            usage
                $"--host: '%s{text}' is not a host name or IP address (e.g. gordo.example.com, 10.0.0.5 or [::1]; no scheme, port or path)"

    let private all (results: Result<'T, string> list) : Result<'T list, string> =
        List.foldBack (fun r acc -> Result.bind (fun xs -> Result.map (fun x -> x :: xs) r) acc) results (Ok [])

    /// The numeric group options (and `--n-retries`) in their ranges, checked before any request.
    let private numbers (args: ParseResults<ClientArgs>) (d: ClientOptions) (retries: int) : Result<unit, string> =
        [
            bounded "--port" 1 65535 (args.GetResult(ClientArgs.Port, d.Port))
            bounded "--batch-size" 1 Int32.MaxValue (args.GetResult(ClientArgs.Batch_Size, d.BatchSize))
            bounded "--parallelism" 1 Int32.MaxValue (args.GetResult(ClientArgs.Parallelism, d.Parallelism))
            bounded "--n-retries" 0 Int32.MaxValue retries
            backoffBase (args.GetResult(ClientArgs.Backoff_Base, d.BackoffBase.TotalSeconds))
        ]
        |> all
        |> Result.map ignore

    let private logLevel (args: ParseResults<ClientArgs>) : Result<ClientLogLevel, string> =
        let level =
            args.TryGetResult ClientArgs.Log_Level
            |> Option.orElse (env "GORDO_LOG_LEVEL")
            |> Option.defaultValue "info"

        match level.ToLowerInvariant() with
        | "debug" -> Ok ClientLogLevel.Debug
        | "info" -> Ok ClientLogLevel.Info
        | "warning" -> Ok ClientLogLevel.Warning
        | "error"
        | "critical" -> Ok ClientLogLevel.Error
        | other -> usage $"--log-level: '%s{other}' is not debug, info, warning, error or critical"

    /// The client options, session and log level of the group options (`retries` from `predict`).
    let internal options
        (args: ParseResults<ClientArgs>)
        (retries: int)
        : Result<ClientOptions * Session * ClientLogLevel, string> =
        match args.TryGetResult ClientArgs.Project with
        | None -> usage "--project is required"
        | Some project ->
            let tags = args.GetResults ClientArgs.Metadata |> List.map metadataTag |> all

            let session =
                args.TryGetResult ClientArgs.Session_Config
                |> Option.map sessionConfig
                |> Option.defaultValue (Ok Session.none)

            let d = ClientOptions.create project
            let address = host (args.GetResult(ClientArgs.Host, d.Host))
            let checks = numbers args d retries

            match tags, session, logLevel args, address, checks, args.GetResult(ClientArgs.Scheme, d.Scheme) with
            | Error e, _, _, _, _, _
            | _, Error e, _, _, _, _
            | _, _, Error e, _, _, _
            | _, _, _, Error e, _, _
            | _, _, _, _, Error e, _ -> Error e
            | _, _, _, _, _, s when s <> "http" && s <> "https" -> usage $"--scheme: '%s{s}' is not http or https"
            | Ok tags, Ok session, Ok level, Ok address, Ok(), scheme ->
                Ok(
                    {
                        d with
                            Host = address
                            Port = args.GetResult(ClientArgs.Port, d.Port)
                            Scheme = scheme
                            BatchSize = args.GetResult(ClientArgs.Batch_Size, d.BatchSize)
                            Parallelism = args.GetResult(ClientArgs.Parallelism, d.Parallelism)
                            Metadata = tags
                            Headers =
                                session.Headers
                                @ (args.TryGetResult ClientArgs.Api_Key
                                   |> Option.orElse (env "GORDO_SERVER_API_KEY")
                                   |> Option.map (fun key -> "X-API-Key", key)
                                   |> Option.toList)
                            AllColumns = args.Contains ClientArgs.All_Columns
                            Retries = retries
                            BackoffBase = TimeSpan.FromSeconds(args.GetResult(ClientArgs.Backoff_Base, 1.0))
                    },
                    session,
                    level
                )

    /// The HTTP client of the options and session; at debug level every request is logged.
    let private httpClient (o: ClientOptions) (session: Session) (level: ClientLogLevel) : HttpClient =
        let handler = Session.handler session o.Scheme o.Parallelism

        let logged: HttpMessageHandler =
            if level = ClientLogLevel.Debug then
                new RequestLog(handler, Console.Error)
            else
                handler

        new HttpClient(logged, Timeout = o.Timeout)

    let private fail (message: string) =
        eprintfn "gordo client: %s" message
        1

    let private usageError (message: string) =
        eprintfn "gordo client: %s" message
        2

    /// Runs a client action, mapping unreachable servers and 410 to exit 1 without a stack trace.
    let private guarded (server: string) (context: string) (body: unit -> int) : int =
        try
            body ()
        with e ->
            let inner =
                match e with
                | :? AggregateException as a when a.InnerExceptions.Count = 1 -> a.InnerException
                | e -> e

            match inner with
            | ResourceGoneException(url, text) -> fail $"the server says %s{url} is gone (410): %s{text}; stopped"
            | BadRequestException(_, m)
            | NotAnomalyDetectorException m -> fail m
            | e when Retry.isTransient e -> fail $"%s{context}cannot reach the server %s{server}: %s{Retry.message e}"
            | :? JsonException as e -> fail $"the server %s{server} sent an unreadable reply: %s{e.Message}"
            | :? IOException
            | :? UnauthorizedAccessException as e -> fail e.Message
            | _ -> reraise ()

    /// The anomaly events of a machine's predictions, with its model's event settings
    /// (`build_metadata.model.event_settings` of the server's metadata reply; the defaults
    /// without them, docs/events.md).
    let private cutEvents (metadata: JsonElement option) (t: PredictionTable) : Result<ForwardedEvent list, string> =
        let settings =
            metadata
            |> Option.map (fun m ->
                AnomalyEvents.ofMetadata (
                    Gordo.Models.Artifacts.Json.ofBytes (Text.Encoding.UTF8.GetBytes(m.GetRawText()))
                ))
            |> Option.defaultValue AnomalyEvents.defaults

        AnomalyEvents.ofColumns settings t.Index (List.ofArray t.Columns)
        |> Result.map (
            List.map (fun e -> {
                Start = e.Start
                End = e.End
                Peak = e.Peak
                Tags = e.Tags |> List.map (fun t -> t.Tag, t.Share)
                Quality = int e.Quality
            })
        )

    let private forwarders
        (o: ClientOptions)
        (p: ParseResults<ClientPredictArgs>)
        : Result<IPredictionForwarder, string> =
        let influx =
            match p.TryGetResult ClientPredictArgs.Influx_Uri with
            | None -> Ok None
            | Some uri ->
                InfluxForwarder.Options
                    uri
                    (p.TryGetResult ClientPredictArgs.Influx_Api_Key)
                    (p.Contains ClientPredictArgs.Influx_Recreate_Db)
                |> Result.mapError (fun e -> "--influx-uri: " + e)
                |> Result.map (fun io ->
                    Some(
                        new InfluxForwarder(
                            {
                                io with
                                    Retries = o.Retries
                                    BackoffBase = o.BackoffBase
                            }
                        )
                    ))

        let files = p.TryGetResult ClientPredictArgs.Output_Dir |> Option.map FileForwarder

        let nowhere =
            p.Contains ClientPredictArgs.Events
            && not (p.Contains ClientPredictArgs.Influx_Uri)
            && files.IsNone

        influx
        |> Result.bind (fun influx ->
            if nowhere then
                usage "--events needs --influx-uri or --output-dir (where the events go)"
            else
                Ok influx)
        |> Result.map (fun influx ->
            let predictions =
                Option.toList (influx |> Option.map (fun f -> f :> IPredictionForwarder))
                @ Option.toList (files |> Option.map (fun f -> f :> IPredictionForwarder))

            let events =
                if p.Contains ClientPredictArgs.Events then
                    let sinks =
                        Option.toList (influx |> Option.map (fun f -> f :> IEventForwarder))
                        @ Option.toList (files |> Option.map (fun f -> f :> IEventForwarder))

                    [ EventsForwarder(cutEvents, sinks) :> IPredictionForwarder ]
                else
                    []

            CompositeForwarder(predictions @ events) :> IPredictionForwarder)

    let private summary (level: ClientLogLevel) (outcomes: MachineOutcome list) : int =
        let failed = outcomes |> List.filter (fun o -> not o.Errors.IsEmpty)

        for o in outcomes do
            if o.Errors.IsEmpty && level <> ClientLogLevel.Error then
                eprintfn "%s: %d rows" o.Name o.Rows

        match failed with
        | [] -> 0
        | _ ->
            eprintfn "\nFailures (%d of %d machines):" failed.Length outcomes.Length

            for o in failed do
                for e in o.Errors do
                    eprintfn "  %s: %s" o.Name e

            1

    /// The line of a run cancelled by Ctrl+C (exit 130): how many machines were done, what was kept.
    let private cancelled (p: ParseResults<ClientPredictArgs>) (total: int) (outcomes: MachineOutcome list) : int =
        let written = outcomes |> List.filter (fun o -> o.Errors.IsEmpty) |> List.length

        let kept = [
            yield!
                p.TryGetResult ClientPredictArgs.Output_Dir
                |> Option.map (sprintf "the files of unfinished machines in %s are unchanged")
                |> Option.toList
            if p.Contains ClientPredictArgs.Influx_Uri then
                "points already written to InfluxDB stay"
        ]

        let tail = kept |> List.map ((+) "; ") |> String.concat ""
        eprintfn "gordo client: cancelled (exit 130): %d of %d machines done%s" written total tail
        130

    /// Predicts the machines, cancelled by Ctrl+C / SIGINT (`cancelled` then says what was kept).
    let private predictMachines
        (client: GordoClient)
        level
        (p: ParseResults<ClientPredictArgs>)
        start
        finish
        revision
        (names: string list)
        forwarder
        (cancel: CancellationToken)
        : int =
        let display = ClientDisplay(BuildDisplay.IsTerminal, level, Console.Out)
        let finished = Collections.Concurrent.ConcurrentQueue<MachineOutcome>()

        let show (event: ClientEvent) =
            match event with
            | ClientEvent.Finished o -> finished.Enqueue o
            | _ -> ()

            display.Show event

        try
            let outcomes =
                client
                    .PredictAsync(start, finish, names, Some revision, forwarder, show, cancel)
                    .GetAwaiter()
                    .GetResult()

            if cancel.IsCancellationRequested then
                cancelled p names.Length outcomes
            else
                summary level outcomes
        with _ when cancel.IsCancellationRequested ->
            cancelled p names.Length (List.ofSeq finished)

    let private predictRun
        (o: ClientOptions)
        session
        level
        (p: ParseResults<ClientPredictArgs>)
        start
        finish
        forwarder
        : int =
        use http = httpClient o session level
        use client = new GordoClient(o, http)
        use cancel = new CancellationTokenSource()

        use _ =
            Console.CancelKeyPress.Subscribe(fun e ->
                e.Cancel <- true
                cancel.Cancel())

        let targets = p.GetResults ClientPredictArgs.Target

        let context =
            match targets with
            | [] -> ""
            | ts -> String.Join(", ", ts) + ": "

        guarded client.BaseUrl context (fun () ->
            try
                let revision = client.LatestRevisionAsync(cancel.Token).GetAwaiter().GetResult()

                let known =
                    client.Api.MachinesAsync(revision, cancel.Token).GetAwaiter().GetResult()

                match targets |> List.filter (fun t -> not (List.contains t known)) with
                | _ :: _ as unknown ->
                    let names = String.Join(", ", unknown)

                    fail
                        $"""unknown --target %s{names}: revision %s{revision} of %s{client.BaseUrl} has %s{String.Join(", ", known)}"""
                | [] ->
                    let names = if targets.IsEmpty then known else targets
                    predictMachines client level p start finish revision names forwarder cancel.Token
            with _ when cancel.IsCancellationRequested ->
                eprintfn "gordo client: cancelled (exit 130) before any prediction; nothing was written"
                130)

    /// `gordo client ... predict`.
    let predict (args: ParseResults<ClientArgs>) (p: ParseResults<ClientPredictArgs>) : int =
        let range =
            match p.GetResult ClientPredictArgs.Range with
            | [ s; e ] ->
                match time "START" s, time "END" e with
                | Ok s, Ok e when s < e -> Ok(s, e)
                | Ok s, Ok e -> usage $"START (%s{iso s}) must be before END (%s{iso e})"
                | Error m, _
                | _, Error m -> Error m
            | other -> usage $"predict takes START and END, got %d{other.Length} values"

        let provider =
            p.TryGetResult ClientPredictArgs.Data_Provider
            |> Option.orElse (env "DATA_PROVIDER")
            |> Option.map (dataProvider >> Result.map Some)
            |> Option.defaultValue (Ok None)

        let setup =
            range
            |> Result.bind (fun r -> provider |> Result.map (fun dp -> r, dp))
            |> Result.bind (fun (r, dp) ->
                options args (p.GetResult(ClientPredictArgs.N_Retries, 5))
                |> Result.bind (fun (o, session, level) ->
                    let o = {
                        o with
                            DataProvider = dp
                            ForwardResampledSensors = p.Contains ClientPredictArgs.Forward_Resampled_Sensors
                            Quality = p.Contains ClientPredictArgs.Quality
                            UseParquet = not (p.Contains ClientPredictArgs.No_Parquet)
                    }

                    forwarders o p |> Result.map (fun f -> r, o, session, level, f)))

        match setup with
        | Error e -> usageError e
        | Ok((start, finish), o, session, level, forwarder) -> predictRun o session level p start finish forwarder

    /// `{machine: metadata}` as indented JSON.
    let private metadataJson (all: (string * JsonElement) list) : string =
        use buffer = new MemoryStream()

        do
            use w = new Utf8JsonWriter(buffer, JsonWriterOptions(Indented = true))
            w.WriteStartObject()

            for name, meta in all do
                w.WritePropertyName name
                meta.WriteTo w

            w.WriteEndObject()

        Text.Encoding.UTF8.GetString(buffer.ToArray())

    /// `--output-file`: its folder must exist (checked before any request).
    let private outputFile (m: ParseResults<ClientMetadataArgs>) : Result<string option, string> =
        match m.TryGetResult ClientMetadataArgs.Output_File with
        | Some "" -> usage "--output-file: the path is empty"
        | Some path when not (Directory.Exists(Path.GetDirectoryName(Path.GetFullPath path))) ->
            usage $"--output-file: the folder of %s{path} does not exist"
        | other -> Ok other

    /// Writes the metadata to `path` atomically (a temporary file beside it, renamed over it): a
    /// failure leaves any previous file and is reported as the local failure it is (exit 1).
    let private save (path: string) (text: string) : int =
        try
            AtomicPath.writeAllText path text
            0
        with
        | :? IOException
        | :? UnauthorizedAccessException as e ->
            fail $"cannot write the metadata to the local file %s{path}: %s{e.Message}"

    /// `gordo client ... metadata`.
    let metadata (args: ParseResults<ClientArgs>) (m: ParseResults<ClientMetadataArgs>) : int =
        match options args 5, outputFile m with
        | Error e, _
        | _, Error e -> usageError e
        | Ok(o, session, level), Ok file ->
            use http = httpClient o session level
            use client = new GordoClient(o, http)

            guarded client.BaseUrl "" (fun () ->
                let text =
                    client
                        .MetadataAsync(m.GetResults ClientMetadataArgs.Target, CancellationToken.None)
                        .GetAwaiter()
                        .GetResult()
                    |> metadataJson

                match file with
                | Some path -> save path text
                | None ->
                    printfn "%s" text
                    0)

    /// `gordo client ... download-model`.
    let downloadModel (args: ParseResults<ClientArgs>) (d: ParseResults<ClientDownloadArgs>) : int =
        match options args 5 with
        | Error e -> usageError e
        | Ok(o, session, level) ->
            use http = httpClient o session level
            use client = new GordoClient(o, http)
            let root = d.GetResult ClientDownloadArgs.Output_Dir

            guarded client.BaseUrl "" (fun () ->
                let revision =
                    client.LatestRevisionAsync(CancellationToken.None).GetAwaiter().GetResult()

                let names =
                    match d.GetResults ClientDownloadArgs.Target with
                    | [] -> client.Api.MachinesAsync(revision, CancellationToken.None).GetAwaiter().GetResult()
                    | given -> given

                for name in names do
                    let bytes =
                        client.Api.DownloadModelAsync(name, CancellationToken.None).GetAwaiter().GetResult()

                    // Unpacked beside the model's directory and swapped in: an interrupted
                    // download leaves the previous model, not a part of the new one.
                    let dir = Path.Combine(root, name)
                    AtomicPath.clean root (Some name)

                    AtomicPath.replaceDirectory dir (fun temp ->
                        use tar = new MemoryStream(bytes)
                        Formats.Tar.TarFile.ExtractToDirectory(tar, temp, true))

                    eprintfn "%s: %s" name dir

                0)

    /// `gordo client ...`.
    let run (args: ParseResults<ClientArgs>) : int =
        // The client's work comes in bursts (replies, writes): idle pool threads spinning for
        // more cost ~12 % of its CPU, mostly sched_yield. Read when the pool's first worker
        // starts, so set before any task runs.
        AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0)

        match args.TryGetSubCommand() with
        | Some(ClientArgs.Predict p) -> predict args p
        | Some(ClientArgs.Get_Metadata m) -> metadata args m
        | Some(ClientArgs.Download_Model d) -> downloadModel args d
        | _ -> usageError "a command is required: predict, metadata or download-model"
