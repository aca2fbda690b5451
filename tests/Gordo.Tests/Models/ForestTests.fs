module Gordo.Tests.Models.ForestTests

open System.Text.Json
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions

let private reference = lazy (Reference.load "forest.json")

/// X, the targets of a case ("single" or "multi") and the first test row.
let private data (kind: string) =
    let x = Reference.matrix (reference.Value.GetProperty "X")
    let y = Reference.matrix (reference.Value.GetProperty "Y")
    let y = if kind = "single" then Matrix.takeColumns [| 0 |] y else y
    x, y, reference.Value.GetProperty("train_rows").GetInt32()

let private split (first: int) (m: Matrix) =
    Matrix.takeRows [| 0 .. first - 1 |] m, Matrix.takeRows [| first .. Matrix.rows m - 1 |] m

let private forest (parameters: (string * Value) list) : Estimator =
    Definition.create "sklearn.ensemble.RandomForestRegressor" parameters

let private parametersOf (c: JsonElement) =
    match Reference.value (c.GetProperty "params") with
    | Value.Map pairs -> pairs
    | _ -> []

/// Fits the case's forest on the training rows; returns its test-set predictions and truth.
let private fitCase (c: JsonElement) (seed: int64) =
    let x, y, first = data (c.GetProperty("targets").GetString())
    let xTrain, xTest = split first x
    let yTrain, yTest = split first y
    let model = forest (("random_state", Value.Int seed) :: parametersOf c)
    model.Fit(xTrain, yTrain)
    model.Predict xTest, yTest

let private r2Test (c: JsonElement) =
    let name = c.GetProperty("name").GetString()

    test $"test-set R² within 0.02 of scikit-learn's: %s{name}" {
        let predicted, truth = fitCase c 0L
        let expected = c.GetProperty("r2").GetDouble()
        let actual = Stats.r2 truth predicted
        Expect.isLessThanOrEqual (abs (actual - expected)) 0.02 $"R² %.4f{actual} vs scikit-learn %.4f{expected}"
    }

let private caseNamed (name: string) =
    reference.Value.GetProperty("cases").EnumerateArray()
    |> Seq.find (fun c -> c.GetProperty("name").GetString() = name)

let private sameAsSklearn =
    test "no bootstrap over every feature grows scikit-learn's trees (predictions to 1e-9)" {
        let c = caseNamed "exact"
        let predicted, _ = fitCase c 0L
        Reference.close 1e-9 predicted (Reference.matrix (c.GetProperty "predictions")) "exact"
    }

let private outOfBag =
    test "oob_score_ within 0.02 of scikit-learn's" {
        let c = caseNamed "oob"
        let x, y, first = data "multi"
        let model = forest (("random_state", Value.Int 0L) :: parametersOf c)
        model.Fit(fst (split first x), fst (split first y))
        let actual = (model :?> Ensemble.RandomForestRegressor).OobScore
        let expected = c.GetProperty("oob_score").GetDouble()
        Expect.isLessThanOrEqual (abs (actual - expected)) 0.02 $"oob %.4f{actual} vs scikit-learn %.4f{expected}"
    }

let private behaviour =
    testList "behaviour" [
        test "deterministic for a random_state, different for another" {
            let c = caseNamed "sqrt"
            let a, _ = fitCase c 3L
            let b, _ = fitCase c 3L
            let other, _ = fitCase c 4L
            Expect.equal a b "same seed"
            Expect.notEqual a other "other seed"
        }
        test "random_state null takes the evaluation seed" {
            let x, y, _ = data "multi"

            let seeded (seed: int) =
                let model =
                    Definition.build
                        (ModelContext.seeded seed)
                        (SpecValue.toSpec (Value.String "sklearn.ensemble.RandomForestRegressor"))

                model.Fit(x, y)
                model.Predict x

            Expect.equal (seeded 1) (seeded 1) "same evaluation seed"
            Expect.notEqual (seeded 1) (seeded 2) "other evaluation seed"
        }
        test "state round-trips: the loaded forest predicts the same" {
            let x, y, _ = data "multi"
            let model = forest [ "n_estimators", Value.Int 5L; "max_depth", Value.Int 4L ]
            model.Fit(x, y)
            let copy = model.Clone()
            copy.LoadState(model.SaveState())
            Expect.equal (copy.Predict x) (model.Predict x) "predictions"
        }
        test "unsupported and invalid parameters fail at construction with the parameter named" {
            for parameters, expected in
                [
                    [ "max_features", Value.String "half" ], "max_features"
                    [ "min_samples_leaf", Value.Int 0L ], "min_samples_leaf"
                    [ "criterion", Value.String "poisson" ], "criterion"
                    [ "max_leaf_nodes", Value.Int 8L ], "max_leaf_nodes"
                    [ "oob_score", Value.Bool true; "bootstrap", Value.Bool false ], "oob_score"
                    [ "n_estimators", Value.Int 0L ], "n_estimators"
                ] do
                try
                    forest parameters |> ignore
                    failtest $"%A{parameters} accepted"
                with :? ModelDefinitionException as e ->
                    Expect.stringContains e.Message expected "names the parameter"
        }
        test "bad input: NaN in X and a wrong feature count are diagnosed" {
            let model = forest [ "n_estimators", Value.Int 2L ]
            let bad = Array2D.init 10 2 (fun i j -> if i = 3 then nan else float (i + j))
            Expect.throwsT<ModelInputException> (fun () -> model.Fit(bad, bad)) "NaN"
            let good = Array2D.init 10 2 (fun i j -> float (i * j))
            model.Fit(good, good)
            Expect.throwsT<ModelInputException> (fun () -> model.Predict(Array2D.zeroCreate 2 3) |> ignore) "features"
        }
    ]

[<Tests>]
let tests =
    testList "Models.RandomForest" [
        testList
            "parity"
            (reference.Value.GetProperty("cases").EnumerateArray()
             |> Seq.filter (fun c -> not (List.contains (c.GetProperty("name").GetString()) [ "exact"; "oob" ]))
             |> Seq.map r2Test
             |> List.ofSeq)
        sameAsSklearn
        outOfBag
        behaviour
    ]
