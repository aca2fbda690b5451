/// End to end with real parts (issue 16): sample-plant data written into the InfluxDB of
/// .ci/setup.d/40-influxdb.sh (GORDO_TEST_INFLUX_URI; skipped without it), `gordo local-build` of
/// a config reading it with InfluxDataProvider, `gordo run-server`, `gordo client predict` into a
/// `feeder` database; the points read back equal offline `gordo anomaly` on the same rows.
module Gordo.Tests.Client.ClientEndToEndTests

open System
open System.Globalization
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open Expecto
open Gordo.Data
open Gordo.Tests.Cli
open Gordo.Tests.Client.FakeServer

let private uri = Environment.GetEnvironmentVariable "GORDO_TEST_INFLUX_URI"

let private connection () =
    InfluxUri.tryParse uri None |> Result.defaultWith failwith

let private http = new HttpClient()

let private influx (path: string) (body: string) : string =
    let c = connection ()

    use req =
        new HttpRequestMessage(HttpMethod.Post, c.BaseUrl + path, Content = new StringContent(body))

    let raw = Encoding.UTF8.GetBytes(c.User + ":" + c.Password)
    req.Headers.Authorization <- Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String raw)
    let resp = http.Send req
    let text = resp.Content.ReadAsStringAsync().Result
    Expect.isTrue resp.IsSuccessStatusCode $"%s{path}: %s{text}"
    text

let private query (db: string) (q: string) =
    influx ($"/query?db=%s{db}&epoch=s&q=" + Uri.EscapeDataString q) ""

let private utc (s: string) =
    DateTimeOffset.Parse(s, CultureInfo.InvariantCulture)

/// Machine 1 of the sample plant at 10-minute steps over four days, into database `db`.
let private seed (db: string) : string list =
    query db ("CREATE DATABASE " + db) |> ignore
    let tags = SamplePlant.tagNames 1

    let index, columns =
        SamplePlant.machineData
            42
            (TimeSpan.FromMinutes 10.0)
            1
            (utc "2020-01-01T00:00:00Z")
            (utc "2020-01-05T00:00:00Z")

    let lines = [
        for k, tag in List.indexed tags do
            for i in 0 .. index.Length - 1 do
                if not (Double.IsNaN columns.[k].[i]) then
                    let t = DateTimeOffset(index.[i], TimeSpan.Zero).ToUnixTimeSeconds()
                    $"""sensors,tag=%s{tag} Value=%s{columns.[k].[i].ToString("R", CultureInfo.InvariantCulture)} %d{t}"""
    ]

    influx ($"/write?db=%s{db}&precision=s") (String.concat "\n" lines) |> ignore
    tags

let private config (tags: string list) (sourceUri: string) =
    let tagLines = tags |> List.map (sprintf "        - %s") |> String.concat "\n"

    $"""machines:
  - name: plant-1
    dataset:
      tags:
%s{tagLines}
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-01-03T00:00:00+00:00
      data_provider:
        type: InfluxDataProvider
        measurement: sensors
        uri: %s{sourceUri}
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - sklearn.decomposition.PCA: {{n_components: 2}}
              - sklearn.linear_model.LinearRegression
    events: {{top_tags: 1, min_duration: 10min}}
"""

/// Every point of a measurement: (sensor_name, unix seconds) → value, and the machine tags seen.
let private points (db: string) (measurement: string) : Map<string * int64, float> * Set<string> =
    let reply =
        JsonDocument.Parse(query db $"SELECT * FROM \"%s{measurement}\"").RootElement

    let result = reply.GetProperty("results").[0]

    match result.TryGetProperty "series" with
    | true, series ->
        let s = series.[0]
        let columns = [ for c in s.GetProperty("columns").EnumerateArray() -> c.GetString() ]
        let at name = List.findIndex ((=) name) columns
        let machineAt = List.tryFindIndex ((=) "machine") columns

        let rows = [ for v in s.GetProperty("values").EnumerateArray() -> v ]

        rows
        |> List.map (fun v ->
            (v.[at "sensor_name"].GetString(), v.[at "time"].GetInt64()), v.[at "sensor_value"].GetDouble())
        |> Map.ofList,
        rows
        |> List.choose (fun v -> machineAt |> Option.map (fun i -> v.[i].GetString()))
        |> Set.ofList
    | _ -> Map.empty, Set.empty

let private close (a: float) (b: float) =
    abs (a - b) <= 1e-9 * max (abs a) (abs b) || abs (a - b) < 1e-300

let private run (name: string) (body: string -> unit) =
    if String.IsNullOrEmpty uri then
        ptestCase name ignore
    else
        test name {
            let root =
                Path.Combine(Path.GetTempPath(), "gordo-client-e2e-" + Guid.NewGuid().ToString("N"))

            Directory.CreateDirectory root |> ignore

            try
                body root
            finally
                Directory.Delete(root, true)
        }

/// Compares every point of `db` with the offline `gordo anomaly` table at `anomalyPath`; the
/// number of points compared.
let private compareWithOffline (db: string) (anomalyPath: string) : int =
    let offline =
        match FrameIO.readCsv anomalyPath ',' None with
        | Ok f -> f
        | Error e -> failtestf "%s" e.Message

    let offlineTimes =
        offline.Index
        |> Array.map (fun t -> DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds())

    let nanRow =
        Array.init offlineTimes.Length (fun i -> offline.Data |> Array.exists (fun c -> Double.IsNaN c.[i]))

    let mutable compared = 0

    for measurement in offline.Columns |> Array.map (fun c -> c.Split('|').[0]) |> Array.distinct do
        let got, machines = points db measurement
        Expect.equal machines (set [ "plant-1" ]) $"%s{measurement}: machine tag"

        for k, column in Array.indexed offline.Columns do
            if column.Split('|').[0] = measurement then
                let sensor =
                    if column.Contains '|' then
                        column.Split('|').[1]
                    else
                        column

                for i, t in Array.indexed offlineTimes do
                    let expected = offline.Data.[k].[i]

                    match got.TryFind((sensor, t)) with
                    | Some v ->
                        Expect.isTrue
                            (close v expected)
                            $"%s{measurement}/%s{sensor} at %d{t}: %g{v} vs offline %g{expected}"

                        compared <- compared + 1
                    | None ->
                        Expect.isTrue
                            nanRow.[i]
                            $"%s{measurement}/%s{sensor} at %d{t} missing (only NaN rows are dropped)"

        Expect.equal
            got.Count
            (got
             |> Map.filter (fun (s, _) _ ->
                 offline.Columns
                 |> Array.exists (fun c -> c = measurement + "|" + s || (c = measurement && s = measurement)))
             |> Map.count)
            $"%s{measurement}: sensor_name tags are the columns"

    compared

/// The events of an events JSON file: (start, end, peak, [tag, share], quality).
let private eventsOf (json: string) = [
    for e in JsonDocument.Parse(json).RootElement.EnumerateArray() ->
        utc (e.GetProperty("start").GetString()),
        utc (e.GetProperty("end").GetString()),
        e.GetProperty("peak").GetDouble(),
        [
            for t in e.GetProperty("tags").EnumerateArray() ->
                t.GetProperty("tag").GetString(), t.GetProperty("share").GetDouble()
        ],
        e.GetProperty("quality").GetInt32()
]

/// `--quality --events` (issue 21), in chunks of 100 rows: the data-quality points equal offline
/// `gordo anomaly --quality`, and the events of the whole range, in `<machine>.events.json` and
/// measurement `anomaly-events`, equal offline `gordo anomaly --events` on the same rows, cut
/// with the model's own event settings (the config's `events` section: one top tag, 10 minutes
/// at least), not the defaults.
let private qualityAndEvents (root: string) (port: int) (models: string) (dataPath: string) (tags: string list) =
    let c = connection ()
    let db = "client_e2e_events"
    let outDir = Path.Combine(root, "out")

    let code, out, err =
        GordoProcess.run
            []
            (clientOptions port
             @ [
                 "--metadata"
                 "version,1700000000000"
                 "--batch-size"
                 "100"
                 "predict"
                 "2020-01-03T00:00:00+00:00"
                 "2020-01-05T00:00:00+00:00"
                 "--influx-uri"
                 $"%s{c.User}:%s{c.Password}@%s{Uri(c.BaseUrl).Host}:%d{Uri(c.BaseUrl).Port}/%s{db}"
                 "--influx-recreate-db"
                 "--quality"
                 "--events"
                 "--output-dir"
                 outDir
                 "--target"
                 "plant-1"
             ])

    Expect.equal code 0 $"client predict --quality --events: %s{out}%s{err}"
    let anomalyPath = Path.Combine(root, "anomaly-quality.csv")
    let eventsPath = Path.Combine(root, "events.json")

    let code, out, err =
        GordoProcess.run [] [
            "anomaly"
            Path.Combine(models, "plant-1")
            "--data"
            dataPath
            "--quality"
            "--output"
            anomalyPath
            "--events"
            eventsPath
        ]

    Expect.equal code 0 $"gordo anomaly --quality --events: %s{out}%s{err}"
    Expect.isGreaterThan (compareWithOffline db anomalyPath) 2000 "points compared, quality columns included"
    let quality, _ = points db "data-quality"

    Expect.equal
        (quality |> Map.keys |> Seq.map fst |> Set.ofSeq)
        (Set.ofList tags)
        "data-quality points carry the tags as sensor_name"

    let expected = eventsOf (File.ReadAllText eventsPath)
    let got = eventsOf (File.ReadAllText(Path.Combine(outDir, "plant-1.events.json")))
    Expect.isNonEmpty expected "the two days hold events"
    Expect.equal got.Length expected.Length "as many events as offline"

    for _, _, _, tags, _ in got do
        Expect.equal tags.Length 1 "the model's top_tags (1), not the default 3"

    let withDefaults =
        match
            Gordo.Cli.ScoreCommands.events
                (Path.Combine(models, "plant-1"))
                dataPath
                true
                Gordo.Models.Scoring.AnomalyEvents.defaults
        with
        | Ok events -> events |> List.map (fun e -> e.Start, e.End, e.Tags.Length)
        | Error e -> failtestf "%s" e.Message

    Expect.notEqual
        (got |> List.map (fun (s, e, _, tags, _) -> s, e, tags.Length))
        withDefaults
        "the default settings would cut other events"

    for (s, e, peak, tags, q), (s', e', peak', tags', q') in List.zip got expected do
        Expect.equal (s, e, q, List.map fst tags) (s', e', q', List.map fst tags') "event as offline"
        Expect.isTrue (close peak peak') $"peak %g{peak} vs offline %g{peak'}"

    let reply =
        JsonDocument.Parse(query db "SELECT * FROM \"anomaly-events\"").RootElement

    let influxEvents =
        match reply.GetProperty("results").[0].TryGetProperty "series" with
        | true, series ->
            let s = series.[0]
            let columns = [ for c in s.GetProperty("columns").EnumerateArray() -> c.GetString() ]
            let at name = List.findIndex ((=) name) columns

            [
                for v in s.GetProperty("values").EnumerateArray() ->
                    v.[at "time"].GetInt64(),
                    v.[at "end"].GetInt64(),
                    v.[at "peak"].GetDouble(),
                    v.[at "tags"].GetString(),
                    v.[at "quality"].GetInt32(),
                    v.[at "machine"].GetString(),
                    v.[at "version"].GetString()
            ]
        | _ -> []

    Expect.equal influxEvents.Length expected.Length "one anomaly-events point per event"

    for (time, finish, peak, tagText, q, machine, version), (s, e, peak', tags, q') in List.zip influxEvents expected do
        Expect.equal (time, finish / 1_000_000_000L) (s.ToUnixTimeSeconds(), e.ToUnixTimeSeconds()) "start, end"
        Expect.isTrue (close peak peak') "peak"
        Expect.equal q q' "quality"
        Expect.equal (machine, version) ("plant-1", "1700000000000") "tags"

        Expect.equal
            (tagText.Split ',' |> Array.map (fun t -> t.Split(':').[0]) |> List.ofArray)
            (List.map fst tags)
            "top tags"

    eprintfn "client --events: %d events, %d data-quality points" expected.Length quality.Count

let private endToEnd (root: string) =
    let c = connection ()
    let source = "gordo_client_src"
    let tags = seed source

    let sourceUri =
        $"%s{c.User}:%s{c.Password}@%s{Uri(c.BaseUrl).Host}:%d{Uri(c.BaseUrl).Port}/%s{source}"

    let configPath = Path.Combine(root, "config.yaml")
    File.WriteAllText(configPath, config tags sourceUri)
    let models = Path.Combine(root, "models", "1700000000000")

    let code, out, err =
        GordoProcess.run [] [ "local-build"; configPath; "--output"; models; "--project-name"; "proj" ]

    Expect.equal code 0 $"local-build: %s{out}%s{err}"
    let port = FakeServer.freePort ()

    use server =
        new GordoProcess.Running(
            [ "MODEL_COLLECTION_DIR", models ],
            [ "run-server"; "--host"; "127.0.0.1"; "--port"; string port ]
        )

    let models' = $"http://127.0.0.1:%d{port}/gordo/v0/proj/models"

    let up () =
        try
            http.GetAsync(models').Result.IsSuccessStatusCode
        with _ ->
            false

    let clock = Diagnostics.Stopwatch.StartNew()

    while not (up ()) && clock.Elapsed < TimeSpan.FromSeconds 90.0 do
        Threading.Thread.Sleep 250

    Expect.isTrue (up ()) $"the server answers: %s{server.Err}"

    let feederUri =
        $"%s{c.User}:%s{c.Password}@%s{Uri(c.BaseUrl).Host}:%d{Uri(c.BaseUrl).Port}/client_e2e_feeder"

    let code, out, err =
        GordoProcess.run
            []
            (clientOptions port
             @ [
                 "--metadata"
                 "version,1700000000000"
                 "--batch-size"
                 "100"
                 "--parallelism"
                 "2"
                 "predict"
                 "2020-01-03T00:00:00+00:00"
                 "2020-01-05T00:00:00+00:00"
                 "--influx-uri"
                 feederUri
                 "--influx-recreate-db"
                 "--forward-resampled-sensors"
                 // local-build writes report.html next to the models, and the server lists it as one.
                 "--target"
                 "plant-1"
             ])

    Expect.equal code 0 $"client predict: %s{out}%s{err}"

    // The rows the client sent, as InfluxDB holds them, scored offline.
    let resampled, _ = points "client_e2e_feeder" "resampled"

    let times =
        resampled
        |> Map.toList
        |> List.map (fst >> snd)
        |> List.distinct
        |> List.sort
        |> Array.ofList

    Expect.isGreaterThan times.Length 280 "two days of 10-minute rows (and the 5 rows before)"

    let csv = StringBuilder("timestamp," + String.Join(",", tags) + "\n")

    for t in times do
        let values =
            tags
            |> List.map (fun tag -> resampled.[(tag, t)].ToString("R", CultureInfo.InvariantCulture))

        csv
            .Append(DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd'T'HH:mm:sszzz"))
            .Append(',')
            .Append(String.Join(",", values))
            .Append('\n')
        |> ignore

    let dataPath = Path.Combine(root, "x.csv")
    File.WriteAllText(dataPath, csv.ToString())
    let anomalyPath = Path.Combine(root, "anomaly.csv")

    let code, out, err =
        GordoProcess.run [] [
            "anomaly"
            Path.Combine(models, "plant-1")
            "--data"
            dataPath
            "--output"
            anomalyPath
        ]

    Expect.equal code 0 $"gordo anomaly: %s{out}%s{err}"

    let compared = compareWithOffline "client_e2e_feeder" anomalyPath
    Expect.isGreaterThan compared 2000 "points compared"
    qualityAndEvents root port models dataPath tags

[<Tests>]
let tests =
    testSequenced
    <| testList "Client.EndToEnd" [
        run
            "InfluxDB → local-build → run-server → client predict (--quality --events) → InfluxDB equals gordo anomaly"
            endToEnd
    ]
