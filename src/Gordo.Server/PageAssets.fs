namespace Gordo.Server

open System
open System.IO
open System.Reflection
open System.Security.Cryptography

/// The static files of the project page, served below `/gordo/v0/{project}/_page/` with the
/// page's access rules: its style sheet, its script, and plotly.js (the copy embedded in the
/// Plotly.NET assembly, as `report.html` uses it), so the page loads nothing from elsewhere.
[<RequireQualifiedAccess>]
module internal PageAssets =
    /// The path segment of the files below the project's URL.
    [<Literal>]
    let Segment = "_page"

    let private read (assembly: Assembly) (name: string) : byte[] =
        use stream = assembly.GetManifestResourceStream name

        if isNull stream then
            invalidOp $"the assembly %s{assembly.GetName().Name} has no embedded %s{name}"

        use copy = new MemoryStream()
        stream.CopyTo copy
        copy.ToArray()

    let private plotly () =
        let assembly = typeof<Plotly.NET.GenericChart>.Assembly

        match
            assembly.GetManifestResourceNames()
            |> Array.tryFind (fun n -> n.EndsWith(".min.js", StringComparison.Ordinal))
        with
        | Some name -> read assembly name
        | None -> invalidOp "the Plotly.NET assembly has no embedded plotly.js"

    let private own (name: string) =
        read typeof<RecentScores>.Assembly ("Gordo.Server.Page." + name)

    /// A file's bytes, content type and ETag (a digest of the bytes, so a new build's file is
    /// fetched again).
    let private asset (bytes: byte[]) (contentType: string) =
        let digest =
            Convert.ToHexString(SHA256.HashData bytes).Substring(0, 16).ToLowerInvariant()

        bytes, contentType, $"\"%s{digest}\""

    let private files =
        lazy
            (Map.ofList [
                "plotly.min.js", asset (plotly ()) "text/javascript; charset=utf-8"
                "page.js", asset (own "page.js") "text/javascript; charset=utf-8"
                "page.css", asset (own "page.css") "text/css; charset=utf-8"
            ])

    /// `GET /gordo/v0/{project}/_page/{file}`.
    let handler (ctx: RequestContext) : Reply =
        match ctx.Route "file" |> Option.bind files.Value.TryFind with
        | Some(bytes, contentType, etag) -> {
            Status = 200
            Body = Body.Asset(bytes, contentType, etag)
          }
        | None -> Reply.html 404 "Not Found" "No such file of the project page"
