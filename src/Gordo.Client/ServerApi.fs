namespace Gordo.Client

open System
open System.Net.Http
open System.Net.Http.Headers
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Gordo.Data

/// A definite answer that is not a success: 404 and other 4xx (recorded, not retried).
exception BadRequestException of status: int * message: string

/// The server switched this model to plain prediction (422: not an anomaly detector).
exception NotAnomalyDetectorException of message: string

/// The HTTP calls of spec §8.1 against one server and project.
type ServerApi(options: ClientOptions, http: HttpClient) =
    let root = ClientOptions.baseUrl options

    let prepare (req: HttpRequestMessage) =
        for k, v in options.Headers do
            req.Headers.TryAddWithoutValidation(k, v) |> ignore

        req

    /// Classifies an answer: 2xx returned; 410 aborts; 422 marks a non-anomaly model; other 4xx
    /// are definite failures; 5xx are transient.
    static let check (scoring: bool) (url: string) (resp: HttpResponseMessage) (body: PooledBody) : unit =
        let code = int resp.StatusCode

        let text () =
            let t = Text.Encoding.UTF8.GetString(body.Span).Trim()
            if t.Length > 300 then t.Substring(0, 300) + "..." else t

        if code >= 200 && code < 300 then
            ()
        elif code = 410 then
            raise (ResourceGoneException(url, text ()))
        elif code = 422 && scoring then
            raise (NotAnomalyDetectorException(text ()))
        elif code >= 500 then
            raise (TransientException $"%s{url} answered %d{code}: %s{text ()}")
        elif code = 404 then
            raise (BadRequestException(code, $"Not found: %s{url}: %s{text ()}"))
        else
            raise (BadRequestException(code, $"%s{url} answered %d{code}: %s{text ()}"))

    /// The body of an answer, read within the client's timeout (HttpClient's own covers only the
    /// headers when they are read first) into a pooled array: the scoring replies are large.
    let readBody (resp: HttpResponseMessage) (cancel: CancellationToken) : Task<PooledBody> =
        task {
            use timeout = CancellationTokenSource.CreateLinkedTokenSource cancel
            timeout.CancelAfter http.Timeout

            try
                return! PooledBody.ReadAsync(resp.Content, timeout.Token)
            with :? OperationCanceledException when not cancel.IsCancellationRequested ->
                return raise (TimeoutException "the request timed out")
        }

    /// Sends a request (again after transient failures) and reads its answer's body and media
    /// type with `read` (while the body's pooled array is still the body's).
    let retried
        (cancel: CancellationToken)
        (make: unit -> HttpRequestMessage)
        (read: PooledBody -> string -> 'T)
        : Task<'T> =
        Retry.run options.Retries options.BackoffBase cancel (fun () ->
            task {
                use req = prepare (make ())
                let url = string req.RequestUri
                use! resp = http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cancel)
                use! body = readBody resp cancel
                check (req.Method = HttpMethod.Post) url resp body

                let media =
                    resp.Content.Headers.ContentType |> Option.ofObj |> Option.map _.MediaType

                return read body (defaultArg media "")
            })

    let getJson (path: string) (cancel: CancellationToken) : Task<JsonElement> =
        task {
            let! body =
                retried cancel (fun () -> new HttpRequestMessage(HttpMethod.Get, root + path)) (fun b _ -> b.ToArray())

            return JsonDocument.Parse(body).RootElement
        }

    /// The base URL `<scheme>://<host>:<port>/gordo/v0/<project>`.
    member _.BaseUrl: string = root

    /// GET `/revisions`: the latest revision and every available one.
    member _.RevisionsAsync(cancel: CancellationToken) : Task<string * string list> =
        task {
            let! r = getJson "/revisions" cancel
            let latest = r.GetProperty("latest").GetString()

            let all =
                match r.TryGetProperty "available-revisions" with
                | true, a -> [ for x in a.EnumerateArray() -> x.GetString() ]
                | _ -> [ latest ]

            return latest, all
        }

    /// GET `/models?revision=<r>`: the machine names of a revision.
    member _.MachinesAsync(revision: string, cancel: CancellationToken) : Task<string list> =
        task {
            let! r = getJson ("/models?revision=" + Uri.EscapeDataString revision) cancel
            return [ for m in r.GetProperty("models").EnumerateArray() -> m.GetString() ]
        }

    /// GET `/<name>/metadata?revision=<r>`: the `metadata` member of the reply.
    member _.MetadataAsync(name: string, revision: string, cancel: CancellationToken) : Task<JsonElement> =
        task {
            let! r = getJson ($"/%s{name}/metadata?revision=" + Uri.EscapeDataString revision) cancel
            return r.GetProperty "metadata"
        }

    /// GET `/<name>/download-model`: the artifact bytes.
    member _.DownloadModelAsync(name: string, cancel: CancellationToken) : Task<byte[]> =
        task {
            return!
                retried
                    cancel
                    (fun () -> new HttpRequestMessage(HttpMethod.Get, root + $"/%s{name}/download-model"))
                    (fun b _ -> b.ToArray())
        }

    /// POST one chunk to `/<name>/anomaly/prediction` (or `/prediction`); the parsed table.
    member _.PredictAsync
        (name: string, revision: string, anomaly: bool, content: unit -> HttpContent, cancel: CancellationToken)
        : Task<PredictionTable> =
        task {
            let route = if anomaly then "anomaly/prediction" else "prediction"
            let format = if options.UseParquet then "parquet" else "json"

            let url =
                $"%s{root}/%s{name}/%s{route}?format=%s{format}&revision=%s{Uri.EscapeDataString revision}"
                + (if options.AllColumns then "&all_columns=true" else "")
                + (if options.Quality then "&quality=true" else "")

            let! table =
                retried
                    cancel
                    (fun () -> new HttpRequestMessage(HttpMethod.Post, url, Content = content ()))
                    (fun body media ->
                        match media with
                        | "application/json" ->
                            PredictionTable.ofJsonMemory body.Memory
                            |> Result.mapError (fun e -> $"%s{url}: unreadable JSON reply: %s{e}")
                        | "application/octet-stream"
                        | "application/x-tar" ->
                            PredictionTable.ofParquetSegment body.Segment
                            |> Result.mapError (fun e -> $"%s{url}: unreadable Parquet reply: %s{e}")
                        | other -> Error $"%s{url}: unexpected reply type '%s{other}'")

            match table with
            | Ok t -> return t
            | Error e -> return raise (BadRequestException(200, e))
        }

    /// The JSON media type header value.
    static member JsonType: MediaTypeHeaderValue = MediaTypeHeaderValue("application/json")
