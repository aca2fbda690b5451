module Gordo.Tests.Server.BadInputTests

open System
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading.Tasks
open Expecto
open Gordo.Tests.Server.ServerFixture

let private message (key: string) (r: Response) =
    match r.Json with
    | Some j -> j.GetProperty(key).GetString()
    | None -> failtestf "expected a JSON error, got %d %s" r.Status r.Text

let private anomaly = "/gordo/v0/proj/detector/anomaly/prediction"
let private prediction = "/gordo/v0/proj/scaler/prediction"

let private expectError (r: Response) (status: int) (key: string) (contains: string) =
    Expect.equal r.Status status r.Text
    Expect.stringContains (message key r) contains "message"

[<Tests>]
let tests =
    let c () = client ()

    testList "Server.BadInput" [
        test "wrong content type: 400 naming the accepted types" {
            let r =
                c().PostAsync(prediction, new StringContent("X=1", Encoding.UTF8, "text/plain")).Result

            let body = JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement
            Expect.equal (int r.StatusCode) 400 "status"
            Expect.stringContains (body.GetProperty("message").GetString()) "neither application/json" "message"
        }
        test "body over the limit: 413 JSON, and the server keeps serving" {
            let small =
                serveWith {
                    config (collectionDir ()) with
                        MaxBodyBytes = 1000L
                }

            let r = post small prediction $"""{{"X": %s{rows 40}}}"""
            expectError r 413 "message" "larger than the limit of 1000 bytes"
            Expect.equal (post small prediction $"""{{"X": %s{rows 2}}}""").Status 200 "small body still served"
        }
        test "one computing request at a time: errors release their turn, concurrent requests all answer" {
            let one =
                serveWith {
                    config (collectionDir ()) with
                        MaxConcurrentPredictions = 1
                }

            for _ in 1..3 do
                expectError (post one prediction """{"X": []}""") 400 "message" "\"X\" is empty"

            let body = $"""{{"X": %s{rows 5}}}"""

            let replies =
                Task.WhenAll [ for _ in 1..16 -> Task.Run(fun () -> post one prediction body) ]

            Expect.isTrue (replies.Wait(TimeSpan.FromSeconds 60.0)) "all 16 answered within a minute"

            let answers =
                replies.Result |> Array.map (fun r -> r.Status, r.Text) |> Array.distinct

            Expect.equal answers.Length 1 "one answer for one body"
            Expect.equal (fst answers.[0]) 200 (snd answers.[0])
        }
        test "NaN and infinity (Python's bare tokens, null, strings): 400 ValueError naming the cell" {
            expectError
                (post (c ()) prediction """{"X": [[1, 2, NaN, 4]]}""")
                400
                "error"
                "ValueError: Input contains NaN"

            expectError (post (c ()) prediction """{"X": [[1, 2, 3, -Infinity]]}""") 400 "error" "row 0, column 'tag-d'"
            expectError (post (c ()) prediction """{"X": [[1, null, 3, 4]]}""") 400 "error" "column 'tag-b'"
            expectError (post (c ()) prediction """{"X": [["1", "2", "3", "Infinity"]]}""") 400 "error" "ValueError"
            Expect.equal (post (c ()) prediction """{"X": [["NaN in a string is text", 2, 3, 4]]}""").Status 400 "text"
        }
        test "empty X: 400" {
            expectError (post (c ()) prediction """{"X": []}""") 400 "message" "\"X\" is empty"
            expectError (post (c ()) prediction """{"X": {}}""") 400 "message" "\"X\" is empty"
        }
        test "y with a different length than X: 400" {
            expectError
                (post (c ()) anomaly $"""{{"X": %s{rows 6}, "y": %s{rows 5}}}""")
                400
                "message"
                "\"y\" has 5 rows but \"X\" has 6"
        }
        test "wrong feature count in y, X not a table, JSON not an object: 400" {
            expectError
                (post (c ()) anomaly $"""{{"X": %s{rows 3}, "y": [[1, 2]]}}""")
                400
                "message"
                "Unexpected features"

            expectError (post (c ()) prediction """{"X": 5}""") 400 "message" "must be a list of rows"
            expectError (post (c ()) prediction """[1, 2]""") 400 "message" "Cannot predict without"
        }
        test "unknown model on every model route: 404; bad revision on a model route: 410" {
            for path in [ "metadata"; "healthcheck"; "download-model" ] do
                Expect.equal (get (c ()) $"/gordo/v0/proj/nope/%s{path}").Status 404 path

            Expect.equal (post (c ()) "/gordo/v0/proj/nope/anomaly/prediction" "{}").Status 404 "anomaly"

            expectError
                (post (c ()) (prediction + "?revision=12a") """{"X": [[1,2,3,4]]}""")
                410
                "error"
                "only contains numbers"

            expectError (get (c ()) "/gordo/v0/proj/scaler/metadata?revision=42") 410 "error" "Revision '42' not found."
        }
        test "after every bad request the server still answers" {
            Expect.equal (post (c ()) prediction $"""{{"X": %s{rows 3}}}""").Status 200 "prediction"
        }
    ]
