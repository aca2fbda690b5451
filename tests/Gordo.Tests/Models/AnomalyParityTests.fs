module Gordo.Tests.Models.AnomalyParityTests

open System
open System.Text.Json
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Definitions

let private reference = lazy (Reference.load "anomaly.json")

let private vector (e: JsonElement) =
    e.EnumerateArray() |> Seq.map Reference.number |> Array.ofSeq

let private strings (e: JsonElement) =
    e.EnumerateArray() |> Seq.map (fun s -> s.GetString()) |> Array.ofSeq

let private closeVector (actual: float[]) (expected: float[]) (what: string) =
    Reference.close 1e-9 (Matrix.ofVector actual) (Matrix.ofVector expected) what

let private detector (c: JsonElement) : DiffDetector =
    let kind = c.GetProperty("kind").GetString()

    let optional (name: string) (f: JsonElement -> Value) =
        match c.GetProperty(name).ValueKind with
        | JsonValueKind.Null -> []
        | _ -> [ name, f (c.GetProperty name) ]

    let parameters =
        [
            "base_estimator", Value.String "sklearn.linear_model.LinearRegression"
            "scaler", Value.String "sklearn.preprocessing.MinMaxScaler"
            "shuffle", Value.Bool(c.GetProperty("shuffle").GetBoolean())
        ]
        @ optional "window" (fun e -> Value.Int(e.GetInt64()))
        @ optional "smoothing_method" (fun e -> Value.String(e.GetString()))
        @ (if kind = "kfcv" then
               [
                   "threshold_percentile", Value.Float(c.GetProperty("threshold_percentile").GetDouble())
               ]
           else
               [])

    let path =
        if kind = "kfcv" then
            "gordo.machine.model.anomaly.diff.DiffBasedKFCVAnomalyDetector"
        else
            "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector"

    Definition.create path parameters :?> DiffDetector

let private caseTest (c: JsonElement) =
    let name = c.GetProperty("name").GetString()

    test name {
        let r = reference.Value

        let x, y =
            Reference.matrix (r.GetProperty "X"), Reference.matrix (r.GetProperty "Y")

        let train = r.GetProperty("train_rows").GetInt32()
        let rows = [| 0 .. train - 1 |]
        let model = detector c

        model.CrossValidate(Matrix.takeRows rows x, Matrix.takeRows rows y, None)
        |> ignore

        let expected = c.GetProperty "thresholds"
        let t = model.Thresholds.Value
        closeVector t.Feature (vector (expected.GetProperty "feature")) "feature thresholds"
        closeVector [| t.Aggregate |] [| Reference.number (expected.GetProperty "aggregate") |] "aggregate threshold"

        match expected.TryGetProperty "aggregate_per_fold" with
        | true, perFold ->
            closeVector (Array.ofList t.AggregatePerFold) (vector perFold) "aggregate per fold"

            let feature =
                expected.GetProperty "feature_per_fold"
                |> _.EnumerateArray()
                |> Seq.map vector
                |> List.ofSeq

            List.iteri2 (fun i a e -> closeVector a e $"feature fold {i}") t.FeaturePerFold feature

            let smooth = expected.GetProperty "smooth_aggregate_per_fold" |> vector
            closeVector (Array.ofList t.SmoothAggregatePerFold) smooth "smooth aggregate per fold"
        | _ -> ()

        model.Fit(Matrix.takeRows rows x, Matrix.takeRows rows y)

        let input = {
            InputNames = strings (r.GetProperty "input_names")
            TargetNames = strings (r.GetProperty "target_names")
            Index = Some(strings (r.GetProperty "index") |> Array.map DateTimeOffset.Parse)
            Frequency = Some(TimeSpan.FromMinutes 10.0)
        }

        let frame = model.Anomaly(x, y, input)

        let expectedColumns =
            c.GetProperty("columns").EnumerateArray()
            |> Seq.map (fun col ->
                let names = strings (col.[0])
                (names.[0], names.[1]), vector col.[1])
            |> List.ofSeq

        Expect.equal (frame.Columns |> List.map fst) (expectedColumns |> List.map fst) "column names and order"

        for ((top, sub), actual), (_, wanted) in List.zip frame.Columns expectedColumns do
            closeVector actual wanted $"{top}/{sub}"

        Expect.equal frame.Start.[0] (Some "2020-01-01T00:00:00+00:00") "start"
        Expect.equal frame.End.[0] (Some "2020-01-01T00:10:00+00:00") "end = start + frequency"
    }

[<Tests>]
let tests =
    testList "Models.Anomaly parity with the pandas reference of spec §3" [
        yield! reference.Value.GetProperty("cases").EnumerateArray() |> Seq.map caseTest
        test "anomaly without thresholds raises when require_thresholds" {
            let model =
                Definition.create "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector" [
                    "base_estimator", Value.String "sklearn.linear_model.LinearRegression"
                ]
                :?> DiffDetector

            let x = Array2D.init 20 2 (fun i j -> float (i * (j + 1)))
            model.Fit(x, x)

            let input = {
                InputNames = [| "a"; "b" |]
                TargetNames = [| "a"; "b" |]
                Index = None
                Frequency = None
            }

            Expect.throwsT<ThresholdsMissingException> (fun () -> model.Anomaly(x, x, input) |> ignore) "no thresholds"
        }
    ]
