module Gordo.Tests.Data.ResampleTests

open System
open System.Text.Json
open Expecto
open Gordo.Core.Config
open Gordo.Data
open Gordo.Core.Language

let private resampleCase (case: JsonElement) =
    let name = case.GetProperty("name").GetString()

    test (sprintf "pandas parity: %s" name) {
        let step =
            Resolution.tryParseOffset (case.GetProperty("resolution").GetString())
            |> Result.defaultWith failwith

        let methodName = case.GetProperty("method").GetString()

        let interpolation =
            if methodName = "ffill" then
                Interpolation.ForwardFill
            else
                Interpolation.Linear

        let limit =
            match case.GetProperty("limit").ValueKind with
            | JsonValueKind.Null -> None
            | _ -> Some(case.GetProperty("limit").GetInt32())

        let aggs = Reference.strings (case.GetProperty "aggregations")
        let multi = case.GetProperty("multi").GetBoolean()
        let start, finish = Reference.timestamp "start", Reference.timestamp "end"

        let perTag =
            Reference.tags ()
            |> List.map (fun (_, s) ->
                Resample.series start finish step aggs multi interpolation limit s
                |> Result.defaultWith (fun e -> failwith e.Message))

        let expected = [ for e in case.GetProperty("perTag").EnumerateArray() -> Reference.frame e ]

        List.iteri2 (fun k a e -> Reference.expectClose a e (sprintf "%s tag %d" name k)) perTag expected

        let joined = Frame.innerJoin perTag |> Frame.dropNaRows
        Reference.expectClose joined (Reference.frame (case.GetProperty "joined")) (name + " joined")
    }

let private interpolateCase (i: int) (case: JsonElement) =
    test (sprintf "fill parity %d" i) {
        let values = Reference.floats (case.GetProperty "values")

        let limit =
            match case.GetProperty("limit").ValueKind with
            | JsonValueKind.Null -> None
            | _ -> Some(case.GetProperty("limit").GetInt32())

        let m =
            if case.GetProperty("method").GetString() = "linear" then
                Interpolation.Linear
            else
                Interpolation.ForwardFill

        let actual = Resample.fill m limit values
        let expected = Reference.floats (case.GetProperty "expected")

        let same (a: float) (b: float) =
            (Double.IsNaN a && Double.IsNaN b) || abs (a - b) < 1e-12

        Expect.isTrue (Array.forall2 same actual expected) (sprintf "%A <> %A (%A, %A)" actual expected m limit)
    }

let private utc (s: string) =
    DateTimeOffset.Parse(s, Globalization.CultureInfo.InvariantCulture)

[<Tests>]
let tests =
    testList "Data.Resample" [
        yield!
            Reference.doc.Value.GetProperty("cases").EnumerateArray()
            |> Seq.map resampleCase
        yield!
            Reference.doc.Value.GetProperty("interpolate").EnumerateArray()
            |> Seq.mapi interpolateCase
        test "buckets align to local midnight" {
            let offset = TimeSpan.FromHours 2.0
            let t = utc "2020-01-01T00:05:00+00:00"

            let labels, starts =
                Resample.buckets offset (TimeSpan.FromMinutes 7.0) [| t.UtcTicks |]
            // local 02:05 = 125 min after local midnight = 17 buckets of 7 min + 6 min: label 01:59
            Expect.equal (Frame.toTimestamp offset labels.[0]) (utc "2020-01-01T01:59:00+02:00") "label"
            Expect.equal starts [| 0; 1 |] "starts"
        }
        test "a sample before the start is an error naming the tag" {
            let s =
                Frame.ofTimestamps [| utc "2019-12-31T23:00:00Z" |] [ "T1", [| 1.0 |] ]
                |> Result.defaultWith (fun e -> failwith e.Message)

            match
                Resample.series
                    (utc "2020-01-01T00:00:00Z")
                    (utc "2020-01-02T00:00:00Z")
                    (TimeSpan.FromMinutes 10.)
                    [ "mean" ]
                    false
                    Interpolation.Linear
                    None
                    s
            with
            | Error(ResampleError.SampleBeforeStart("T1", _, _) as e) -> Expect.stringContains e.Message "T1" "message"
            | other -> failtestf "unexpected %A" other
        }
        test "unknown aggregation is an error" {
            Expect.isError (Resample.tryAggregator "mode") "mode is not supported"
        }
    ]
