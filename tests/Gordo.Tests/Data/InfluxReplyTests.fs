/// The one-pass reader of InfluxDB `/query` replies, on the shapes InfluxDB 1.x sends.
module Gordo.Tests.Data.InfluxReplyTests

open System
open System.Text
open System.Text.Json
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Data

let private read (json: string) =
    InfluxReply.read (ReadOnlyMemory(Encoding.UTF8.GetBytes json))

let private ticks (ns: int64) = DateTime.UnixEpoch.Ticks + ns / 100L

[<Tests>]
let tests =
    testList "Data.InfluxReply" [
        test "the first series' times and first field; null and text values are NaN; extra fields skipped" {
            let json =
                """{"results":[{"statement_id":0,"series":[{"name":"sensors","columns":["time","Value","x"],
                   "values":[[1577836800000000000,1.5,{"a":[1]}],[1577836860000000000,null,2],
                             [1577836920000000000,"text",3],[1577836980000000000,-2e-7,[4,5]]]},
                   {"name":"other","columns":["time","Value"],"values":[[1,99.0]]}]}]}"""

            match read json with
            | InfluxAnswer.Points(t, v) ->
                Expect.equal
                    t
                    [|
                        ticks 1577836800000000000L
                        ticks 1577836860000000000L
                        ticks 1577836920000000000L
                        ticks 1577836980000000000L
                    |]
                    "times"

                Expect.equal v.[0] 1.5 "number"
                Expect.isTrue (Double.IsNaN v.[1] && Double.IsNaN v.[2]) "null and text are NaN"
                Expect.equal v.[3] -2e-7 "exponent"
            | other -> failtestf "unexpected %A" other
        }
        test "a statement without series has no points" {
            Expect.equal (read """{"results":[{"statement_id":0}]}""") (InfluxAnswer.Points([||], [||])) "empty"
        }
        test "the statement's error is reported; a top-level error wins over it" {
            Expect.equal
                (read """{"results":[{"statement_id":0,"error":"database not found: x"}]}""")
                (InfluxAnswer.Failed "database not found: x")
                "statement error"

            Expect.equal
                (read """{"results":[{"statement_id":0,"error":"inner"}],"error":"outer"}""")
                (InfluxAnswer.Failed "outer")
                "top-level error"
        }
        test "what is not such a reply is a JSON error, not a crash" {
            for bad in
                [
                    "<html>502</html>"
                    "[1,2]"
                    """{"results":[{"series":[{"values":[["x",1]]}]}]}"""
                    "{"
                ] do
                Expect.throwsC (fun () -> read bad |> ignore) (fun e -> Expect.isTrue (e :? JsonException) bad)
        }
    ]

/// A row of a reply: mostly what InfluxDB writes, sometimes what only the token reader handles.
let private rowText: Gen<string> =
    let anyInt = Gen.choose (Int32.MinValue, Int32.MaxValue)

    let value =
        Gen.frequency [
            20,
            Gen.map
                (fun (bits: int64) ->
                    let v = BitConverter.Int64BitsToDouble bits
                    let v = if Double.IsFinite v then v else float (bits % 1000L)
                    v.ToString("R", Globalization.CultureInfo.InvariantCulture))
                (Gen.map2 (fun (a: int) (b: int) -> (int64 a <<< 32) ||| int64 (uint32 b)) anyInt anyInt)
            10,
            Gen.map
                (fun (NormalFloat v) -> v.ToString("R", Globalization.CultureInfo.InvariantCulture))
                (ArbMap.defaults |> ArbMap.generate<NormalFloat>)
            3, Gen.map string (Gen.choose (-1000, 1000))
            2,
            Gen.elements [
                "null"
                "\"text\""
                "true"
                "1E5"
                "-2.5e-7"
                "1e400"
                "01"
                "1."
                ".5"
                "-"
                "[1,2]"
                "{\"a\":1}"
                " 1"
                "1,2"
            ]
        ]

    let time =
        Gen.frequency [
            20,
            Gen.map (fun (k: int) -> string (1577836800000000000L + int64 k * 600000000000L)) (Gen.choose (0, 100000))
            1, Gen.elements [ "-5"; "0"; "99999999999999999999"; "1.5"; "\"t\""; "null"; "012" ]
            // int64's edges, one past them, and "-0".
            1,
            Gen.elements [
                "9223372036854775807"
                "9223372036854775808"
                "-9223372036854775808"
                "-9223372036854775809"
                "1000000000000000000"
                "-0"
                "-"
            ]
        ]

    Gen.map2 (fun t v -> $"[%s{t},%s{v}]") time value

let private replyText: Gen<string> =
    let rows = Gen.listOf rowText |> Gen.map (String.concat ",")

    let head =
        Gen.elements [
            """{"results":[{"statement_id":0,"series":[{"name":"sensors","columns":["time","T"],"values":["""
            """{"results":[{"statement_id":0,"series":[{"name":"sensors","columns":["time","T"],"values":["""
            """{"results":[{"statement_id":0,"series":[{"name":"s","tags":{"a":"b"},"values":["""
            """{"results":[{"statement_id":0,"error":"x","series":[{"values":["""
            """{"error":"x","results":[{"statement_id":0,"series":[{"values":["""
            """{"results":[{"series":[{"values":["""
        ]

    let tail =
        Gen.elements [
            "]}]}]}"
            "]}]}]}"
            "]}]}]}"
            "]}]}]} "
            "]}]}]}\n"
            """],"partial":true}]}]}"""
            """]}]}],"error":"outer"}"""
            """]},{"name":"b","values":[[1,2]]}]}]}"""
            "]}]}"
            "]"
        ]

    Gen.map3 (fun h r t -> h + r + t) head rows tail

let private outcome (read: ReadOnlyMemory<byte> -> InfluxAnswer) (text: string) =
    try
        match read (ReadOnlyMemory(Encoding.UTF8.GetBytes text)) with
        | InfluxAnswer.Points(t, v) -> Ok(t, v |> Array.map BitConverter.DoubleToInt64Bits) |> Ok
        | InfluxAnswer.Failed e -> Error e |> Ok
    with e ->
        Error(e.GetType())

[<Tests>]
let scanTests =
    testList "Data.InfluxReply.scan" [
        test "InfluxDB's reply for one tag is scanned, not read token by token" {
            let json =
                """{"results":[{"statement_id":0,"series":[{"name":"sensors","columns":["time","T"],"values":[[1577836800000000000,1.5],[1577837400000000000,null],[1577838000000000000,-2E-07]]}]}]}
"""

            match InfluxReply.tryScan (ReadOnlyMemory(Encoding.UTF8.GetBytes json)) with
            | Some(InfluxAnswer.Points(t, v)) ->
                Expect.equal
                    t
                    [|
                        ticks 1577836800000000000L
                        ticks 1577837400000000000L
                        ticks 1577838000000000000L
                    |]
                    "times"

                Expect.isTrue (v.[0] = 1.5 && Double.IsNaN v.[1] && v.[2] = -2e-7) "values"
            | other -> failtestf "not scanned: %A" other
        }
        testProperty "the byte scanner reads every reply as the token reader does"
        <| Prop.forAll (Arb.fromGen replyText) (fun text ->
            outcome InfluxReply.read text = outcome InfluxReply.readTokens text)
        testProperty "a reply in part of a larger (pooled) array reads as the reply alone"
        <| Prop.forAll (Arb.fromGen replyText) (fun text ->
            let inPart (body: ReadOnlyMemory<byte>) =
                let padded = Array.concat [ "[{\"x\":"B; body.ToArray(); "1]}junk"B ]
                InfluxReply.read (ReadOnlyMemory(padded, 6, body.Length))

            outcome inPart text = outcome InfluxReply.read text)
    ]
