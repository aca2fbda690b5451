namespace Gordo.Data

open Gordo.Core

open System
open System.Net
open System.Net.Http
open System.Text.Json
open System.Text.RegularExpressions
open System.Threading
open Gordo.Core.Config

/// Where and how to reach an InfluxDB 1.x server.
type InfluxConnection = {
    /// Base URL, e.g. `http://127.0.0.1:8086/optional-path`.
    BaseUrl: string
    /// Database name.
    Database: string
    /// User name (empty for none).
    User: string
    /// Password.
    Password: string
    /// Extra header carrying an API key (`api_key_header: api_key`), if any.
    ApiKey: (string * string) option
    /// Per-request timeout.
    Timeout: TimeSpan
}

/// InfluxDB connection strings.
[<RequireQualifiedAccess>]
module InfluxUri =

    let private pattern =
        Regex(
            @"^(?:(?<scheme>https?)://)?(?<user>[^:@/]*):(?<pw>[^@]*)@(?<host>[^:/@]+):(?<port>\d+)(?<path>/.*)?/(?<db>[^/]+)$"
        )

    /// Parses Gordo's `uri` format `<user>:<password>@<host>:<port>/<optional-path>/<db>` (an
    /// optional `http://`/`https://` prefix picks the scheme; with an API key the default is https).
    let tryParse (uri: string) (apiKey: (string * string) option) : Result<InfluxConnection, string> =
        let m = pattern.Match(if isNull uri then "" else uri.Trim())

        if not m.Success then
            Error(
                sprintf
                    "'%s' is not <user>:<password>@<host>:<port>/<optional-path>/<db>, e.g. me:secret@localhost:8086/sensors"
                    uri
            )
        else
            let scheme =
                if m.Groups.["scheme"].Success then
                    m.Groups.["scheme"].Value
                elif apiKey.IsSome then
                    "https"
                else
                    "http"

            Ok {
                BaseUrl =
                    sprintf
                        "%s://%s:%s%s"
                        scheme
                        m.Groups.["host"].Value
                        m.Groups.["port"].Value
                        m.Groups.["path"].Value
                Database = m.Groups.["db"].Value
                User = m.Groups.["user"].Value
                Password = m.Groups.["pw"].Value
                ApiKey = apiKey
                Timeout = TimeSpan.FromSeconds 30.0
            }

/// `InfluxDataProvider(measurement, value_name="Value", api_key=None, api_key_header=None,
/// uri=None, ...)`: one InfluxQL query per tag,
/// `SELECT "<value_name>" AS "<tag>" FROM "<measurement>" WHERE ("tag" =~ /^<tag>$/) AND time >= <start>s AND time <= <end>s`
/// (regex characters in the tag name are escaped, unlike Gordo, so `.` matches only a dot).
type internal InfluxDataProvider(connection: InfluxConnection, measurement: string, valueName: string) =

    static let client = new HttpClient(Timeout = Threading.Timeout.InfiniteTimeSpan)

    static let escapeRegex (s: string) =
        Regex.Replace(s, @"[\\^$.|?*+()\[\]{}/]", fun m -> "\\" + m.Value)

    static let quoteIdent (s: string) = "\"" + s.Replace("\"", "\\\"") + "\""

    /// The canonical class path.
    static member TypeName = "gordo_core.data_providers.providers.InfluxDataProvider"

    /// The InfluxQL query for one tag (epoch seconds, both ends inclusive).
    member _.Query (start: DateTimeOffset) (finish: DateTimeOffset) (tag: string) : string =
        sprintf
            "SELECT %s AS %s FROM %s WHERE (\"tag\" =~ /^%s$/) AND time >= %ds AND time <= %ds"
            (quoteIdent valueName)
            (quoteIdent tag)
            (quoteIdent measurement)
            (escapeRegex tag)
            (start.ToUnixTimeSeconds())
            (finish.ToUnixTimeSeconds())

    member private _.Endpoint =
        connection.BaseUrl + " (database " + connection.Database + ")"

    member private this.Send (query: string) (cancel: CancellationToken) =
        task {
            let url =
                sprintf
                    "%s/query?db=%s&epoch=ns&q=%s"
                    connection.BaseUrl
                    (Uri.EscapeDataString connection.Database)
                    (Uri.EscapeDataString query)

            use request = new HttpRequestMessage(HttpMethod.Get, url)

            if connection.User <> "" then
                let raw = Text.Encoding.UTF8.GetBytes(connection.User + ":" + connection.Password)
                request.Headers.Authorization <- Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String raw)

            connection.ApiKey
            |> Option.iter (fun (h, k) -> request.Headers.TryAddWithoutValidation(h, k) |> ignore)

            use timeout = CancellationTokenSource.CreateLinkedTokenSource cancel
            timeout.CancelAfter connection.Timeout

            try
                use! response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                let! body = PooledBody.ReadAsync(response.Content, timeout.Token)
                return Ok(response.StatusCode, body)
            with
            | :? HttpRequestException as e -> return Error(ProviderError.Unreachable(this.Endpoint, e.Message))
            // The body is read after the headers: a connection lost in it fails here.
            | :? IO.IOException as e -> return Error(ProviderError.Unreachable(this.Endpoint, e.Message))
            | :? OperationCanceledException when not cancel.IsCancellationRequested ->
                return Error(ProviderError.Unreachable(this.Endpoint, sprintf "no answer within %O" connection.Timeout))
        }

    member private this.Parse (tag: string) (status: HttpStatusCode, body: PooledBody) : Result<Frame, ProviderError> =
        use body = body
        let text () = Text.Encoding.UTF8.GetString body.Span

        if status = HttpStatusCode.Unauthorized || status = HttpStatusCode.Forbidden then
            Error(ProviderError.Unauthorized(this.Endpoint, text().Trim()))
        else
            try
                match InfluxReply.read body.Memory with
                | InfluxAnswer.Failed e -> Error(ProviderError.BadResponse(this.Endpoint, e))
                | _ when int status >= 300 -> Error(ProviderError.BadResponse(this.Endpoint, text ()))
                | InfluxAnswer.Points(ticks, values) ->
                    let f = Frame.ofUnsorted TimeSpan.Zero tag ticks values
                    Ok(Frame.filterRows (f.Data.[0] |> Array.map (Double.IsNaN >> not)) f)
            with :? JsonException as e ->
                Error(
                    ProviderError.BadResponse(
                        this.Endpoint,
                        sprintf "not JSON (%s): %s" e.Message (let t = text () in t.Substring(0, min 200 t.Length))
                    )
                )

    interface IDataProvider with
        member _.TypeName = InfluxDataProvider.TypeName

        member this.LoadAsync(start, finish, tags, cancel) =
            task {
                let mutable out = Ok []

                for t in tags do
                    match out with
                    | Error _ -> ()
                    | Ok frames ->
                        let! answer = this.Send (this.Query start finish t.Name) cancel
                        out <- answer |> Result.bind (this.Parse t.Name) |> Result.map (fun f -> f :: frames)

                return out |> Result.map List.rev
            }
