namespace Gordo.Client

open System
open System.Buffers
open System.Globalization
open System.Net
open System.Net.Http
open System.Text
open System.Threading
open System.Threading.Tasks
open Gordo.Data

/// InfluxDB line protocol (1.x) for Gordo's forwarded points (spec §8.2), written as UTF-8 bytes.
[<RequireQualifiedAccess>]
module internal LineProtocol =
    let private escape (special: char[]) (s: string) =
        let b = StringBuilder(s.Length + 8)

        for c in s do
            if Array.contains c special || c = '\\' then
                b.Append('\\') |> ignore

            b.Append(c) |> ignore

        b.ToString()

    /// A measurement name (commas and spaces escaped).
    let measurement (s: string) : string = escape [| ','; ' ' |] s

    /// A tag key or value (commas, equals signs and spaces escaped).
    let tag (s: string) : string = escape [| ','; '='; ' ' |] s

    /// The `measurement,tags` prefix of a point.
    let series (name: string) (tags: (string * string) list) : string =
        let b = StringBuilder(measurement name)

        for k, v in tags |> List.sortBy fst do
            if v <> "" then
                b.Append(',').Append(tag k).Append('=').Append(tag v) |> ignore

        b.ToString()

    /// The bytes every point of a series starts with: `<series> sensor_value=`.
    let head (series: string) : byte[] =
        Encoding.UTF8.GetBytes(series + " sensor_value=")

    /// Nanoseconds since the epoch.
    let nanoseconds (utcTicks: int64) : int64 =
        (utcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100L

    /// Room a point needs after its head: a double, a space, an int64 (≤ 20 bytes), a newline.
    let private TailBytes = ShortestDouble.MaxLength + 22

    /// Room a point of any of these heads needs.
    let pointBytes (heads: byte[] seq) : int =
        TailBytes + (heads |> Seq.fold (fun m h -> max m h.Length) 0)

    /// The `" <ns>\n"` ending of each of `ticks.[rows.[k]]`, end to end, and where each starts
    /// (one offset more than rows): the series of a chunk share their row times, so each row's
    /// time is formatted once, not once per series.
    type Stamps = {
        Text: byte[]
        Starts: int[]
    } with

        /// The ending of the `k`-th kept row.
        member this.Row(k: int) : ReadOnlySpan<byte> =
            ReadOnlySpan(this.Text, this.Starts.[k], this.Starts.[k + 1] - this.Starts.[k])

    /// The stamps of the rows kept of a series' row times.
    let stamps (ticks: int64[]) (rows: int[]) : Stamps =
        let text = Array.zeroCreate<byte> (rows.Length * 22)
        let starts = Array.zeroCreate<int> (rows.Length + 1)
        let mutable at = 0

        for k in 0 .. rows.Length - 1 do
            starts.[k] <- at
            text.[at] <- byte ' '
            let mutable n = 0

            Text.Utf8Formatter.TryFormat(nanoseconds ticks.[rows.[k]], text.AsSpan(at + 1), &n)
            |> ignore

            text.[at + 1 + n] <- byte '\n'
            at <- at + n + 2

        starts.[rows.Length] <- at
        { Text = text; Starts = starts }

    /// Writes one point, `<head><value><stamp>`, at `at` (with `pointBytes` free) and returns
    /// where it ends: the value's shortest round-trip text (as .NET's `R`, with a lower-case `e`),
    /// into a plain array (no writer call per point).
    let writeAt (dest: byte[]) (at: int) (head: byte[]) (value: float) (stamp: ReadOnlySpan<byte>) : int =
        let span = dest.AsSpan at
        head.CopyTo span
        let digits = span.Slice(head.Length)
        let n = ShortestDouble.format value digits
        let magnitude = abs value

        // Only values below 1e-4 or from 1e17 on are written with an exponent (1e15: a margin).
        if magnitude < 1e-4 || magnitude >= 1e15 then
            let e = digits.Slice(0, n).IndexOf(byte 'E')

            if e >= 0 then
                digits.[e] <- byte 'e'

        stamp.CopyTo(digits.Slice n)
        at + head.Length + n + stamp.Length

    /// Rows kept: those without NaN or ±inf in any column (spec §8.2: ±inf → NaN, NaN rows
    /// dropped). Column by column, so that each column is read in order.
    let keptRows (columns: float[][]) (n: int) : int[] =
        let bad = Array.zeroCreate<bool> n

        for column in columns do
            for i in 0 .. n - 1 do
                if not (Double.IsFinite column.[i]) then
                    bad.[i] <- true

        let kept = ResizeArray<int>(n)

        for i in 0 .. n - 1 do
            if not bad.[i] then
                kept.Add i

        kept.ToArray()

    /// One series of points: its head, values, the kept rows and their time stamps (shared by
    /// the series of one chunk).
    type Series = {
        Head: byte[]
        Values: float[]
        Rows: int[]
        Stamps: Stamps
    }

    /// Writes the points of `series` from series `first`, kept row `row` on, into `buffer` from
    /// its start, until `limit` points are written or none is left; returns the bytes written and
    /// where the next point is (series index = `series.Length` once all are written).
    let private fill
        (series: Series[])
        (first: int)
        (row: int)
        (limit: int)
        (buffer: byte[])
        : struct (int * int * int) =
        let mutable s = first
        let mutable k = row
        let mutable at = 0
        let mutable left = limit

        while left > 0 && s < series.Length do
            let x = series.[s]

            let stop =
                if left >= x.Rows.Length - k then
                    x.Rows.Length
                else
                    k + left

            for r in k .. stop - 1 do
                at <- writeAt buffer at x.Head x.Values.[x.Rows.[r]] (x.Stamps.Row r)

            left <- left - (stop - k)

            if stop = x.Rows.Length then
                s <- s + 1
                k <- 0
            else
                k <- stop

        struct (at, s, k)

    /// The points of `series` in batches of at most `limit`, each written into `buffer` from its
    /// start when asked for: an item is the batch's length in bytes, valid until the next item is
    /// asked for. The points are written by a plain loop: inside the forwarder's task each point
    /// cost a state-machine step.
    let batches (series: Series[]) (limit: int) (buffer: byte[]) : int seq =
        struct (0, 0)
        |> Seq.unfold (fun (struct (s, k)) ->
            if s < series.Length then
                let struct (bytes, next, row) = fill series s k limit buffer
                Some(bytes, struct (next, row))
            else
                None)
        |> Seq.filter (fun bytes -> bytes > 0)

    /// The series of a prediction chunk: per top-level column (start/end excluded) a measurement,
    /// `sensor_name` = sub-name, renamed to the machine's tags when the width equals the tag count,
    /// or the top-level name for single columns; `machine` and metadata tags on every point.
    let predictionSeries (machine: ForwardedMachine) (t: PredictionTable) : Series[] =
        let rows = keptRows (t.Columns |> Array.map snd) t.Index.Length
        let rowStamps = stamps (t.Index |> Array.map _.UtcTicks) rows
        let tags = Array.ofList machine.Tags

        [|
            for top, group in t.Columns |> Array.groupBy (fst >> fst) do
                let names =
                    if group.Length = tags.Length then
                        tags
                    else
                        group |> Array.map (fun ((top, sub), _) -> if sub = "" then top else sub)

                for (_, values), sensor in Array.zip group names do
                    let s =
                        series top (("sensor_name", sensor) :: ("machine", machine.Name) :: machine.Metadata)

                    {
                        Head = head s
                        Values = values
                        Rows = rows
                        Stamps = rowStamps
                    }
        |]

    /// The series of resampled sensor data: measurement `resampled`, tag `sensor_name`.
    let resampledSeries (sensors: Frame) : Series[] =
        let rows = keptRows sensors.Data sensors.Index.Length
        let rowStamps = stamps sensors.Index rows

        [|
            for name, values in Array.zip sensors.Columns sensors.Data ->
                {
                    Head = head (series "resampled" [ "sensor_name", name ])
                    Values = values
                    Rows = rows
                    Stamps = rowStamps
                }
        |]

    /// A string field value: quoted, with quotes and backslashes escaped.
    let private stringField (s: string) : string =
        "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""

    let private number (v: float) =
        v.ToString("R", CultureInfo.InvariantCulture)

    /// Measurement `anomaly-events`: one point per event at its start; fields `end` (ns),
    /// `duration_s`, `peak`, `quality` (flags) and `tags` (`tag:share,...`, largest share first);
    /// tags `machine` and the metadata tags.
    let eventLines (machine: ForwardedMachine) (events: ForwardedEvent list) : string list =
        let s = series "anomaly-events" (("machine", machine.Name) :: machine.Metadata)

        [
            for e in events ->
                let tags =
                    e.Tags
                    |> List.map (fun (tag, share) -> tag + ":" + share.ToString("0.###", CultureInfo.InvariantCulture))
                    |> String.concat ","

                let fields = [
                    $"end=%d{nanoseconds e.End.UtcTicks}i"
                    "duration_s=" + number (e.End - e.Start).TotalSeconds
                    "peak=" + number e.Peak
                    $"quality=%d{e.Quality}i"
                    "tags=" + stringField tags
                ]

                $"""%s{s} %s{String.concat "," fields} %d{nanoseconds e.Start.UtcTicks}"""
        ]

/// Settings of the InfluxDB forwarder (`--influx-uri`, `--influx-api-key`, `--influx-recreate-db`).
type InfluxForwarderOptions = {
    /// Where to write.
    Connection: InfluxConnection
    /// Drop and re-create the database before the first write.
    RecreateDatabase: bool
    /// Retries of a failed write.
    Retries: int
    /// Backoff base (see `Retry.delay`).
    BackoffBase: TimeSpan
    /// Points per write request (10,000 in Gordo; at least 1).
    BatchSize: int
}

/// `ForwardPredictionsIntoInflux` (spec §8.2): points written over InfluxDB 1.x's HTTP API.
type InfluxForwarder(options: InfluxForwarderOptions, http: HttpClient) =
    do
        if options.BatchSize < 1 then
            invalidArg (nameof options) $"BatchSize must be at least 1 point per write, not %d{options.BatchSize}"

    let c = options.Connection
    let baseUrl = c.BaseUrl.TrimEnd '/'

    let request (httpMethod: HttpMethod) (pathAndQuery: string) (body: HttpContent) =
        let req = new HttpRequestMessage(httpMethod, baseUrl + pathAndQuery)

        if not (isNull body) then
            body.Headers.ContentType <- Headers.MediaTypeHeaderValue("text/plain", CharSet = "utf-8")
            req.Content <- body

        if c.User <> "" || c.Password <> "" then
            let raw = Encoding.UTF8.GetBytes(c.User + ":" + c.Password)
            req.Headers.Authorization <- Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String raw)

        c.ApiKey
        |> Option.iter (fun (h, k) -> req.Headers.TryAddWithoutValidation(h, k) |> ignore)

        req

    let send (make: unit -> HttpRequestMessage) (cancel: CancellationToken) : Task<string> =
        Retry.run options.Retries options.BackoffBase cancel (fun () ->
            task {
                use req = make ()
                use! resp = http.SendAsync(req, cancel)
                let! text = resp.Content.ReadAsStringAsync(cancel)
                let code = int resp.StatusCode

                if code >= 500 then
                    raise (TransientException $"InfluxDB at %s{baseUrl} answered %d{code}: %s{text.Trim()}")
                elif code >= 300 then
                    invalidOp $"InfluxDB at %s{baseUrl} answered %d{code}: %s{text.Trim()}"

                return text
            })

    let query (q: string) (cancel: CancellationToken) =
        send (fun () -> request HttpMethod.Post ("/query?q=" + Uri.EscapeDataString q) null) cancel

    let prepare =
        lazy
            (task {
                let db = "\"" + c.Database.Replace("\"", "\\\"") + "\""

                if options.RecreateDatabase then
                    let! _ = query ("DROP DATABASE " + db) CancellationToken.None
                    let! _ = query ("CREATE DATABASE " + db) CancellationToken.None
                    ()
                else
                    let! shown = query "SHOW DATABASES" CancellationToken.None

                    if not (shown.Contains("[\"" + c.Database + "\"]")) then
                        invalidOp
                            $"InfluxDB at %s{baseUrl} has no database '%s{c.Database}': create it, or pass --influx-recreate-db"
            })

    let write (series: LineProtocol.Series[]) (cancel: CancellationToken) : Task =
        task {
            do! prepare.Force()
            let path = "/write?db=" + Uri.EscapeDataString c.Database + "&precision=n"
            // One buffer per write, reused batch after batch: no string per point, no joined copy.
            let buffer =
                ArrayPool<byte>.Shared.Rent(options.BatchSize * LineProtocol.pointBytes (series |> Seq.map _.Head))

            try
                for bytes in LineProtocol.batches series options.BatchSize buffer do
                    let body = ReadOnlyMemory(buffer, 0, bytes - 1) // without the last '\n'
                    let! _ = send (fun () -> request HttpMethod.Post path (new ReadOnlyMemoryContent(body))) cancel
                    ()
            finally
                ArrayPool<byte>.Shared.Return buffer
        }

    /// A forwarder with its own HTTP client.
    new(options: InfluxForwarderOptions) =
        new InfluxForwarder(options, new HttpClient(Timeout = options.Connection.Timeout))

    /// Options for a URI of Gordo's form, with Gordo's defaults (5 retries, 10,000 points a
    /// batch); an API key goes in `Ocp-Apim-Subscription-Key` and switches TLS on.
    static member Options
        (uri: string)
        (apiKey: string option)
        (recreate: bool)
        : Result<InfluxForwarderOptions, string> =
        InfluxUri.tryParse uri (apiKey |> Option.map (fun k -> "Ocp-Apim-Subscription-Key", k))
        |> Result.map (fun connection -> {
            Connection = connection
            RecreateDatabase = recreate
            Retries = 5
            BackoffBase = TimeSpan.FromSeconds 1.0
            BatchSize = 10000
        })

    interface IPredictionForwarder with
        member _.ForwardPredictionsAsync(machine, predictions, cancel) =
            write (LineProtocol.predictionSeries machine predictions) cancel

        member _.ForwardResampledAsync(_, sensors, cancel) =
            write (LineProtocol.resampledSeries sensors) cancel

        member _.CompleteAsync(_, _) = Task.CompletedTask

    interface IEventForwarder with
        member _.ForwardEventsAsync(machine, events, cancel) =
            task {
                match LineProtocol.eventLines machine events with
                | [] -> ()
                | lines ->
                    do! prepare.Force()
                    let path = "/write?db=" + Uri.EscapeDataString c.Database + "&precision=n"
                    let body = Encoding.UTF8.GetBytes(String.concat "\n" lines)
                    let! _ = send (fun () -> request HttpMethod.Post path (new ByteArrayContent(body))) cancel
                    ()
            }
