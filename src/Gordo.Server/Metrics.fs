namespace Gordo.Server

open System
open System.Diagnostics
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Prometheus

/// Gordo's Prometheus metrics (spec §5.8) in a registry of their own: `gordo_server_info`,
/// `gordo_server_request_duration_seconds` and `gordo_server_requests_total` with Gordo's label
/// names and order, recorded for every request except `/healthcheck` and `/metrics`.
type internal ServerMetrics(config: ServerConfig) =
    let registry = Metrics.NewCustomRegistry()
    let factory = Metrics.WithCustomRegistry registry

    /// Label names in Gordo's order: `project` (env PROJECT) comes right after `version`;
    /// without it the URL's project comes after `model`.
    let labels =
        match config.Project with
        | Some _ -> [| "version"; "project"; "model"; "method"; "path"; "status_code" |]
        | None -> [| "version"; "model"; "project"; "method"; "path"; "status_code" |]

    let info =
        factory.CreateGauge(
            "gordo_server_info",
            "Information about the Gordo server",
            (if config.Project.IsSome then
                 [| "version"; "project" |]
             else
                 [| "version" |])
        )

    let duration =
        factory.CreateHistogram(
            "gordo_server_request_duration_seconds",
            "HTTP request duration, in seconds",
            HistogramConfiguration(
                LabelNames = labels,
                Buckets = [|
                    0.005
                    0.01
                    0.025
                    0.05
                    0.075
                    0.1
                    0.25
                    0.5
                    0.75
                    1.0
                    2.5
                    5.0
                    7.5
                    10.0
                |]
            )
        )

    let requests =
        factory.CreateCounter("gordo_server_requests_total", "Total HTTP requests", labels)

    do
        match config.Project with
        | Some p -> info.WithLabels(config.Version, p).Set 1.0
        | None -> info.WithLabels(config.Version).Set 1.0

    /// Gordo's (Flask's) spelling of a route template: `/gordo/v0/<gordo_project>/<gordo_name>/...`.
    static member FlaskPath(template: string) : string =
        template
            .Replace("{project}", "<gordo_project>")
            .Replace("{model}", "<gordo_name>")
            .Replace("{revision}", "<revision>")

    member private _.Values(ctx: HttpContext) : string[] =
        let route (key: string) =
            match ctx.Request.RouteValues.TryGetValue key with
            | true, v when not (isNull v) -> string v
            | _ -> ""

        let path =
            match ctx.GetEndpoint() with
            | :? RouteEndpoint as e -> ServerMetrics.FlaskPath e.RoutePattern.RawText
            | _ -> ""

        let status = string ctx.Response.StatusCode

        match config.Project with
        | Some p -> [| config.Version; p; route "model"; ctx.Request.Method; path; status |]
        | None -> [|
            config.Version
            route "model"
            route "project"
            ctx.Request.Method
            path
            status
          |]

    /// The middleware that times and counts requests.
    member this.Middleware (ctx: HttpContext) (next: RequestDelegate) : Task =
        let path = ctx.Request.Path.Value.TrimEnd '/'

        if path = "/healthcheck" || path = "/metrics" then
            next.Invoke ctx
        else
            task {
                let watch = Stopwatch.StartNew()

                try
                    do! next.Invoke ctx
                finally
                    let values = this.Values ctx
                    duration.WithLabels(values).Observe watch.Elapsed.TotalSeconds
                    requests.WithLabels(values).Inc()
            }

    /// `GET /metrics`: the registry in Prometheus' text format.
    member _.Export(ctx: HttpContext) : Task =
        ctx.Response.ContentType <- "text/plain; version=0.0.4; charset=utf-8"
        registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted)
