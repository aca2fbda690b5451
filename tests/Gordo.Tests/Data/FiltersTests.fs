module Gordo.Tests.Data.FiltersTests

open System
open System.Text.Json
open Expecto
open Gordo.Data
open Gordo.Core.Language

/// The joined 10T frame every filter reference starts from.
let private baseFrame () =
    let case = Reference.doc.Value.GetProperty("cases").EnumerateArray() |> Seq.head
    Reference.frame (case.GetProperty "joined")

let private filterCase (case: JsonElement) =
    let text = case.GetProperty("expression").GetString()
    let buffer = case.GetProperty("buffer").GetInt32()

    test (sprintf "pandas parity: %s (buffer %d)" text buffer) {
        let f = baseFrame ()
        Expect.equal f.Index (Reference.ticks (Reference.doc.Value.GetProperty "baseIndex")) "base frame"
        let e = Expression.parse text |> Result.defaultWith (fun e -> failwith e.Message)

        let kept =
            Filters.rowFilter [ e ] buffer f
            |> Result.defaultWith (fun e -> failwith e.Message)

        Expect.equal kept.Index (Reference.ticks (case.GetProperty "kept")) "kept rows"
    }

let private periodCase (case: JsonElement) =
    let name = case.GetProperty("method").GetString()

    test (sprintf "pandas parity: %s anomalies" name) {
        let f = baseFrame ()

        let flags =
            match name with
            | "median" -> Filters.medianAnomalies 12 1.0 f
            | "median-wide" -> Filters.medianAnomalies 36 2.0 f
            | _ -> Filters.quantileAnomalies 0.8 0.05 0.95 f

        let actual = Array.zip f.Index flags |> Array.filter snd |> Array.map fst
        Expect.equal actual (Reference.ticks (case.GetProperty "anomalous")) "anomalous rows"
    }

let private utc (s: string) =
    DateTimeOffset.Parse(s, Globalization.CultureInfo.InvariantCulture)

[<Tests>]
let tests =
    testList "Data.Filters" [
        yield!
            Reference.doc.Value.GetProperty("filters").EnumerateArray()
            |> Seq.map filterCase
        yield!
            Reference.doc.Value.GetProperty("periods").EnumerateArray()
            |> Seq.map periodCase
        test "buffer longer than the data removes everything" {
            Expect.equal (Filters.applyBuffer 2 [| true; false; true; true |]) [| false; false; false; false |] "all"
        }
        test "drop periods group rows within the granularity" {
            let stamps =
                [| "00:00"; "00:10"; "00:20"; "00:30"; "01:00"; "01:10" |]
                |> Array.map (fun s -> utc ("2020-01-01T" + s + ":00Z"))

            let f =
                Frame.ofTimestamps stamps [ "a", Array.zeroCreate 6 ]
                |> Result.defaultWith (fun e -> failwith e.Message)

            let periods =
                Filters.dropPeriods (TimeSpan.FromMinutes 10.) f [| true; true; false; true; true; false |]

            Expect.equal
                (periods |> List.map (fun p -> p.DropStart.TimeOfDay, p.DropEnd.TimeOfDay))
                [
                    TimeSpan.Zero, TimeSpan.FromMinutes 10.
                    TimeSpan.FromMinutes 30., TimeSpan.FromMinutes 30.
                    TimeSpan.FromMinutes 60., TimeSpan.FromMinutes 60.
                ]
                "periods"
        }
        test "unknown column is a clear error" {
            let e =
                Expression.parse "`nope` > 1"
                |> Result.defaultWith (fun e -> failwith e.Message)

            match Filters.rowFilter [ e ] 0 (baseFrame ()) with
            | Error(EvaluationError.UnknownColumn("nope", _) as err) ->
                Expect.stringContains err.Message "TAG_B" "lists columns"
            | other -> failtestf "unexpected %A" other
        }
        test "comparing a number with text is a type error" {
            let e =
                Expression.parse "TAG_B > 'abc'"
                |> Result.defaultWith (fun e -> failwith e.Message)

            Expect.isError (Filters.rowFilter [ e ] 0 (baseFrame ())) "type mismatch"
        }
    ]
