namespace Gordo.Server

open CommunityToolkit.HighPerformance.Buffers
open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Text.Json
open System.Runtime.InteropServices
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Connections
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.DependencyInjection.Extensions
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging

/// The Gordo ML server as an ASP.NET Core application (spec §5).
[<RequireQualifiedAccess>]
module App =
    let private revisionKey = "gordo.revision"
    let private modelName = Regex(@"^[a-zA-Z0-9-]+$", RegexOptions.Compiled)

    /// A reply rendered to bytes in a pooled buffer, ready to send.
    type private Rendered = {
        Status: int
        Buffer: ArrayPoolBufferWriter<byte>
        ContentType: string option
    }

    /// The largest reply rendered so far (capped): the next reply's buffer starts a quarter
    /// larger, so a large reply is not copied while its buffer doubles (`OutputFrame` asks for
    /// room for a whole column before writing one).
    let mutable private largestReply = 4096

    let private render (revision: string) (reply: Reply) : Rendered =
        let largest = Volatile.Read &largestReply
        let buffer = new ArrayPoolBufferWriter<byte>(largest + largest / 4)

        try
            let contentType = Reply.render revision reply.Body buffer

            if buffer.WrittenCount > largestReply && buffer.WrittenCount <= 4 * 1024 * 1024 then
                Volatile.Write(&largestReply, buffer.WrittenCount)

            {
                Status = reply.Status
                Buffer = buffer
                ContentType = contentType
            }
        with _ ->
            (buffer :> IDisposable).Dispose()
            reraise ()

    /// Sends a rendered reply in one write with its Content-Length (no chunked framing), then
    /// returns its buffer to the pool.
    let private send (ctx: HttpContext) (rendered: Rendered) : Task =
        task {
            use _ = rendered.Buffer
            ctx.Response.StatusCode <- rendered.Status

            match rendered.ContentType with
            | Some t ->
                ctx.Response.ContentType <- t
                ctx.Response.ContentLength <- int64 rendered.Buffer.WrittenCount
                do! ctx.Response.Body.WriteAsync(rendered.Buffer.WrittenMemory)
            | None -> ()
        }

    let private write (ctx: HttpContext) (revision: string) (reply: Reply) : Task = send ctx (render revision reply)

    let private requested (ctx: HttpContext) =
        match ctx.Request.Query.TryGetValue "revision" with
        | true, v when v.Count > 0 -> Some(string v)
        | _ ->
            match ctx.Request.Headers.TryGetValue "revision" with
            | true, v when v.Count > 0 -> Some(string v)
            | _ -> None

    let private timing (ctx: HttpContext) (watch: Stopwatch) (revision: unit -> string) =
        ctx.Response.OnStarting(fun () ->
            let seconds = watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)

            ctx.Response.Headers.["Server-Timing"] <-
                Microsoft.Extensions.Primitives.StringValues("request_walltime_s;dur=" + seconds)

            ctx.Response.Headers.["revision"] <- revision ()
            Task.CompletedTask)

    /// The documentation and metrics paths, which need no revision.
    let private isOutsideApi (path: PathString) : bool =
        path.StartsWithSegments(PathString OpenApiDocs.DocumentPath.[..7])
        || path.StartsWithSegments(PathString OpenApiDocs.UiPath)
        || path.Value = "/metrics"

    let private directories =
        Regex(@"(?<=^|[\s'""(])(?:[A-Za-z]:)?[\\/][^\s'""]*[\\/]", RegexOptions.Compiled)

    /// An exception message with the directories of absolute paths removed (a 500 reply must
    /// not tell a client where the server keeps its files; the log has the full message).
    let internal withoutDirectories (message: string) : string = directories.Replace(message, "")

    /// The edge middleware: trailing slashes, revision selection, timing and revision headers,
    /// and the one place where exceptions become replies.
    let private edge (config: ServerConfig) (logger: ILogger) (ctx: HttpContext) (next: RequestDelegate) : Task =
        task {
            let watch = Stopwatch.StartNew()
            let path = ctx.Request.Path.Value

            if path.Length > 1 && path.EndsWith "/" then
                ctx.Request.Path <- PathString(path.TrimEnd '/')

            if isOutsideApi ctx.Request.Path then
                do! next.Invoke ctx
            else
                let mutable revision = ""
                timing ctx watch (fun () -> revision)

                match config.ModelCollectionDir with
                | None ->
                    do!
                        write
                            ctx
                            revision
                            (Reply.jsonError
                                500
                                "error"
                                "MODEL_COLLECTION_DIR is not set; point it at the revision directory")
                | Some dir ->
                    match Revision.resolve dir (requested ctx) with
                    | Error(reply, r) ->
                        revision <- r
                        do! write ctx r reply
                    | Ok r ->
                        revision <- r.Name
                        ctx.Items.[revisionKey] <- r

                        try
                            do! next.Invoke ctx
                        with
                        | :? OperationCanceledException when ctx.RequestAborted.IsCancellationRequested -> ()
                        | :? HttpErrorException as e when not ctx.Response.HasStarted -> do! write ctx revision e.Reply
                        | :? BadHttpRequestException as e when not ctx.Response.HasStarted ->
                            do! write ctx revision (Reply.jsonError e.StatusCode "message" e.Message)
                        | e when not ctx.Response.HasStarted ->
                            logger.LogError(e, "request {Path} failed", path)

                            do!
                                write
                                    ctx
                                    revision
                                    (Reply.jsonError
                                        500
                                        "error"
                                        $"%s{e.GetType().Name}: %s{withoutDirectories e.Message}")
        }
        :> Task

    /// The request body, at most `limit` bytes (else a 413 reply), in a pooled buffer (sized
    /// from Content-Length when sent) that goes back to the pool when the request ends.
    let private buffer (limit: int64) (ctx: HttpContext) : Task<ArrayPoolBufferWriter<byte>> =
        task {
            let tooLarge () =
                Reply.fail (
                    Reply.jsonError
                        413
                        "message"
                        $"The request body is larger than the limit of %d{limit} bytes; send fewer rows per request or raise MAX_REQUEST_BODY_MB"
                )

            let expected = ctx.Request.ContentLength.GetValueOrDefault 0L

            if expected > limit then
                tooLarge ()

            let body = new ArrayPoolBufferWriter<byte>(int (max 4096L (expected + 1L)))
            ctx.Response.RegisterForDispose body
            let mutable reading = true

            while reading do
                let! n = ctx.Request.Body.ReadAsync(body.GetMemory 1)

                if n = 0 then
                    reading <- false
                elif int64 body.WrittenCount + int64 n > limit then
                    tooLarge ()
                else
                    body.Advance n

            return body
        }

    let private parquetInput
        (ctx: HttpContext)
        (body: ArrayPoolBufferWriter<byte>)
        : Task<string -> InputTable option> =
        task {
            match MemoryMarshal.TryGetArray body.WrittenMemory with
            | true, bytes -> ctx.Request.Body <- new MemoryStream(bytes.Array, bytes.Offset, bytes.Count, false)
            | _ -> ctx.Request.Body <- new MemoryStream(body.WrittenMemory.ToArray())

            let! form =
                task {
                    try
                        return! ctx.Request.ReadFormAsync()
                    with
                    // The body is in memory: these are the content's faults (no or a bad
                    // boundary, truncated, more than 1,024 parts), not the connection's.
                    | :? InvalidDataException
                    | :? IOException as e ->
                        return
                            Reply.fail (
                                Reply.jsonError
                                    400
                                    "message"
                                    $"Malformed multipart/form-data body: %s{e.Message.Trim()}; send X (and y) as Parquet files of a multipart/form-data body with a boundary"
                            )
                }

            return
                fun key ->
                    match form.Files.GetFile key with
                    | null -> None
                    | file ->
                        use stream = new MemoryStream()
                        file.CopyTo stream
                        Some(InputParquet.parse key (stream.ToArray()))
        }

    /// The input tables of a POST body: JSON (`X`/`y` keys) or multipart Parquet files `X`/`y`.
    let private inputOf (ctx: HttpContext) (body: ArrayPoolBufferWriter<byte>) : Task<string -> InputTable option> =
        task {
            let contentType = string ctx.Request.ContentType

            if contentType.Contains "json" then
                return InputJson.tables body.WrittenMemory
            elif contentType.StartsWith "multipart/form-data" then
                return! parquetInput ctx body
            else
                return
                    Reply.fail (
                        Reply.jsonError
                            400
                            "message"
                            $"Cannot predict without \"X\": content type '%s{contentType}' is neither application/json (X and y as JSON) nor multipart/form-data (X and y as Parquet files)"
                    )
        }

    let private requestContext
        (config: ServerConfig)
        (store: ModelStore)
        (recent: RecentScores)
        (ctx: HttpContext)
        model
        input
        =
        {
            Path = (ctx.Request.PathBase + ctx.Request.Path).Value
            Config = config
            Store = store
            Recent = recent
            Revision = ctx.Items.[revisionKey] :?> RequestRevision
            Model = defaultArg model ""
            Query =
                fun key ->
                    match ctx.Request.Query.TryGetValue key with
                    | true, v -> Some(string v)
                    | _ -> None
            Input = input
            Route =
                fun key ->
                    match ctx.Request.RouteValues.TryGetValue key with
                    | true, v when not (isNull v) -> Some(string v)
                    | _ -> None
        }

    /// Reads a POST body, then computes and renders the reply on one of the prediction lanes
    /// (at most `MaxConcurrentPredictions` at once, in arrival order): each request runs to its
    /// end on a core of its own instead of sharing the cores with every other request in flight,
    /// so the tail latency follows the queue, not the scheduler.
    let private compute
        (lanes: PredictionLanes)
        (config: ServerConfig)
        (ctx: HttpContext)
        (reply: (string -> InputTable option) -> Reply)
        : Task<Rendered> =
        task {
            let! body = buffer config.MaxBodyBytes ctx
            let! input = inputOf ctx body
            let revision = (ctx.Items.[revisionKey] :?> RequestRevision).Name
            return! lanes.Run((fun () -> render revision (reply input)), ctx.RequestAborted)
        }

    /// Sends a reply to a GET: page assets with their cache headers, or 304 when the client
    /// has the same version (`If-None-Match`).
    let private answer (ctx: HttpContext) (revision: string) (reply: Reply) : Task =
        match reply.Body with
        | Body.Asset(_, _, etag) ->
            ctx.Response.Headers.ETag <- etag
            ctx.Response.Headers.CacheControl <- "private, max-age=86400"

            if ctx.Request.Headers.IfNoneMatch.ToString() = etag then
                ctx.Response.StatusCode <- 304
                Task.CompletedTask
            else
                write ctx revision reply
        | _ -> write ctx revision reply

    let private handle
        (config: ServerConfig)
        (store: ModelStore)
        (recent: RecentScores)
        (lanes: PredictionLanes)
        (handler: RequestContext -> Reply)
        : RequestDelegate =
        RequestDelegate(fun ctx ->
            task {
                let revision = ctx.Items.[revisionKey] :?> RequestRevision
                let model = ctx.Request.RouteValues.["model"] |> Option.ofObj |> Option.map string

                let reply input =
                    handler (requestContext config store recent ctx model input)

                match model with
                | Some m when not (modelName.IsMatch m) ->
                    do!
                        write
                            ctx
                            revision.Name
                            (Reply.html 422 "Unprocessable Entity" "gordo_name field has wrong format")
                | _ when HttpMethods.IsPost ctx.Request.Method ->
                    let! rendered = compute lanes config ctx reply
                    do! send ctx rendered
                | _ -> do! answer ctx revision.Name (reply (fun _ -> None))
            }
            :> Task)

    /// Maps every route of the route table (spec §5.3) onto an endpoint builder, each with its
    /// OpenAPI description.
    let internal mapRoutes (config: ServerConfig) (store: ModelStore) (routes: IEndpointRouteBuilder) : unit =
        let lanes = new PredictionLanes(config.MaxConcurrentPredictions)

        let recent =
            match routes.ServiceProvider.GetService(typeof<RecentScores>) with
            | :? RecentScores as r -> r
            | _ -> RecentScores(config.RecentRows, config.CachedModels)

        match routes.ServiceProvider.GetService(typeof<IHostApplicationLifetime>) with
        | :? IHostApplicationLifetime as lifetime ->
            lifetime.ApplicationStopped.Register(fun () -> (lanes :> IDisposable).Dispose())
            |> ignore
        | _ -> ()

        for spec in Routes.all do
            let handler = handle config store recent lanes spec.Handler

            routes
                .MapMethods(spec.Template, [ spec.Method ], Func<HttpContext, Task>(fun ctx -> handler.Invoke ctx))
                .WithSummary(spec.Summary)
                .WithTags("Gordo")
                .WithMetadata(spec)
            |> ignore

    /// Registers the Gordo services (the model store) unless the host already registered them.
    let addServices (config: ServerConfig) (services: IServiceCollection) : unit =
        services.TryAddSingleton<ModelStore>(fun _ -> ModelStore config)
        services.TryAddSingleton<ServerMetrics>(fun _ -> ServerMetrics config)

        services.TryAddSingleton<RecentScores>(fun _ -> RecentScores(config.RecentRows, config.CachedModels))
        OpenApiDocs.addServices services

        if config.Access.JwtAuthority.IsSome || config.Access.JwtSigningKey.IsSome then
            Access.addServices services (fun _ -> config.Access)

    /// Registers what Gordo endpoints hosted in another application need (`mapHosted`): the
    /// bearer-token scheme, configured from `config` when first used.
    let addHostedServices (services: IServiceCollection) (config: Func<IServiceProvider, ServerConfig>) : unit =
        Access.addServices services (fun provider -> config.Invoke(provider).Access)

    let private preload (config: ServerConfig) (store: ModelStore) (log: ILogger) () =
        match config.ModelCollectionDir with
        | Some dir when config.PreloadExpectedModels ->
            let watch = Stopwatch.StartNew()

            for name, reason in store.Preload(dir, config.ExpectedModels) do
                log.LogWarning("preloading {Model} failed: {Reason}", name, reason)

            log.LogInformation("preloaded {Count} models in {Seconds} s", store.LoadedCount, watch.Elapsed.TotalSeconds)
        | _ -> ()

    let private logger (services: IServiceProvider) : ILogger =
        (services.GetService(typeof<ILoggerFactory>) :?> ILoggerFactory).CreateLogger "Gordo.Server"

    let private storeOf (config: ServerConfig) (services: IServiceProvider) : ModelStore =
        match services.GetService(typeof<ModelStore>) with
        | :? ModelStore as s -> s
        | _ -> ModelStore config

    /// With `PreloadExpectedModels`, the expected models load in the background once the host has
    /// started.
    let private preloadOnStart (config: ServerConfig) (store: ModelStore) (log: ILogger) (services: IServiceProvider) =
        match services.GetService(typeof<IHostApplicationLifetime>) with
        | :? IHostApplicationLifetime as lifetime ->
            lifetime.ApplicationStarted.Register(fun () -> Task.Run(preload config store log) |> ignore)
            |> ignore
        | _ -> ()

    /// Adds the Gordo middleware and routes to an application; with `PreloadExpectedModels` the
    /// expected models load in the background once the server has started.
    let configure (config: ServerConfig) (app: WebApplication) : unit =
        let store = storeOf config app.Services
        let log = logger app.Services
        preloadOnStart config store log app.Services

        app.Use(Func<HttpContext, RequestDelegate, Task>(SecurityHeaders.middleware))
        |> ignore

        match Access.gate config.Access (fun m -> log.LogWarning("{Warning}", m)) with
        | Some gate ->
            app.Use(
                Func<HttpContext, RequestDelegate, Task>(fun ctx next ->
                    gate.Run(ctx, Access.need ctx.Request.Method ctx.Request.Path.Value, (fun () -> next.Invoke ctx)))
            )
            |> ignore
        | None ->
            app.Lifetime.ApplicationStarted.Register(fun () ->
                Access.exposedWarning config.Access app.Urls
                |> Option.iter (fun m -> log.LogWarning("{Warning}", m)))
            |> ignore

        if config.EnablePrometheus then
            let metrics = app.Services.GetRequiredService<ServerMetrics>()
            app.Use(Func<HttpContext, RequestDelegate, Task>(metrics.Middleware)) |> ignore
            app.MapGet("/metrics", RequestDelegate metrics.Export) |> ignore

        OpenApiDocs.map app
        app.Use(Func<HttpContext, RequestDelegate, Task>(edge config log)) |> ignore
        app.UseRouting() |> ignore
        mapRoutes config store app

    /// Maps the Gordo routes under `prefix` into an existing application (hosting from C#): the
    /// edge logic (revision selection, headers, error replies) wraps each Gordo endpoint, so the
    /// application's other endpoints are untouched. With `EnablePrometheus`, the Gordo endpoints
    /// are timed and `prefix/metrics` serves the figures; with `PreloadExpectedModels`, the
    /// expected models load once the host has started. The OpenAPI document and Swagger UI are
    /// `run-server`'s alone: the hosting application keeps its own.
    let mapHosted (config: ServerConfig) (routes: IEndpointRouteBuilder) (prefix: string) : IEndpointConventionBuilder =
        let store = storeOf config routes.ServiceProvider
        let log = logger routes.ServiceProvider
        preloadOnStart config store log routes.ServiceProvider
        let group = routes.MapGroup(if String.IsNullOrEmpty prefix then "/" else prefix)
        let gate = Access.gate config.Access (fun m -> log.LogWarning("{Warning}", m))

        // The route of a request (read per request: the group's conventions run before the
        // endpoint's own, which add it).
        let specOf (ctx: HttpContext) : RouteSpec option =
            ctx.GetEndpoint()
            |> Option.ofObj
            |> Option.bind (fun e -> Option.ofObj (e.Metadata.GetMetadata<RouteSpec>()))

        let guarded (ctx: HttpContext) (spec: RouteSpec option) (inner: RequestDelegate) : Task =
            match gate, spec with
            | Some g, Some spec ->
                g.Run(ctx, Access.need spec.Method spec.Template, (fun () -> edge config log ctx inner))
            | Some g, None -> g.Run(ctx, Need.Role Role.Read, (fun () -> edge config log ctx inner))
            | None, _ -> edge config log ctx inner

        // (as in `ServerMetrics.Middleware`: the health check is not timed)
        let timed (metrics: ServerMetrics option) (ctx: HttpContext) (inner: RequestDelegate) : Task =
            let spec = specOf ctx
            let handle = RequestDelegate(fun ctx -> guarded ctx spec inner)

            match metrics, spec with
            | Some _, Some s when s.Template = "/healthcheck" -> handle.Invoke ctx
            | Some m, _ -> m.Middleware ctx handle
            | None, _ -> handle.Invoke ctx

        let metrics =
            if config.EnablePrometheus then
                match routes.ServiceProvider.GetService(typeof<ServerMetrics>) with
                | :? ServerMetrics as m -> Some m
                | _ -> Some(ServerMetrics config)
            else
                None

        (group :> IEndpointConventionBuilder)
            .Add(fun endpoint ->
                let inner = endpoint.RequestDelegate

                endpoint.RequestDelegate <-
                    RequestDelegate(fun ctx ->
                        SecurityHeaders.register ctx
                        timed metrics ctx inner))

        // `/metrics` beside the group, so that the edge logic (revisions) never sees it.
        match metrics with
        | Some m ->
            let path =
                (if String.IsNullOrEmpty prefix then
                     ""
                 else
                     prefix.TrimEnd '/')
                + "/metrics"

            routes.MapGet(
                path,
                RequestDelegate(fun ctx ->
                    SecurityHeaders.register ctx

                    match gate with
                    | Some g -> g.Run(ctx, Access.need "GET" "/metrics", (fun () -> m.Export ctx))
                    | None -> m.Export ctx)
            )
            |> ignore
        | None -> ()

        mapRoutes config store group
        group

    /// Builds the application; `setup` adjusts the builder (URLs, test server, logging). Its
    /// Kestrel reads and writes in `LargeBlockPool` blocks (the server's bodies and replies are
    /// large).
    let create (config: ServerConfig) (setup: WebApplicationBuilder -> unit) : WebApplication =
        let builder = WebApplication.CreateBuilder()
        addServices config builder.Services

        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(LargeBlockPoolFactory())
        |> ignore

        // No `Server: Kestrel` header: it tells a prober what to try.
        builder.WebHost.ConfigureKestrel(fun k -> k.AddServerHeader <- false) |> ignore

        setup builder
        let app = builder.Build()
        configure config app
        app
