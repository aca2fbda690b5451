module Gordo.Tests.Server.RecentScoresTests

open System
open System.Threading.Tasks
open Expecto
open Gordo.Server

let private t0 = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)

/// An anomaly table of `n` rows from row `first` (10-minute steps): score = row number.
let private table (first: int) (n: int) =
    let times = Array.init n (fun i -> t0.AddMinutes(10.0 * float (first + i)))
    let score = Array.init n (fun i -> float (first + i))

    times,
    [
        ("model-input", "a"), Array.map (fun s -> s * 2.0) score
        ("tag-anomaly-scaled", "a"), score
        ("total-anomaly-scaled", ""), score
        ("total-anomaly-confidence", ""), Array.map (fun s -> s / 10.0) score
    ]

let private kept (recent: RecentScores) (model: string) =
    match recent.Recent("dir", model) with
    | Some(targets, inputs, rows) ->
        Expect.equal targets [| "a" |] "target tags"
        Expect.equal inputs [| "a" |] "input tags"
        rows
    | None -> failtest "no rows kept"

let private feed (recent: RecentScores) (model: string) (first: int) (n: int) =
    let times, columns = table first n
    recent.Feed("dir", model, times, columns)

[<Tests>]
let tests =
    testList "server recent scores (project page ring)" [
        test "keeps the last rows up to its size, in time order, with every column" {
            let recent = RecentScores(5, 10)
            Expect.isNone (recent.Recent("dir", "m")) "nothing before a request"
            feed recent "m" 0 3
            feed recent "m" 3 4
            let rows = kept recent "m"
            Expect.equal rows.Scaled [| 2.0; 3.0; 4.0; 5.0; 6.0 |] "the last 5 of 7"
            Expect.equal rows.Times.[0] (t0.AddMinutes 20.0) "times follow"
            Expect.equal rows.Confidence [| 0.2; 0.3; 0.4; 0.5; 0.6 |] "confidence"
            Expect.equal rows.Inputs.[0] [| 4.0; 6.0; 8.0; 10.0; 12.0 |] "inputs"
            Expect.equal rows.TagScaled.[0] rows.Scaled "tag scores"
            feed recent "m" 100 20
            Expect.equal (kept recent "m").Scaled [| 115.0 .. 119.0 |] "a long request: its last rows"
        }
        test "a re-sent window replaces its rows; a backfill is ignored" {
            let recent = RecentScores(100, 10)
            feed recent "m" 0 10
            feed recent "m" 5 10
            Expect.equal (kept recent "m").Scaled [| 0.0 .. 14.0 |] "no row twice"
            feed recent "m" 0 3
            Expect.equal (kept recent "m").Scaled [| 0.0 .. 14.0 |] "older rows do not push recent ones out"
        }
        test "a table without total-anomaly-scaled, or a size of 0, keeps nothing" {
            let recent = RecentScores(100, 10)
            let times, columns = table 0 3
            recent.Feed("dir", "m", times, columns |> List.filter (fun ((top, _), _) -> top <> "total-anomaly-scaled"))
            Expect.isNone (recent.Recent("dir", "m")) "no scores"
            let off = RecentScores(0, 10)
            off.Feed("dir", "m", times, columns)
            Expect.isNone (off.Recent("dir", "m")) "ring off"
        }
        test "at most `models` rings: the least recently fed is dropped" {
            let recent = RecentScores(10, 2)
            feed recent "a" 0 3
            feed recent "b" 0 3
            feed recent "c" 0 3
            Expect.isNone (recent.Recent("dir", "a")) "dropped"
            Expect.isSome (recent.Recent("dir", "c")) "kept"
        }
        test "concurrent feeds and reads: bounded, ordered, no row twice" {
            let recent = RecentScores(50, 10)

            Parallel.For(
                0,
                400,
                fun i ->
                    feed recent "m" (i * 3) 3
                    let rows = kept recent "m"
                    Expect.isLessThanOrEqual rows.Times.Length 50 "bounded"
            )
            |> ignore

            let rows = kept recent "m"
            Expect.isLessThanOrEqual rows.Times.Length 50 "bounded"
            Expect.equal rows.Times (Array.sort rows.Times |> Array.distinct) "strictly increasing"
        }
    ]
