namespace Gordo.Client

open System
open System.Net.Http
open System.Net.Http.Headers
open System.Text.Json
open System.Threading
open System.Threading.Tasks

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
    static let check (scoring: bool) (url: string) (resp: HttpResponseMessage) : Task<byte[]> =
        task {
            let! body = resp.Content.ReadAsByteArrayAsync()
            let code = int resp.StatusCode

            let text () =
                let t = Text.Encoding.UTF8.GetString(body).Trim()
                if t.Length > 300 then t.Substring(0, 300) + "..." else t

            if code >= 200 && code < 300 then
                return body
            elif code = 410 then
                return raise (ResourceGoneException(url, text ()))
            elif code = 422 && scoring then
                return raise (NotAnomalyDetectorException(text ()))
            elif code >= 500 then
                return raise (TransientException $"%s{url} answered %d{code}: %s{text ()}")
            elif code = 404 then
                return raise (BadRequestException(code, $"Not found: %s{url}: %s{text ()}"))
            else
                return raise (BadRequestException(code, $"%s{url} answered %d{code}: %s{text ()}"))
        }

    let retried (cancel: CancellationToken) (make: unit -> HttpRequestMessage) : Task<byte[] * string> =
        Retry.run options.Retries options.BackoffBase cancel (fun () ->
            task {
                use req = prepare (make ())
                let url = string req.RequestUri
                use! resp = http.SendAsync(req, cancel)
                let! body = check (req.Method = HttpMethod.Post) url resp

                let media =
                    resp.Content.Headers.ContentType |> Option.ofObj |> Option.map _.MediaType

                return body, defaultArg media ""
            })

    let getJson (path: string) (cancel: CancellationToken) : Task<JsonElement> =
        task {
            let! body, _ = retried cancel (fun () -> new HttpRequestMessage(HttpMethod.Get, root + path))
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
            let! body, _ =
                retried cancel (fun () -> new HttpRequestMessage(HttpMethod.Get, root + $"/%s{name}/download-model"))

            return body
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

            let! body, media =
                retried cancel (fun () -> new HttpRequestMessage(HttpMethod.Post, url, Content = content ()))

            match media with
            | "application/json" ->
                match PredictionTable.ofJsonBytes body with
                | Ok t -> return t
                | Error e -> return raise (BadRequestException(200, $"%s{url}: unreadable JSON reply: %s{e}"))
            | "application/octet-stream"
            | "application/x-tar" ->
                match PredictionTable.ofParquet body with
                | Ok t -> return t
                | Error e -> return raise (BadRequestException(200, $"%s{url}: unreadable Parquet reply: %s{e}"))
            | other -> return raise (BadRequestException(200, $"%s{url}: unexpected reply type '%s{other}'"))
        }

    /// The JSON media type header value.
    static member JsonType: MediaTypeHeaderValue = MediaTypeHeaderValue("application/json")
