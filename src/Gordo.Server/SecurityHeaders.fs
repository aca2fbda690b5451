namespace Gordo.Server

open System.Threading.Tasks
open Microsoft.AspNetCore.Http

/// Browser protections on every reply: no MIME sniffing, no framing, and for HTML a content
/// security policy (the index and error pages load nothing; Swagger UI loads its own scripts
/// and styles and sets inline styles).
[<RequireQualifiedAccess>]
module internal SecurityHeaders =
    /// The policy of the server's own pages: no scripts, styles, images or forms at all.
    [<Literal>]
    let PagePolicy =
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The policy of Swagger UI: its files from this server, inline styles, data: images.
    [<Literal>]
    let SwaggerPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    let private add (ctx: HttpContext) =
        let headers = ctx.Response.Headers
        headers.XContentTypeOptions <- "nosniff"
        headers.XFrameOptions <- "DENY"

        if (string ctx.Response.ContentType).StartsWith "text/html" then
            headers.ContentSecurityPolicy <-
                if ctx.Request.Path.StartsWithSegments(PathString OpenApiDocs.UiPath) then
                    SwaggerPolicy
                else
                    PagePolicy

        Task.CompletedTask

    /// Adds the headers when the reply starts (its content type is known then).
    let register (ctx: HttpContext) : unit =
        ctx.Response.OnStarting(fun () -> add ctx)

    /// The middleware form of `register`.
    let middleware (ctx: HttpContext) (next: RequestDelegate) : Task =
        register ctx
        next.Invoke ctx
