module Gordo.Tests.Server.ParquetTests

open System
open System.IO
open System.Net.Http
open System.Text.Json
open Expecto
open Gordo.Data
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

let private anomalyPath = "/gordo/v0/proj/detector/anomaly/prediction"

/// The `pandas` metadata pyarrow writes for a one-level DataFrame with a DatetimeIndex.
let private pandasMeta (indexType: string) =
    let column (name: string) =
        $"""{{"name": "%s{name}", "field_name": "%s{name}", "pandas_type": "float64", "numpy_type": "float64", "metadata": null}}"""

    let columns = tags |> Array.map column |> String.concat ", "

    $"""{{"index_columns": ["__index_level_0__"], "column_indexes": [{{"name": null, "field_name": null, "pandas_type": "unicode", "numpy_type": "object", "metadata": {{"encoding": "UTF-8"}}}}], "columns": [%s{columns}, {{"name": null, "field_name": "__index_level_0__", "pandas_type": "%s{indexType}", "numpy_type": "datetime64[ns]", "metadata": null}}], "creator": {{"library": "pyarrow", "version": "12.0.0"}}, "pandas_version": "1.5.3"}}"""

/// The first `n` training rows as a pandas-written Parquet file (naive 10-minute timestamps).
let private pandasParquet (n: int) : byte[] =
    let t0 = DateTime(2020, 3, 10, 0, 0, 0)
    let index = Array.init n (fun i -> Nullable(t0.AddMinutes(10.0 * float i)))

    let values =
        tags
        |> Array.mapi (fun j tag -> tag, WriteColumn.Numbers(Array.init n (fun i -> data.[i, j])))
        |> List.ofArray

    use stream = new MemoryStream()

    ParquetIO.writeColumns
        stream
        [ "pandas", pandasMeta "datetime" ]
        (values @ [ "__index_level_0__", WriteColumn.Times(index, false) ])

    stream.ToArray()

let private multipart (files: (string * byte[]) list) =
    let content = new MultipartFormDataContent()

    for name, bytes in files do
        content.Add(new ByteArrayContent(bytes), name, name + ".parquet")

    content

let private postFiles (path: string) (files: (string * byte[]) list) =
    (client ()).PostAsync(path, multipart files).Result

let private dataText (r: HttpResponseMessage) =
    let body = JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement
    body.GetProperty("data").GetRawText()

let private jsonAnomaly (query: string) =
    (client ())
        .PostAsync(
            anomalyPath + query,
            new StringContent(
                $"""{{"X": %s{pandasDict 5}, "y": %s{pandasDict 5}}}""",
                Text.Encoding.UTF8,
                "application/json"
            )
        )
        .Result

let private readParquet (bytes: byte[]) : ParquetTable =
    use stream = new MemoryStream(bytes)
    ParquetIO.readStream stream |> Result.defaultWith failwith

let private numbers (table: ParquetTable) (name: string) =
    match table.Columns |> List.tryFind (fst >> (=) name) with
    | Some(_, ColumnData.Numbers v) -> v
    | other -> failtestf "column %s: %A" name other

let private inputTests =
    testList "Parquet in" [
        test "multipart X and y as pandas Parquet: the same table as the JSON request" {
            let r = postFiles anomalyPath [ "X", pandasParquet 5; "y", pandasParquet 5 ]
            Expect.equal (int r.StatusCode) 200 (r.Content.ReadAsStringAsync().Result)
            Expect.equal (dataText r) (dataText (jsonAnomaly "")) "data"
        }
        test "a Parquet file without pandas metadata: the timestamp column is the index" {
            let index =
                Array.init 6 (fun i -> DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(float i).UtcTicks)

            let frame =
                Frame.create TimeSpan.Zero index [ for j in 0..3 -> tags.[j], Array.init 6 (fun i -> data.[i, j]) ]
                |> Result.defaultWith (fun e -> failwith e.Message)

            let file = Path.GetTempFileName()
            ParquetIO.write file frame
            let r = postFiles "/gordo/v0/proj/scaler/prediction" [ "X", File.ReadAllBytes file ]
            let body = r.Content.ReadAsStringAsync().Result
            Expect.equal (int r.StatusCode) 200 body
            Expect.stringContains body "\"2020-01-01 00:05:00+00:00\"" "UTC row keys"
        }
        test "not Parquet: 400 naming the field" {
            let r = postFiles "/gordo/v0/proj/scaler/prediction" [ "X", "not parquet"B ]
            Expect.equal (int r.StatusCode) 400 "status"

            Expect.stringContains
                (r.Content.ReadAsStringAsync().Result)
                "\\\"X\\\" is not a readable Parquet file"
                "message"
        }
        test "the server's own two-level Parquet output as input: 400 multi-level" {
            let out = (jsonAnomaly "?format=parquet").Content.ReadAsByteArrayAsync().Result
            let r = postFiles "/gordo/v0/proj/scaler/prediction" [ "X", out ]
            Expect.equal (int r.StatusCode) 400 "status"
            Expect.stringContains (r.Content.ReadAsStringAsync().Result) "multi-level" "message"
        }
    ]

let private outputTests =
    testList "Parquet out" [
        test "format=parquet: pyarrow's flattened two-level columns, index and pandas metadata; same numbers as JSON" {
            let r = jsonAnomaly "?format=parquet"
            Expect.equal (int r.StatusCode) 200 "status"
            Expect.equal (string r.Content.Headers.ContentType) "application/octet-stream" "content type"
            Expect.equal (r.Headers.GetValues("revision") |> Seq.head) "222" "revision header"
            let table = readParquet (r.Content.ReadAsByteArrayAsync().Result)
            let json = JsonDocument.Parse(dataText (jsonAnomaly "")).RootElement
            let names = table.Columns |> List.map fst
            Expect.equal (List.last names) "__index_level_0__" "index last"
            Expect.contains names "('start', '')" "start"
            Expect.contains names "('total-anomaly-scaled', '')" "single column"

            for group in keys json do
                for sub in keys (json.GetProperty group) do
                    if group <> "start" && group <> "end" then
                        let name = OutputParquet.columnName group (if sub = group then "" else sub)

                        let expected = [
                            for p in json.GetProperty(group).GetProperty(sub).EnumerateObject() -> p.Value.GetDouble()
                        ]

                        Expect.equal (List.ofArray (numbers table name)) expected name

            let pandas = JsonDocument.Parse(table.Metadata.["pandas"]).RootElement
            Expect.equal (pandas.GetProperty("column_indexes").GetArrayLength()) 2 "two column levels"
            Expect.equal (pandas.GetProperty("index_columns").[0].GetString()) "__index_level_0__" "index"
        }
        test "format=parquet on prediction; unknown format: 400" {
            let c = client ()
            let body = $"""{{"X": %s{rows 4}}}"""

            let r =
                c
                    .PostAsync(
                        "/gordo/v0/proj/scaler/prediction?format=parquet",
                        new StringContent(body, Text.Encoding.UTF8, "application/json")
                    )
                    .Result

            let table = readParquet (r.Content.ReadAsByteArrayAsync().Result)
            Expect.equal (numbers table "('model-input', 'tag-b')").Length 4 "rows"

            Expect.equal
                (table.Columns |> List.find (fst >> (=) "__index_level_0__") |> snd)
                (ColumnData.Numbers [| 0.0; 1.0; 2.0; 3.0 |])
                "integer index"

            Expect.equal (post c "/gordo/v0/proj/scaler/prediction?format=csv" body).Status 400 "csv"
        }
        test "column names are Python tuple text" {
            Expect.equal (OutputParquet.columnName "a" "b") "('a', 'b')" "plain"
            Expect.equal (OutputParquet.columnName "it's" "") "(\"it's\", '')" "quote"
        }
    ]

[<Tests>]
let tests = testList "Server.Parquet" [ inputTests; outputTests ]
