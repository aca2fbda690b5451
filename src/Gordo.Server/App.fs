namespace Gordo.Server

open System
open System.Diagnostics
open System.Globalization
open System.Text.Json
open System.Text.RegularExpressions
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.Logging

/// The Gordo ML server as an ASP.NET Core application (spec §5).
[<RequireQualifiedAccess>]
module App =
    let private revisionKey = "gordo.revision"
    let private modelName = Regex(@"^[a-zA-Z\d-]+$", RegexOptions.Compiled)

    let private write (ctx: HttpContext) (revision: string) (reply: Reply) : Task =
        ctx.Response.StatusCode <- reply.Status

        match reply.Body with
        | Body.Json value ->
            ctx.Response.ContentType <- "application/json"
            ctx.Response.Body.WriteAsync(ReadOnlyMemory(Reply.toJson revision value)).AsTask()
        | Body.JsonEntries entries ->
            ctx.Response.ContentType <- "application/json"

            using (new Utf8JsonWriter(ctx.Response.BodyWriter)) (fun w ->
                w.WriteStartObject()
                entries w
                w.WriteString("revision", revision)
                w.WriteEndObject())

            ctx.Response.BodyWriter.FlushAsync().AsTask()
        | Body.Html text ->
            ctx.Response.ContentType <- "text/html; charset=utf-8"
            ctx.Response.WriteAsync text
        | Body.Bytes(bytes, contentType) ->
            ctx.Response.ContentType <- contentType
            ctx.Response.Body.WriteAsync(ReadOnlyMemory bytes).AsTask()
        | Body.Empty -> Task.CompletedTask

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
            ctx.Response.Headers.["Server-Timing"] <- $"request_walltime_s;dur=%s{seconds}"
            ctx.Response.Headers.["revision"] <- revision ()
            Task.CompletedTask)

    /// The edge middleware: trailing slashes, revision selection, timing and revision headers,
    /// and the one place where exceptions become replies.
    let private edge (config: ServerConfig) (logger: ILogger) (ctx: HttpContext) (next: RequestDelegate) : Task =
        task {
            let watch = Stopwatch.StartNew()
            let path = ctx.Request.Path.Value

            if path.Length > 1 && path.EndsWith "/" then
                ctx.Request.Path <- PathString(path.TrimEnd '/')

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
                    | :? HttpErrorException as e when not ctx.Response.HasStarted -> do! write ctx revision e.Reply
                    | e when not ctx.Response.HasStarted ->
                        logger.LogError(e, "request {Path} failed", path)
                        do! write ctx revision (Reply.jsonError 500 "error" $"%s{e.GetType().Name}: %s{e.Message}")
        }
        :> Task

    let private readBody (ctx: HttpContext) : Task<JsonElement option> =
        task {
            let contentType = string ctx.Request.ContentType

            if HttpMethods.IsPost ctx.Request.Method && contentType.Contains "json" then
                try
                    let! doc = JsonDocument.ParseAsync ctx.Request.Body
                    ctx.Response.RegisterForDispose doc
                    return Some doc.RootElement
                with :? JsonException as e ->
                    return Reply.fail (Reply.jsonError 400 "message" $"Malformed JSON body: %s{e.Message}")
            elif HttpMethods.IsPost ctx.Request.Method && contentType.StartsWith "multipart/" then
                return
                    Reply.fail (
                        Reply.jsonError
                            400
                            "message"
                            "Parquet (multipart) input is not supported by this server yet; send JSON"
                    )
            else
                return None
        }

    let private handle (config: ServerConfig) (store: ModelStore) (handler: RequestContext -> Reply) : RequestDelegate =
        RequestDelegate(fun ctx ->
            task {
                let revision = ctx.Items.[revisionKey] :?> RequestRevision
                let model = ctx.Request.RouteValues.["model"] |> Option.ofObj |> Option.map string

                match model with
                | Some m when not (modelName.IsMatch m) ->
                    do!
                        write
                            ctx
                            revision.Name
                            (Reply.html 422 "Unprocessable Entity" "gordo_name field has wrong format")
                | _ ->
                    let! body = readBody ctx

                    let request = {
                        Config = config
                        Store = store
                        Revision = revision
                        Model = defaultArg model ""
                        Query =
                            fun key ->
                                match ctx.Request.Query.TryGetValue key with
                                | true, v -> Some(string v)
                                | _ -> None
                        Body = body
                    }

                    do! write ctx revision.Name (handler request)
            }
            :> Task)

    /// Maps every route of spec §5.3 onto an endpoint builder.
    let mapRoutes (config: ServerConfig) (store: ModelStore) (routes: IEndpointRouteBuilder) : unit =
        let h = handle config store
        let prefix = "/gordo/v0/{project}"

        routes.MapGet("/healthcheck", h (fun _ -> { Status = 200; Body = Body.Empty }))
        |> ignore

        routes.MapGet("/server-version", h Handlers.serverVersion) |> ignore

        routes.MapGet(
            prefix,
            RequestDelegate(fun ctx ->
                let project = string ctx.Request.RouteValues.["project"]
                let here = (ctx.Request.PathBase + ctx.Request.Path).Value.TrimEnd '/'
                (h (IndexPage.handler project here)).Invoke ctx)
        )
        |> ignore

        routes.MapGet(prefix + "/models", h Handlers.models) |> ignore
        routes.MapGet(prefix + "/revisions", h Handlers.revisions) |> ignore
        routes.MapGet(prefix + "/expected-models", h Handlers.expectedModels) |> ignore
        routes.MapGet(prefix + "/{model}/metadata", h Handlers.metadata) |> ignore
        routes.MapGet(prefix + "/{model}/healthcheck", h Handlers.metadata) |> ignore

        routes.MapGet(prefix + "/{model}/download-model", h Handlers.downloadModel)
        |> ignore

        routes.MapPost(prefix + "/{model}/prediction", h Handlers.prediction) |> ignore

        routes.MapPost(prefix + "/{model}/anomaly/prediction", h Handlers.anomaly)
        |> ignore

        routes.MapDelete(
            prefix + "/{model}/revision/{revision}",
            RequestDelegate(fun ctx ->
                let target = string ctx.Request.RouteValues.["revision"]
                (h (Handlers.deleteRevision target)).Invoke ctx)
        )
        |> ignore

    let private logger (services: IServiceProvider) : ILogger =
        (services.GetService(typeof<ILoggerFactory>) :?> ILoggerFactory).CreateLogger "Gordo.Server"

    /// Adds the Gordo middleware and routes to an application.
    let configure (config: ServerConfig) (app: WebApplication) : unit =
        let store = ModelStore(config.CachedModels, config.CachedMetadata)

        app.Use(Func<HttpContext, RequestDelegate, Task>(edge config (logger app.Services)))
        |> ignore

        app.UseRouting() |> ignore
        mapRoutes config store app

    /// Maps the Gordo routes under `prefix` into an existing application (hosting from C#): the
    /// edge logic (revision selection, headers, error replies) wraps each Gordo endpoint, so the
    /// application's other endpoints are untouched.
    let mapHosted (config: ServerConfig) (routes: IEndpointRouteBuilder) (prefix: string) : IEndpointConventionBuilder =
        let store = ModelStore(config.CachedModels, config.CachedMetadata)
        let log = logger routes.ServiceProvider
        let group = routes.MapGroup(if String.IsNullOrEmpty prefix then "/" else prefix)

        (group :> IEndpointConventionBuilder)
            .Add(fun endpoint ->
                let inner = endpoint.RequestDelegate
                endpoint.RequestDelegate <- RequestDelegate(fun ctx -> edge config log ctx inner))

        mapRoutes config store group
        group

    /// Builds the application; `setup` adjusts the builder (URLs, test server, logging).
    let create (config: ServerConfig) (setup: WebApplicationBuilder -> unit) : WebApplication =
        let builder = WebApplication.CreateBuilder()
        setup builder
        let app = builder.Build()
        configure config app
        app
