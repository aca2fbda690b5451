module Gordo.Tests.Server.HostileInputTests

open System
open System.IO
open System.Net.Sockets
open System.Text
open System.Text.Json
open System.Threading
open Expecto
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.Logging
open Gordo.Data
open Gordo.Models.Artifacts
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

/// What a raw request got back: status, headers (lower-case names) and body bytes.
type private RawReply = {
    Status: int
    Headers: Map<string, string>
    Body: byte[]
}

/// The collection directory of the shared test models plus `corrupt`: a model whose artifact
/// files are overwritten with garbage (its metadata.json is intact).
let private hostileModels =
    lazy
        (let dir = createModels ()
         let corrupt = Path.Combine(dir, "corrupt")
         Artifact.save corrupt (scaler ()) (metadata "corrupt")

         for file in Directory.GetFiles(corrupt) do
             if Path.GetFileName file <> "metadata.json" then
                 File.WriteAllBytes(file, "not a model"B)

         dir)

/// Kestrel on a free loopback port with the production request limits and a small body limit.
let private server =
    lazy
        (let config = {
            config hostileModels.Value with
                MaxBodyBytes = 1024L * 1024L
         }

         let app =
             App.create config (fun b ->
                 b.WebHost.UseUrls "http://127.0.0.1:0" |> ignore
                 b.Logging.ClearProviders() |> ignore)

         app.StartAsync().Wait()
         Uri(app.Urls |> Seq.head))

let private indexOf (haystack: byte[]) (needle: byte[]) =
    let span = ReadOnlySpan haystack
    span.IndexOf(ReadOnlySpan needle)

/// Parses a full HTTP/1.1 response read until the server closed the connection.
let private parse (bytes: byte[]) : RawReply =
    let split = indexOf bytes "\r\n\r\n"B

    if split < 0 then
        failtestf "no complete response head in %d bytes: %s" bytes.Length (Encoding.ASCII.GetString bytes)

    let head = Encoding.ASCII.GetString(bytes, 0, split).Split "\r\n"

    let headers =
        head.[1..]
        |> Array.map (fun line ->
            let colon = line.IndexOf ':'
            line.[.. colon - 1].ToLowerInvariant(), line.[colon + 1 ..].Trim())
        |> Map.ofArray

    {
        Status = int (head.[0].Split ' ').[1]
        Headers = headers
        Body = bytes.[split + 4 ..]
    }

/// Sends raw request bytes (in pieces, `pause` apart) on a new connection and reads the reply
/// until the server closes it (requests say `Connection: close`).
let private sendPieces (pieces: byte[] list) (pause: TimeSpan) : RawReply =
    let uri = server.Value
    use tcp = new TcpClient()
    tcp.ReceiveTimeout <- 30000
    tcp.Connect(uri.Host, uri.Port)
    use stream = tcp.GetStream()

    for piece in pieces do
        try
            stream.Write(piece, 0, piece.Length)
            stream.Flush()
            Thread.Sleep pause
        with :? IOException ->
            () // the server may answer and close before the request is complete

    use reply = new MemoryStream()

    try
        stream.CopyTo reply
    with :? IOException ->
        ()

    parse (reply.ToArray())

let private send (request: byte[]) = sendPieces [ request ] TimeSpan.Zero

/// A request head (with `Connection: close`) plus a body with its Content-Length.
let private request (method: string) (target: string) (headers: (string * string) list) (body: byte[]) : byte[] =
    let head = StringBuilder()

    head.Append($"%s{method} %s{target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n")
    |> ignore

    for name, value in headers do
        head.Append($"%s{name}: %s{value}\r\n") |> ignore

    if body.Length > 0 || method = "POST" then
        head.Append($"Content-Length: %d{body.Length}\r\n") |> ignore

    head.Append("\r\n") |> ignore
    Array.append (Encoding.Latin1.GetBytes(head.ToString())) body

/// A request whose head is given as raw bytes (e.g. a header value in UTF-8 or with a control
/// character).
let private rawHead (head: byte[]) : byte[] =
    Array.concat [
        "GET /gordo/v0/proj/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"B
        head
        "\r\n"B
    ]

let private prediction = "/gordo/v0/proj/scaler/prediction"

/// Bytes 0..255 written as `\xNN` escapes in a string.
let private latin1 (text: string) = Encoding.Latin1.GetBytes text

let private json (body: byte[]) =
    request "POST" prediction [ "Content-Type", "application/json" ] body

let private multipart (boundary: string option) (body: byte[]) =
    let contentType =
        match boundary with
        | Some b -> $"multipart/form-data; boundary=%s{b}"
        | None -> "multipart/form-data"

    request "POST" prediction [ "Content-Type", contentType ] body

let private part (name: string) (bytes: byte[]) =
    Array.concat [
        Encoding.ASCII.GetBytes(
            $"--b\r\nContent-Disposition: form-data; name=\"%s{name}\"; filename=\"%s{name}.parquet\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        bytes
        "\r\n"B
    ]

/// Four training rows as a Parquet file with its last 16 bytes (footer length and magic)
/// overwritten.
let private corruptTailParquet () =
    use stream = new MemoryStream()

    ParquetIO.writeColumns
        stream
        []
        (tags
         |> Array.mapi (fun j tag -> tag, WriteColumn.Numbers(Array.init 4 (fun i -> data.[i, j])))
         |> List.ofArray)

    let bytes = stream.ToArray()
    Array.fill bytes (bytes.Length - 16) 16 0x5Auy
    bytes

/// One row of the table: what is sent and what must come back.
type private Case = {
    Name: string
    Send: unit -> RawReply
    Status: int
    Body: Expected
}

/// The body a case must get back.
and private Expected =
    /// A JSON object with an `error` or `message` key.
    | JsonError
    /// Gordo's (Flask's) HTML error page, kept for compatibility (404, 422 of model names).
    | HtmlPage
    /// Nothing: Kestrel rejects a malformed request head before the application runs.
    | NoBody

let private case name status send = {
    Name = name
    Send = send
    Status = status
    Body = JsonError
}

let private kestrel name status send = {
    case name status send with
        Body = NoBody
}

let private cases: Case list = [
    case "revision query with non-ASCII letters" 410 (fun () ->
        send (request "GET" "/gordo/v0/proj/models?revision=12%C3%A93" [] [||]))
    case "revision query with Unicode digits (Arabic-Indic)" 410 (fun () ->
        send (request "GET" "/gordo/v0/proj/models?revision=%D9%A1%D9%A2%D9%A3" [] [||]))
    case "revision query with fullwidth digits on a model route" 410 (fun () ->
        send (request "GET" "/gordo/v0/proj/scaler/metadata?revision=%EF%BC%91%EF%BC%92" [] [||]))
    case "revision query with control characters" 410 (fun () ->
        send (request "GET" "/gordo/v0/proj/models?revision=1%0D%0ASet-Cookie:%20x%01" [] [||]))
    case "revision query with a path" 410 (fun () ->
        send (request "GET" "/gordo/v0/proj/models?revision=..%2F..%2Fetc" [] [||]))
    case "revision query of 4,000 digits" 410 (fun () ->
        send (request "GET" ("/gordo/v0/proj/models?revision=" + String('7', 4_000)) [] [||]))
    kestrel "revision query of 100,000 digits (request line over Kestrel's limit)" 414 (fun () ->
        send (request "GET" ("/gordo/v0/proj/models?revision=" + String('7', 100_000)) [] [||]))
    case "revision header with UTF-8 (Devanagari digits)" 410 (fun () ->
        send (rawHead (Array.append "revision: "B (Encoding.UTF8.GetBytes "\u0967\u0968\r\n"))))
    case "revision header with a tab" 410 (fun () -> send (rawHead "revision: 1\t2\r\n"B))
    case "revision header with a control character" 410 (fun () -> send (rawHead "revision: 1\x01\x1b[2J\r\n"B))
    kestrel "revision header with a Latin-1 byte" 400 (fun () -> send (rawHead (latin1 "revision: 1\xE92\r\n")))
    case "JSON with NaN and a syntax error" 400 (fun () -> send (json "{\"X\": [[NaN, 1, 2, 3]]"B))
    case "JSON with NaN and a trailing comma" 400 (fun () -> send (json "{\"X\": [[NaN, 1, 2, 3],]}"B))
    case "JSON with invalid UTF-8 in a key (pandas dict)" 400 (fun () ->
        send (
            json (
                latin1
                    "{\"X\": {\"tag-a\xFF\": {\"0\": 1}, \"tag-b\": {\"0\": 1}, \"tag-c\": {\"0\": 1}, \"tag-d\": {\"0\": 1}}}"
            )
        ))
    case "JSON with invalid UTF-8 in a row key" 400 (fun () ->
        send (
            json (
                latin1
                    "{\"X\": {\"tag-a\": {\"\xC0\x80\": 1}, \"tag-b\": {\"0\": 1}, \"tag-c\": {\"0\": 1}, \"tag-d\": {\"0\": 1}}}"
            )
        ))
    case "JSON with invalid UTF-8 in the top-level key" 400 (fun () ->
        send (json (latin1 "{\"\xFE\": 1, \"X\": [[1, 2, 3, 4]]}")))
    case "JSON nested 10,000 deep" 400 (fun () ->
        send (json (Encoding.ASCII.GetBytes("{\"X\": " + String('[', 10_000) + String(']', 10_000) + "}"))))
    case "Parquet with a corrupted tail" 400 (fun () ->
        send (multipart (Some "b") (Array.append (part "X" (corruptTailParquet ())) "--b--\r\n"B)))
    case "Parquet with a corrupted footer" 400 (fun () ->
        let bytes = corruptTailParquet ()

        let file =
            Array.append (Array.create (bytes.Length - 16) 0x5Auy) bytes.[bytes.Length - 16 ..]

        Array.blit "PAR1"B 0 file 0 4
        Array.blit "PAR1"B 0 file (file.Length - 4) 4
        send (multipart (Some "b") (Array.append (part "X" file) "--b--\r\n"B)))
    case "multipart with a boundary over 70 characters" 400 (fun () ->
        send (multipart (Some(String('b', 100))) (part "X" "x"B)))
    case "multipart without a boundary" 400 (fun () -> send (multipart None (part "X" "x"B)))
    case "multipart truncated" 400 (fun () -> send (multipart (Some "b") (part "X" (corruptTailParquet ())).[..40]))
    case "multipart with 1,025 parts" 400 (fun () ->
        let parts = [ for i in 1..1025 -> part $"p%d{i}" "1"B ]
        send (multipart (Some "b") (Array.concat (parts @ [ "--b--\r\n"B ]))))
    case "body over MAX_REQUEST_BODY_MB" 413 (fun () -> send (json (Array.create (2 * 1024 * 1024) (byte ' '))))
    case "body sent slower than the minimum data rate" 408 (fun () ->
        let body = Array.create 4000 (byte ' ')
        let head = json body |> fun r -> r.[.. r.Length - body.Length - 1]
        sendPieces (head :: [ for _ in 1..8 -> body.[..9] ]) (TimeSpan.FromSeconds 1.0))
    kestrel "header flood (200 headers of 1 KB)" 431 (fun () ->
        send (request "GET" "/gordo/v0/proj/models" [ for i in 1..200 -> $"x-flood-%d{i}", String('a', 1024) ] [||]))
    kestrel "header line without a colon" 400 (fun () -> send (rawHead "no colon here\r\n"B))
    {
        case "path traversal in the model name" 422 (fun () ->
            send (request "GET" "/gordo/v0/proj/..%2F..%2Fetc/metadata" [] [||])) with
            Body = HtmlPage
    }
    {
        case "Unicode digits in the model name" 422 (fun () ->
            send (request "GET" "/gordo/v0/proj/scaler%D9%A1/metadata" [] [||])) with
            Body = HtmlPage
    }
    case "path traversal in the DELETE revision" 422 (fun () ->
        send (request "DELETE" "/gordo/v0/proj/scaler/revision/..%2F111" [] [||]))
]

/// The corrupt model: a 500 whose message names no absolute path.
let private corruptModel () =
    let reply = send (request "GET" "/gordo/v0/proj/corrupt/download-model" [] [||])
    let text = Encoding.UTF8.GetString reply.Body
    Expect.equal reply.Status 500 text
    Expect.isFalse (text.Contains hostileModels.Value) $"the reply names the model directory: %s{text}"
    Expect.isFalse (text.Contains(Path.GetTempPath())) $"the reply names a temporary path: %s{text}"
    let body = JsonDocument.Parse(text).RootElement
    Expect.stringContains (body.GetProperty("error").GetString()) "corrupt" "names the model"

let private healthy () =
    let reply = send (request "GET" "/healthcheck" [] [||])
    Expect.equal reply.Status 200 "healthcheck after the hostile request"

let private check (c: Case) =
    let reply = c.Send()
    let text = Encoding.UTF8.GetString reply.Body
    Expect.equal reply.Status c.Status $"status; body: %s{text}"

    let contentType = reply.Headers.TryFind "content-type" |> Option.defaultValue ""

    match c.Body with
    | NoBody -> Expect.equal reply.Body.Length 0 "no body"
    | HtmlPage -> Expect.stringStarts contentType "text/html" text
    | JsonError ->
        Expect.stringStarts contentType "application/json" text
        let body = JsonDocument.Parse(text).RootElement
        Expect.equal body.ValueKind JsonValueKind.Object text

        let message =
            body.EnumerateObject()
            |> Seq.tryFind (fun p -> p.Name = "error" || p.Name = "message")

        Expect.isSome message $"a message or error key: %s{text}"

    healthy ()

let private headersOf (target: string) =
    let reply = send (request "GET" target [] [||])
    Expect.isFalse (reply.Headers.ContainsKey "server") $"no Server header on %s{target}"
    Expect.equal (reply.Headers.TryFind "x-content-type-options") (Some "nosniff") target
    Expect.equal (reply.Headers.TryFind "x-frame-options") (Some "DENY") target
    reply.Status, reply.Headers.TryFind "content-security-policy"

let private securityTests =
    testList "security headers" [
        test "the HTML error pages: a policy that loads nothing and forbids framing" {
            for target, status in [ "/gordo/v0/proj/nope/metadata", 404; "/gordo/v0/proj/_page/nope.js", 404 ] do
                let got, policy = headersOf target
                Expect.equal got status target
                Expect.equal policy (Some SecurityHeaders.PagePolicy) target
                Expect.stringContains policy.Value "frame-ancestors 'none'" target
        }
        test "the project page: only its own scripts and style sheets, no inline script, no framing" {
            for target in [ "/gordo/v0/proj/"; "/gordo/v0/proj" ] do
                let got, policy = headersOf target
                Expect.equal got 200 target
                Expect.equal policy (Some SecurityHeaders.ProjectPagePolicy) target
                Expect.stringContains policy.Value "script-src 'self';" target
                Expect.isFalse (policy.Value.Contains "unsafe") target
                Expect.stringContains policy.Value "frame-ancestors 'none'" target

            let status, policy = headersOf "/gordo/v0/proj/_page/page.js"
            Expect.equal status 200 "the page's script"
            Expect.isNone policy "no page policy on a script"
        }
        test "Swagger UI: its own scripts and styles only" {
            let status, policy = headersOf "/swagger/index.html"
            Expect.equal status 200 "swagger"
            Expect.equal policy (Some SecurityHeaders.SwaggerPolicy) "swagger"
        }
        test "JSON replies (also errors and the OpenAPI document): nosniff, no page policy" {
            for target in
                [
                    "/gordo/v0/proj/models"
                    "/gordo/v0/proj/models?revision=x"
                    "/openapi/v1.json"
                ] do
                Expect.isNone (snd (headersOf target)) target
        }
    ]

[<Tests>]
let tests =
    testList "Server.Hostile" [
        testList "input table" [ for c in cases -> test c.Name { check c } ]
        securityTests
        test "a corrupt model file: 500 without absolute paths, server still healthy" {
            corruptModel ()
            healthy ()
        }
    ]
