/// What the client reads from the server and writes to InfluxDB, byte for byte.
module Gordo.Tests.Client.WireFormatTests

open System
open System.Text
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Client
open Gordo.Data

let private utf8 (s: string) = Encoding.UTF8.GetBytes s

let private t0 = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)

/// The points of `values` at the kept `rows`, as the forwarder writes them.
let private points (head: byte[]) (values: float[]) (ticks: int64[]) (rows: int[]) : string =
    let stamps = LineProtocol.stamps ticks rows

    let buffer =
        Array.zeroCreate<byte> (max 1 rows.Length * LineProtocol.pointBytes [ head ])

    let mutable at = 0

    for k in 0 .. rows.Length - 1 do
        at <- LineProtocol.writeAt buffer at head values.[rows.[k]] (stamps.Row k)

    Encoding.UTF8.GetString(buffer, 0, at)

let private point (value: float) (at: DateTimeOffset) =
    points (LineProtocol.head "m,k=v") [| value |] [| at.UtcTicks |] [| 0 |]

let private machine = {
    Name = "m 1"
    Tags = [ "tag-a"; "tag,b" ]
    Metadata = [ "version", "1" ]
}

[<Tests>]
let tests =
    testList "Client.WireFormat" [
        test "the project is one escaped path segment of the base URL" {
            let url =
                ClientOptions.baseUrl {
                    ClientOptions.create "my proj?x#y/z" with
                        Scheme = "http"
                        Port = 5555
                }

            Expect.equal url "http://localhost:5555/gordo/v0/my%20proj%3Fx%23y%2Fz" "escaped"
            Expect.equal (Uri url).AbsolutePath "/gordo/v0/my%20proj%3Fx%23y%2Fz" "one segment"
        }
        test "a point is the series, the round-trip value with a lower-case exponent, and nanoseconds" {
            Expect.equal (point 0.1 t0) "m,k=v sensor_value=0.1 1577836800000000000\n" "plain"
            Expect.equal (point -1.5e-7 (t0.AddTicks 1L)) "m,k=v sensor_value=-1.5e-07 1577836800000000100\n" "exponent"
            Expect.equal (point 1e17 t0) "m,k=v sensor_value=1e+17 1577836800000000000\n" "large"

            // Around where the text switches to an exponent (the writer looks for one only there).
            for v in
                [
                    1e-5
                    9.999e-5
                    1e-4
                    1.0001e-4
                    1e15
                    1e16
                    9.999999999999998e16
                    1e17
                    1.5e300
                ] do
                for signed in [ v; -v ] do
                    let text = signed.ToString("R", Globalization.CultureInfo.InvariantCulture)

                    Expect.equal
                        (point signed t0)
                        $"m,k=v sensor_value=%s{text.Replace('E', 'e')} 1577836800000000000\n"
                        (string signed)
        }
        testProperty "every finite value is written so that it reads back exactly"
        <| Prop.forAll (Arb.fromGen (ArbMap.defaults |> ArbMap.generate<NormalFloat>)) (fun (NormalFloat v) ->
            let text = point v t0
            let value = text.Split(' ').[1].Substring("sensor_value=".Length)
            Double.Parse(value, Globalization.CultureInfo.InvariantCulture) = v)
        testProperty "each kept row is one line: head, .NET's round-trip text with a lower-case e, its time"
        <| Prop.forAll
            (Arb.fromGen (
                Gen.zip
                    (Gen.arrayOf (Gen.zip (ArbMap.defaults |> ArbMap.generate<NormalFloat>) (Gen.choose (-1, 1000000))))
                    (Gen.elements [ "m,k=v"; "model-output,machine=m\\ 1,sensor_name=a\\,b,version=1" ])
            ))
            (fun (generated, series) ->
                // Scaled so that some values are written with an exponent.
                let values =
                    generated
                    |> Array.map (fun (NormalFloat v, k) -> v * 10.0 ** float (k % 41 - 20))

                let ticks =
                    generated |> Array.map (fun (_, k) -> t0.UtcTicks + int64 k * 6_000_000_001L)

                let rows = Array.init values.Length id |> Array.filter (fun i -> i % 3 <> 1)

                let expected =
                    rows
                    |> Array.map (fun i ->
                        let text = values.[i].ToString("R", Globalization.CultureInfo.InvariantCulture)
                        $"%s{series} sensor_value=%s{text.Replace('E', 'e')} %d{LineProtocol.nanoseconds ticks.[i]}\n")
                    |> String.concat ""

                points (LineProtocol.head series) values ticks rows = expected)
        testProperty "batches write every point once, in order, the limit in each batch but the last"
        <| Prop.forAll
            (Arb.fromGen (Gen.zip (Gen.listOf (Gen.choose (0, 7))) (Gen.choose (1, 9))))
            (fun (lengths, limit) ->
                let ticks = Array.init 8 (fun i -> t0.UtcTicks + int64 i * 6_000_000_000L)

                let one (j: int) (length: int) : LineProtocol.Series =
                    let rows = Array.init length id

                    {
                        Head = LineProtocol.head $"m,k=%d{j}"
                        Values = Array.init 8 (fun i -> float (10 * j + i) / 4.0)
                        Rows = rows
                        Stamps = LineProtocol.stamps ticks rows
                    }

                let series = lengths |> List.mapi one |> Array.ofList

                let whole =
                    series
                    |> Array.map (fun (x: LineProtocol.Series) -> points x.Head x.Values ticks x.Rows)
                    |> String.concat ""

                let buffer = Array.zeroCreate<byte> (limit * 128)

                let batches =
                    LineProtocol.batches series limit buffer
                    |> Seq.map (fun bytes -> Encoding.UTF8.GetString(buffer, 0, bytes))
                    |> List.ofSeq

                let counts = batches |> Seq.map (fun b -> b.Split('\n').Length - 1) |> List.ofSeq
                let total = List.sum lengths

                String.concat "" batches = whole
                && counts = List.init (total / limit) (fun _ -> limit)
                            @ (if total % limit = 0 then [] else [ total % limit ]))
        test "a forwarder of fewer than one point per write is refused when made, not left to hang" {
            match InfluxForwarder.Options "user:pw@localhost:8086/db" None false with
            | Ok options ->
                Expect.throwsT<ArgumentException>
                    (fun () -> new InfluxForwarder({ options with BatchSize = 0 }) |> ignore)
                    "BatchSize 0"
            | Error e -> failtest e
        }
        test "series names escape commas, spaces and equals signs; tags are sorted; empty tags left out" {
            Expect.equal
                (LineProtocol.series "model output" [ "sensor_name", "a=b,c"; "machine", "m 1"; "empty", "" ])
                "model\\ output,machine=m\\ 1,sensor_name=a\\=b\\,c"
                "escaped"
        }
        test "prediction series: one per column, tags renamed when the width matches, NaN and inf rows dropped" {
            let table = {
                Index = [| t0; t0.AddMinutes 10.0; t0.AddMinutes 20.0 |]
                Columns = [|
                    ("model-output", "x"), [| 1.0; nan; 3.0 |]
                    ("model-output", "y"), [| 4.0; 5.0; infinity |]
                    ("total-anomaly-scaled", ""), [| 7.0; 8.0; 9.0 |]
                |]
            }

            let series = LineProtocol.predictionSeries machine table

            Expect.equal
                (series |> Array.map (fun s -> Encoding.UTF8.GetString s.Head))
                [|
                    "model-output,machine=m\\ 1,sensor_name=tag-a,version=1 sensor_value="
                    "model-output,machine=m\\ 1,sensor_name=tag\\,b,version=1 sensor_value="
                    "total-anomaly-scaled,machine=m\\ 1,sensor_name=total-anomaly-scaled,version=1 sensor_value="
                |]
                "heads"

            Expect.equal
                (series |> Array.map _.Rows)
                [| [| 0 |]; [| 0 |]; [| 0 |] |]
                "only the first row is finite everywhere"
        }
        test "an event is one point at its start: end in ns, duration, peak, quality, top tags as a string" {
            let event: ForwardedEvent = {
                Start = t0
                End = t0.AddMinutes 50.0
                Peak = 2.5
                Tags = [ "tag,b", 0.75; "say \"hi\"", 0.25 ]
                Quality = 9
            }

            Expect.equal
                (LineProtocol.eventLines machine [ event ])
                [
                    "anomaly-events,machine=m\\ 1,version=1 end=1577839800000000000i,duration_s=3000,peak=2.5,quality=9i,tags=\"tag,b:0.75,say \\\"hi\\\":0.25\" 1577836800000000000"
                ]
                "line"
        }
        test "a JSON reply is read by row key, whatever the order of rows in each column" {
            let reply =
                """{"data":{"start":{"start":{"2020-01-01T00:10:00+00:00":"x","2020-01-01T00:00:00+00:00":"y"}},
                   "model-output":{"a":{"2020-01-01T00:10:00+00:00":2.5,"2020-01-01T00:00:00+00:00":null},
                                   "b":{"2020-01-01T00:00:00\u002B00:00":1e-3,"2020-01-01T00:10:00+00:00":-4}},
                   "total-anomaly-scaled":{"total-anomaly-scaled":{"2020-01-01T00:00:00+00:00":7,"2020-01-01T00:10:00+00:00":8}}},
                   "time-seconds":"0.01"}"""

            match PredictionTable.ofJsonBytes (utf8 reply) with
            | Ok t ->
                Expect.equal t.Index [| t0; t0.AddMinutes 10.0 |] "rows in time order"

                Expect.equal
                    (t.Columns |> Array.map fst)
                    [| "model-output", "a"; "model-output", "b"; "total-anomaly-scaled", "" |]
                    "columns"

                let a = snd t.Columns.[0]
                Expect.isTrue (Double.IsNaN a.[0]) "null is NaN"
                Expect.equal a.[1] 2.5 "a"
                Expect.equal (snd t.Columns.[1]) [| 1e-3; -4.0 |] "b matched by key"
                Expect.equal (snd t.Columns.[2]) [| 7.0; 8.0 |] "single column"
            | Error e -> failtest e
        }
        test "a reply in part of a larger (pooled) array reads as the reply alone" {
            let json =
                utf8
                    """{"data":{"model-output":{"a":{"2020-01-01T00:00:00+00:00":2.5,"2020-01-01T00:10:00+00:00":null}}}}"""

            let parquet =
                use s = new IO.MemoryStream()

                ParquetIO.writeColumns s [] [
                    "__index_level_0__",
                    WriteColumn.Times([| Nullable(t0.UtcDateTime); Nullable(t0.UtcDateTime.AddMinutes 10.0) |], true)
                    "('model-output', 'a')", WriteColumn.Numbers [| 2.5; nan |]
                ]

                s.ToArray()

            let inPart (body: byte[]) =
                ArraySegment(Array.concat [ Array.create 7 0x50uy; body; Array.create 9 0x50uy ], 7, body.Length)

            let same (a: Result<PredictionTable, string>) (b: Result<PredictionTable, string>) what =
                match a, b with
                | Ok a, Ok b ->
                    Expect.equal a.Index b.Index $"%s{what}: rows"
                    Expect.equal (a.Columns |> Array.map fst) (b.Columns |> Array.map fst) $"%s{what}: columns"

                    Expect.equal
                        (a.Columns |> Array.map (snd >> Array.map BitConverter.DoubleToInt64Bits))
                        (b.Columns |> Array.map (snd >> Array.map BitConverter.DoubleToInt64Bits))
                        $"%s{what}: values"
                | a, b -> failtestf "%s: %A and %A" what a b

            same
                (PredictionTable.ofJsonMemory (ReadOnlyMemory.op_Implicit (inPart json)))
                (PredictionTable.ofJsonBytes json)
                "JSON"

            same (PredictionTable.ofParquetSegment (inPart parquet)) (PredictionTable.ofParquet parquet) "Parquet"
        }
        test "a reply that is not a prediction table is an error, not a crash" {
            for bad in [ "{}"; "[]"; """{"data":[1]}"""; "not json" ] do
                Expect.isError (PredictionTable.ofJsonBytes (utf8 bad)) bad
        }
    ]
