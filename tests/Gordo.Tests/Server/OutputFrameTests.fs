module Gordo.Tests.Server.OutputFrameTests

open CommunityToolkit.HighPerformance.Buffers
open System
open System.Buffers
open System.Globalization
open System.Text
open System.Text.Json
open Expecto
open Gordo.Server

/// The plain way to write the `data` object: every key and value through `Utf8JsonWriter`,
/// timestamps by .NET's formatter. `OutputFrame.write` must give the same bytes.
let private reference (table: OutputTable) : string =
    let output = ArrayBufferWriter<byte>()
    use w = new Utf8JsonWriter(output, Reply.writerOptions)

    let text (naive: bool) (separator: char) (t: DateTimeOffset) =
        TimestampTextTests.reference separator naive t

    let keys, times =
        match table.Rows with
        | RowLabels.Ints ints -> ints |> Array.map string, None
        | RowLabels.Times(ts, naive) -> ts |> Array.map (text naive ' '), Some(ts, naive)

    let timeColumn (shift: TimeSpan option) =
        keys
        |> Array.mapi (fun i _ ->
            match times, shift with
            | Some(ts, naive), Some s -> Some(text naive 'T' (ts.[i] + s))
            | _ -> None)

    let columns =
        [ ("start", "start"), Choice1Of2(timeColumn (Some TimeSpan.Zero)) ]
        @ [ ("end", "end"), Choice1Of2(timeColumn table.Frequency) ]
        @ (table.Columns
           |> List.map (fun ((top, sub), v) -> (top, (if sub = "" then top else sub)), Choice2Of2 v))
        |> List.sortWith (fun ((a, b), _) ((c, d), _) ->
            match String.CompareOrdinal(a, c) with
            | 0 -> String.CompareOrdinal(b, d)
            | k -> k)

    w.WriteStartObject()

    for top, subs in columns |> List.groupBy (fst >> fst) do
        w.WriteStartObject top

        for (_, sub), values in subs do
            w.WriteStartObject sub

            for i, key in Array.indexed keys do
                match values with
                | Choice1Of2 cells ->
                    match cells.[i] with
                    | Some s -> w.WriteString(key, s)
                    | None -> w.WriteNull key
                | Choice2Of2 numbers when Double.IsFinite numbers.[i] -> w.WriteNumber(key, numbers.[i])
                | Choice2Of2 _ -> w.WriteNull key

            w.WriteEndObject()

        w.WriteEndObject()

    w.WriteEndObject()
    w.Flush()
    Encoding.UTF8.GetString output.WrittenSpan

let private written (table: OutputTable) : string =
    // A small first array: the buffer grows while the columns are written.
    use output = new ArrayPoolBufferWriter<byte>(256)
    OutputFrame.write output table
    Encoding.UTF8.GetString output.WrittenSpan

let private table (random: Random) (rows: RowLabels) (frequency: TimeSpan option) : OutputTable =
    let n =
        match rows with
        | RowLabels.Ints i -> i.Length
        | RowLabels.Times(t, _) -> t.Length

    let value () =
        match random.Next 8 with
        | 0 -> nan
        | 1 -> float (random.Next 1000)
        | 2 -> random.NextDouble() * 1e-7
        | 3 -> -random.NextDouble() * 1e18
        | _ -> random.NextDouble() * 100.0 - 50.0

    {
        Rows = rows
        Frequency = frequency
        Columns = [
            for top in [ "model-output"; "tag-anomaly-scaled"; "model-input" ] do
                for sub in [ "tag-b"; "tag-a"; "Tåg ü+'"; " !#$%&'()*+,-./:;<=>?@[]^_`{|}~"; "q\"uote\\" ] ->
                    (top, sub), Array.init n (fun _ -> value ())
            yield ("total-anomaly-scaled", ""), Array.init n (fun _ -> value ())
        ]
    }

[<Tests>]
let tests =
    testList "Server.OutputFrame" [
        test "the data object equals writing every key and value through Utf8JsonWriter" {
            let random = Random 5
            let start = DateTimeOffset(2020, 1, 5, 0, 0, 0, TimeSpan.FromHours 1.0)

            let times (step: TimeSpan) =
                Array.init 40 (fun i -> start + step * float i)

            let cases = [
                RowLabels.Times(times (TimeSpan.FromMinutes 10.0), false), Some(TimeSpan.FromMinutes 10.0)
                RowLabels.Times(times (TimeSpan.FromMinutes 10.0), true), None
                RowLabels.Times(times (TimeSpan.FromTicks 12_345_678L), false), Some(TimeSpan.FromSeconds 1.5)
                RowLabels.Ints(Array.init 40 (fun i -> int64 (i * 7 - 100))), None
            ]

            for rows, frequency in cases do
                let t = table random rows frequency
                Expect.equal (written t) (reference t) $"%A{rows}"
        }
    ]
