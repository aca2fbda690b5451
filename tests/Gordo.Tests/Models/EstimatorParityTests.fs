module Gordo.Tests.Models.EstimatorParityTests

open System.Text.Json
open Expecto
open Gordo.Models
open Gordo.Models.Definitions
open Gordo.Core
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

        match c.GetProperty("names").ValueKind with
        | JsonValueKind.Array ->
            model.BindColumnNames(c.GetProperty("names").EnumerateArray() |> Seq.map _.GetString() |> Array.ofSeq)
        | _ -> ()

        model.Fit(x, y)

        let output =
            match c.GetProperty("method").GetString() with
            | "predict" -> model.Predict x
            | _ -> model.Transform x

        Reference.close 1e-9 output (Reference.matrix (c.GetProperty "output")) name

        match c.GetProperty("score").ValueKind with
        | JsonValueKind.Number ->
            let expected = c.GetProperty("score").GetDouble()
            let actual = model.Score(x, input "Ynoisy")
            Reference.close 1e-9 (array2D [ [ actual ] ]) (array2D [ [ expected ] ]) (name + " score")
        | _ -> ()
    }

let private caseDefinition (name: string) =
    reference.Value.GetProperty("cases").EnumerateArray()
    |> Seq.find (fun c -> c.GetProperty("name").GetString() = name)

let private scalar (actual: float) (expected: float) (what: string) =
    Reference.close 1e-9 (array2D [ [ actual ] ]) (array2D [ [ expected ] ]) what

let private scoreTests =
    testList "score" [
        test "r2 and explained variance, multi-output with constant columns, as scikit-learn" {
            let metrics = reference.Value.GetProperty "metrics"
            let yTrue = Reference.matrix (metrics.GetProperty "y_true")
            let yPred = Reference.matrix (metrics.GetProperty "y_pred")
            scalar (Stats.r2 yTrue yPred) (metrics.GetProperty("r2_score").GetDouble()) "r2_score"

            scalar
                (Stats.explainedVariance yTrue yPred)
                (metrics.GetProperty("explained_variance_score").GetDouble())
                "explained_variance_score"
        }
        test "DiffBasedAnomalyDetector scores with its base estimator (Gordo delegates)" {
            let case = caseDefinition "pipeline-list-form-regressor"

            let detector =
                Definition.create "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector" [
                    "base_estimator", Reference.value (case.GetProperty "definition")
                ]

            detector.Fit(input "X", input "Y")
            let expected = case.GetProperty("score").GetDouble()
            scalar (detector.Score(input "X", input "Ynoisy")) expected "detector score"
        }
        test "KerasAutoEncoder scores the explained variance of its prediction (Gordo), not before fit" {
            let model =
                Definition.create "gordo.machine.model.models.KerasAutoEncoder" [
                    "kind", Value.String "feedforward_hourglass"
                    "epochs", Value.Int 2L
                ]

            Expect.throwsT<NotFittedException> (fun () -> model.Score(input "X", input "X") |> ignore) "unfitted"
            model.Fit(input "X", input "X")
            let expected = Stats.explainedVariance (input "X") (model.Predict(input "X"))
            scalar (model.Score(input "X", input "X")) expected "explained variance"
        }
        test "models without a score say so" {
            let scaler = Definition.create "sklearn.preprocessing.MinMaxScaler" []
            scaler.Fit(input "X", input "X")

            Expect.throwsT<System.NotSupportedException>
                (fun () -> scaler.Score(input "X", input "X") |> ignore)
                "no score"
        }
    ]

let private namedColumnTests =
    let definition (columns: Value) =
        Definition.fromValue (
            Value.Map [
                "sklearn.compose.ColumnTransformer",
                Value.Map [
                    "transformers",
                    Value.List [
                        Value.List [ Value.String "a"; Value.String "sklearn.preprocessing.MinMaxScaler"; columns ]
                    ]
                ]
            ]
        )

    let tags = [| "Tag 1"; "Tag 2"; "Tag 3"; "Tag 4"; "Tag 5" |]
    let byName = Value.List [ Value.String "Tag 3"; Value.String "Tag 1" ]

    testList "ColumnTransformer columns by name" [
        test "names select the same columns as their indices, in the given order" {
            let named = definition byName
            named.BindColumnNames tags
            named.Fit(input "X", input "X")
            let indexed = definition (Value.List [ Value.Int 2L; Value.Int 0L ])
            indexed.Fit(input "X", input "X")
            Reference.close 0.0 (named.Transform(input "X")) (indexed.Transform(input "X")) "same output"
        }
        test "names without named input, unknown names and mixed selectors are clear errors" {
            Expect.throwsT<ModelInputException> (fun () -> (definition byName).Fit(input "X", input "X")) "unnamed"
            let unknown = definition (Value.List [ Value.String "Tag 9" ])
            unknown.BindColumnNames tags
            Expect.throwsT<ModelInputException> (fun () -> unknown.Fit(input "X", input "X")) "unknown name"

            Expect.throwsT<ModelDefinitionException>
                (fun () -> definition (Value.List [ Value.String "Tag 1"; Value.Int 0L ]) |> ignore)
                "mixed"
        }
        test "clones keep the names, and a saved state transforms unnamed input" {
            let named = definition byName
            named.BindColumnNames tags
            let clone = named.Clone()
            clone.Fit(input "X", input "X")
            let restored = definition byName
            restored.LoadState(clone.SaveState())
            Reference.close 0.0 (restored.Transform(input "X")) (clone.Transform(input "X")) "restored"
        }
    ]

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
        scoreTests
        namedColumnTests
        test "sklearn.utils.shuffle(random_state=0) order" {
            let expected = Reference.ints (reference.Value.GetProperty "shuffle_37_seed_0")
            let actual = Array.init 37 id
            (NumpyRandom(0u)).Shuffle actual
            Expect.equal actual expected "numpy RandomState(0).shuffle"
        }
    ]
