module Gordo.Tests.Models.EstimatorParityTests

open System.Text.Json
open Expecto
open Gordo.Models
open Gordo.Models.Definitions
open Gordo.Models.Selection

let private reference = lazy (Reference.load "estimators.json")

let private input (name: string) =
    Reference.matrix (reference.Value.GetProperty("inputs").GetProperty name)

let private caseTest (c: JsonElement) =
    let name = c.GetProperty("name").GetString()

    test name {
        let model = Definition.fromValue (Reference.value (c.GetProperty "definition"))
        let x = input (c.GetProperty("x").GetString())

        let y =
            match c.GetProperty("y").ValueKind with
            | JsonValueKind.Null -> x
            | _ -> input (c.GetProperty("y").GetString())

        model.Fit(x, y)

        let output =
            match c.GetProperty("method").GetString() with
            | "predict" -> model.Predict x
            | _ -> model.Transform x

        Reference.close 1e-9 output (Reference.matrix (c.GetProperty "output")) name
    }

let private splitTest (c: JsonElement) =
    let name = c.GetProperty("name").GetString()

    test name {
        let splitter =
            Definition.fromValue (Reference.value (c.GetProperty "definition")) :?> Splitter

        let actual = splitter.Split(c.GetProperty("n").GetInt32())

        let expected =
            c.GetProperty("splits").EnumerateArray()
            |> Seq.map (fun s -> Reference.ints (s.GetProperty "train"), Reference.ints (s.GetProperty "test"))
            |> List.ofSeq

        Expect.equal (actual |> List.map (fun s -> s.Train, s.Test)) expected name
    }

[<Tests>]
let tests =
    testList "Models.Estimators parity with scikit-learn 1.2" [
        testList
            "transform/predict"
            (reference.Value.GetProperty("cases").EnumerateArray()
             |> Seq.map caseTest
             |> List.ofSeq)
        testList
            "splitters"
            (reference.Value.GetProperty("splits").EnumerateArray()
             |> Seq.map splitTest
             |> List.ofSeq)
        test "sklearn.utils.shuffle(random_state=0) order" {
            let expected = Reference.ints (reference.Value.GetProperty "shuffle_37_seed_0")
            let actual = Array.init 37 id
            (NumpyRandom(0u)).Shuffle actual
            Expect.equal actual expected "numpy RandomState(0).shuffle"
        }
    ]
