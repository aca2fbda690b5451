namespace Gordo.Server

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http

/// Browser protections on every reply: no MIME sniffing, no framing, and for HTML a content
/// security policy (the error pages load nothing; the project page its own script, style sheet
/// and plotly.js from this server; Swagger UI its own scripts and styles and inline styles).
[<RequireQualifiedAccess>]
module internal SecurityHeaders =
    /// The policy of the server's error pages: no scripts, styles, images or forms at all.
    [<Literal>]
    let PagePolicy =
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The policy of the project page: scripts and styles from this server only (no inline
    /// script, no eval, no inline style element; plotly.js writes its rules into the page's own
    /// style sheet), nothing else loaded, no requests made.
    [<Literal>]
    let ProjectPagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The project page's path (also below a host's prefix).
    let private projectPage =
        Text.RegularExpressions.Regex(@"/gordo/v0/[^/]+/?$", Text.RegularExpressions.RegexOptions.Compiled)

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
                elif ctx.Response.StatusCode = 200 && projectPage.IsMatch ctx.Request.Path.Value then
                    ProjectPagePolicy
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
