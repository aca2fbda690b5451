/// The client's byte work per row (issue 16): reading InfluxDB's replies and writing line
/// protocol. bench/client/run.sh measures the whole client; these are its two largest kernels.
namespace Gordo.Micro.Bench

open System
open System.Text
open BenchmarkDotNet.Attributes
open Gordo.Client
open Gordo.Data

/// One tag's `/query` reply for 29 days of 10-minute rows (4,176 `[ns,value]` rows, epoch=ns),
/// as InfluxDB writes it.
[<MemoryDiagnoser>]
type InfluxReplyBench() =
    let rows = 29 * 144
    let t0 = 1580515200000000000L

    let body =
        let b = StringBuilder()

        b.Append("""{"results":[{"statement_id":0,"series":[{"name":"sensors","columns":["time","Value"],"values":[""")
        |> ignore

        for i in 0 .. rows - 1 do
            if i > 0 then
                b.Append(',') |> ignore

            let v = sin (float i / 30.0) + 0.1 * float (i % 7) / 7.0

            b.Append('[').Append(t0 + int64 i * 600_000_000_000L).Append(',').Append(v.ToString("R")).Append(']')
            |> ignore

        b.Append("]}]}]}") |> ignore
        ReadOnlyMemory(Encoding.UTF8.GetBytes(b.ToString()))

    /// `InfluxReply.read` (the byte scanner).
    [<Benchmark>]
    member _.ReadOneTag() : obj = box (InfluxReply.read body)

/// A prediction chunk of 1,000 rows with the /prediction reply's 31 series (10 tags), as the
/// InfluxDB forwarder writes it: series heads, row stamps and every point.
[<MemoryDiagnoser>]
type LineProtocolBench() =
    let rows = 1000
    let tags = [ for k in 0..9 -> $"M00-TAG-%d{k}" ]

    let table: PredictionTable = {
        Index = Array.init rows (fun i -> DateTimeOffset(2020, 2, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(10.0 * float i))
        Columns =
            Array.append [|
                for top in [ "model-input"; "model-output"; "tag-anomaly-scaled" ] do
                    for k, tag in List.indexed tags ->
                        (top, tag), Array.init rows (fun i -> sin (float i / 30.0 + float k) * 10.0 ** float (k - 3))
            |] [|
                ("total-anomaly-scaled", ""), Array.init rows (fun i -> 1.0 + float i / 997.0)
            |]
    }

    let machine: ForwardedMachine = {
        Name = "m-00"
        Tags = tags
        Metadata = [ "version", "1" ]
    }

    let buffer = Array.zeroCreate<byte> (31 * rows * 160)

    /// `LineProtocol.predictionSeries` and every point in one batch; the bytes written.
    [<Benchmark>]
    member _.WriteChunk() =
        LineProtocol.batches (LineProtocol.predictionSeries machine table) Int32.MaxValue buffer
        |> Seq.sum
