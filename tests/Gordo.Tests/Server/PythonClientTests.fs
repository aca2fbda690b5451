module Gordo.Tests.Server.PythonClientTests

open System
open System.Globalization
open System.IO
open System.Text.Json
open Expecto
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Server
open Gordo.Tests.Server.LiveServer

/// The first Python 3 (Debian's first) that has pandas, requests and dateutil.
let private python: Lazy<string option> =
    lazy
        ([ "/usr/bin/python3"; "python3" ]
         |> List.choose which
         |> List.tryFind (fun p -> (run p [ "-c"; "import pandas, requests, dateutil" ] 60).ExitCode = 0))

let private script =
    Path.Combine(Gordo.Tests.Support.repoRoot, "tests", "Gordo.Tests", "Server", "python_client.py")

/// 48 rows × 4 tags at 10-minute resolution (not the training data).
let private input (tags: string[]) : DateTimeOffset[] * Matrix =
    let t0 = DateTimeOffset(2020, 1, 5, 0, 0, 0, TimeSpan.Zero)
    let times = Array.init 48 (fun i -> t0.AddMinutes(10.0 * float i))
    times, Array2D.init 48 tags.Length (fun i j -> 50.0 + 10.0 * sin (float i / 7.0 + float j) + float (i % 5))

let private writeCsv (path: string) (tags: string[]) (times: DateTimeOffset[]) (x: Matrix) =
    let line i =
        [
            for j in 0 .. tags.Length - 1 -> x.[i, j].ToString("R", CultureInfo.InvariantCulture)
        ]
        |> List.append [ times.[i].ToString("yyyy-MM-dd HH:mm:sszzz") ]
        |> String.concat ","

    File.WriteAllLines(path, Array.append [| String.Join(",", "time" :: List.ofArray tags) |] (Array.init 48 line))

/// The offline frame: (top, sub) → values, single columns as (top, top) like `dataframe_from_dict`.
let private offline (loaded: LoadedModel) (tags: string[]) (targets: string[]) (times: DateTimeOffset[]) (x: Matrix) =
    let detector = loaded.Model :?> DiffDetector

    let input = {
        InputNames = tags
        TargetNames = targets
        Index = Some times
        Frequency = None
    }

    let frame = detector.Anomaly(x, x, input)
    let out = detector.Output x

    let prediction =
        Frame.block "model-input" tags x
        @ Frame.block "model-output" (Frame.outputNames targets (Matrix.cols out)) out

    let named (columns: ((string * string) * float[]) list) =
        columns
        |> List.map (fun ((top, sub), v) -> (top, (if sub = "" then top else sub)), v)
        |> Map.ofList

    named prediction,
    named (
        frame.Columns
        |> List.filter (fun ((top, _), _) -> not (top.StartsWith "smooth-"))
    )

let private received (table: JsonElement) : Map<string * string, float[]> =
    let columns = [
        for c in table.GetProperty("columns").EnumerateArray() -> c.[0].GetString(), c.[1].GetString()
    ]

    let rows = [|
        for r in table.GetProperty("values").EnumerateArray() -> [| for v in r.EnumerateArray() -> v |]
    |]

    columns
    |> List.mapi (fun j c ->
        c,
        rows
        |> Array.map (fun r ->
            if r.[j].ValueKind = JsonValueKind.Null then
                nan
            else
                r.[j].GetDouble()))
    |> Map.ofList

let private compare (route: string) (expected: Map<string * string, float[]>) (actual: Map<string * string, float[]>) =
    Expect.equal (actual.Keys |> List.ofSeq) (expected.Keys |> List.ofSeq) $"%s{route}: columns"

    for KeyValue(column, values) in expected do
        let got = actual.[column]
        Expect.equal got.Length values.Length $"%s{route} %A{column}: rows"

        for i in 0 .. values.Length - 1 do
            let tolerance = 1e-12 * max 1.0 (abs values.[i])
            Expect.isLessThanOrEqual (abs (got.[i] - values.[i])) tolerance $"%s{route} %A{column} row %d{i}"

[<Tests>]
let tests =
    testList "server with Gordo's Python client (requests + pandas, JSON and Parquet)" [
        test "prediction and anomaly/prediction numbers, JSON and Parquet both ways, equal the offline model's" {
            match python.Value with
            | None ->
                skiptest
                    "no python3 with pandas and requests (Debian python3-pandas, python3-requests; .ci/setup.d/60-chromium.sh)"
            | Some py ->
                let dir = Path.Combine(builtModels.Value, "pump-1")
                let loaded = Artifact.load dir
                let tags, targets = Gordo.Models.Scoring.ModelOutput.tagNames loaded.Metadata
                let times, x = input tags
                let work = Directory.CreateTempSubdirectory "gordo-python-client"
                let csv = Path.Combine(work.FullName, "x.csv")
                let output = Path.Combine(work.FullName, "out.json")
                writeCsv csv tags times x
                let r = run py [ script; url.Value; "proj"; "pump-1"; csv; output ] 300
                Expect.equal r.ExitCode 0 $"python client failed:\n%s{r.Error}"
                let result = JsonDocument.Parse(File.ReadAllText output).RootElement
                let prediction, anomaly = offline loaded tags targets times x

                for prefix in [ ""; "parquet:" ] do
                    compare $"%s{prefix}prediction" prediction (received (result.GetProperty $"%s{prefix}prediction"))
                    let table = result.GetProperty $"%s{prefix}anomaly/prediction"
                    compare $"%s{prefix}anomaly" anomaly (received table)

                    let index = [
                        for t in table.GetProperty("index").EnumerateArray() -> DateTimeOffset.Parse(t.GetString())
                    ]

                    Expect.equal index (List.ofArray times) $"%s{prefix}: row index (timestamps, UTC)"

                    Expect.equal
                        (table.GetProperty("end").[0].GetString())
                        "2020-01-05T00:10:00+00:00"
                        $"%s{prefix}: end = start + resolution"
        }
    ]
