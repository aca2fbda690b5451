/// A scripted Gordo server on loopback (HttpListener) for the client's failure cases.
module Gordo.Tests.Client.FakeServer

open System
open System.Net
open System.Net.Sockets
open System.Text
open System.Threading

/// A free loopback port.
let freePort () =
    let listener = new TcpListener(IPAddress.Loopback, 0)
    listener.Start()
    let port = (listener.LocalEndpoint :?> IPEndPoint).Port
    listener.Stop()
    port

/// The metadata reply of one machine on RandomDataset (no data source needed).
let metadataReply (name: string) =
    $"""{{"metadata": {{"name": "%s{name}", "dataset": {{"type": "RandomDataset", "tag_list": ["TAG-1", "TAG-2"],
        "train_start_date": "2020-01-01T00:00:00+00:00", "train_end_date": "2020-01-02T00:00:00+00:00",
        "data_provider": {{"type": "RandomDataProvider", "min_size": 300, "max_size": 400}}}},
        "metadata": {{"build_metadata": {{"model": {{"model_offset": 0}}}}}}}}}}"""

/// A JSON prediction reply: one `model-output` column per tag, one row per given time.
let predictionReply (body: string) =
    let x = Json.JsonDocument.Parse(body).RootElement.GetProperty("X")
    let first = x.EnumerateObject() |> Seq.head
    let rows = [ for r in first.Value.EnumerateObject() -> r.Name ]

    let column tag =
        let cells = rows |> List.map (fun r -> $"\"%s{r}\": 1.5") |> String.concat ", "
        $"\"%s{tag}\": {{%s{cells}}}"

    $"""{{"data": {{"model-output": {{%s{column "TAG-1"}, %s{column "TAG-2"}}}}}, "revision": "1"}}"""

/// A server answering with `answer (method, path, body, count)` → (status, body); `count` is how
/// many requests reached that path before.
type Server(answer: string * string * string * int -> int * string) =
    let port = freePort ()
    let listener = new HttpListener()
    let counts = Collections.Concurrent.ConcurrentDictionary<string, int>()
    let headers = Collections.Concurrent.ConcurrentDictionary<string, string>()
    let stop = new CancellationTokenSource()

    do
        listener.Prefixes.Add $"http://127.0.0.1:%d{port}/"
        listener.Start()

        let rec serve () =
            async {
                let! ctx = listener.GetContextAsync() |> Async.AwaitTask

                let body =
                    use reader = new IO.StreamReader(ctx.Request.InputStream)
                    reader.ReadToEnd()

                let path = ctx.Request.Url.AbsolutePath

                for name in ctx.Request.Headers.AllKeys do
                    headers.[name.ToLowerInvariant()] <- ctx.Request.Headers.[name]

                let n = counts.AddOrUpdate(path, 0, fun _ c -> c + 1)
                let status, text = answer (ctx.Request.HttpMethod, path, body, n)
                let bytes = Encoding.UTF8.GetBytes text
                ctx.Response.StatusCode <- status
                ctx.Response.ContentType <- "application/json"
                ctx.Response.OutputStream.Write(bytes, 0, bytes.Length)
                ctx.Response.Close()
                return! serve ()
            }

        Async.Start(serve (), stop.Token)

    /// The port.
    member _.Port: int = port

    /// Requests seen on a path.
    member _.Count(path: string) : int =
        match counts.TryGetValue path with
        | true, c -> c + 1
        | _ -> 0

    /// The last value of a request header (any request).
    member _.Header(name: string) : string option =
        match headers.TryGetValue(name.ToLowerInvariant()) with
        | true, v -> Some v
        | _ -> None

    interface IDisposable with
        member _.Dispose() =
            stop.Cancel()
            listener.Stop()
            listener.Close()

/// The usual answers of a one-project server with machine `m-1`; `predict` answers the scoring.
let standard (predict: string * int -> int * string) (_: string, path: string, body: string, n: int) =
    match path with
    | "/gordo/v0/proj/revisions" -> 200, """{"latest": "1", "available-revisions": ["1"], "revision": "1"}"""
    | "/gordo/v0/proj/models" -> 200, """{"models": ["m-1"], "revision": "1"}"""
    | "/gordo/v0/proj/m-1/metadata" -> 200, metadataReply "m-1"
    | p when p.EndsWith "/prediction" -> predict (body, n)
    | _ -> 404, """{"message": "not found"}"""

/// `gordo client`'s group options for project `proj` on a loopback server at `port`.
let clientOptions (port: int) = [
    "client"
    "--project"
    "proj"
    "--host"
    "127.0.0.1"
    "--port"
    string port
    "--scheme"
    "http"
]
