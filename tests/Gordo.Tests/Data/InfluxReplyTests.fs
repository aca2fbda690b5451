/// The one-pass reader of InfluxDB `/query` replies, on the shapes InfluxDB 1.x sends.
module Gordo.Tests.Data.InfluxReplyTests

open System
open System.Text
open System.Text.Json
open Expecto
open Gordo.Data

let private read (json: string) =
    InfluxReply.read (Encoding.UTF8.GetBytes json)

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
