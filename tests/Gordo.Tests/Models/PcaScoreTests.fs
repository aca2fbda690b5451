module Gordo.Tests.Models.PcaScoreTests

open System.Text.Json
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Models.Composition
open Gordo.Models.Decomposition
open Gordo.Models.Definitions

let private reference = lazy (Reference.load "pca_score.json")

let private input (name: string) =
    Reference.matrix (reference.Value.GetProperty name)

let private scalar (actual: float) (expected: float) (what: string) =
    Reference.close 1e-9 (array2D [ [ actual ] ]) (array2D [ [ expected ] ]) what

/// The PCA that scores: the model itself, or the last step of a pipeline with the rows it sees.
let private finalPca (model: Estimator) (x: Matrix) : Pca * Matrix =
    match model with
    | :? Pipeline as p ->
        let prefix = p.Steps |> List.take (p.Steps.Length - 1)
        List.last p.Steps :?> Pca, prefix |> List.fold (fun acc (s: Estimator) -> s.Transform acc) x
    | _ -> model :?> Pca, x

let private caseTest (c: JsonElement) =
    let name = c.GetProperty("name").GetString()

    test name {
        let model = Definition.fromValue (Reference.value (c.GetProperty "definition"))
        let x, test = input "X", input "Xtest"
        model.Fit(x, x)
        scalar (model.Score(x, x)) (c.GetProperty("score_train").GetDouble()) $"%s{name} score(X)"
        scalar (model.Score(test, test)) (c.GetProperty("score_test").GetDouble()) $"%s{name} score(Xtest)"
        let pca, transformed = finalPca model test

        let expected =
            c.GetProperty("score_samples_test").EnumerateArray() |> Seq.map Reference.number

        let row (values: float seq) = array2D [ values ]
        Reference.close 1e-9 (row (pca.ScoreSamples transformed)) (row expected) name
    }

let private pca (parameters: (string * Value) list) =
    Definition.create "sklearn.decomposition.PCA" parameters :?> Pca

let private behaviourTests =
    testList "behaviour" [
        test "the score survives an artifact round trip" {
            let model = pca [ "n_components", Value.Int 2L ]
            model.Fit(input "X", input "X")
            let loaded = (Artifact.loads (Artifact.dumps model (Value.Map []))).Model
            Expect.equal (loaded.Score(input "Xtest", input "Xtest")) (model.Score(input "Xtest", input "Xtest")) "same"
        }
        test "unfitted, wrong width and NaN input are explained errors" {
            let model = pca [ "n_components", Value.Int 2L ]
            Expect.throwsT<NotFittedException> (fun () -> model.Score(input "X", input "X") |> ignore) "unfitted"
            model.Fit(input "X", input "X")
            let narrow = Matrix.takeColumns [| 0; 1 |] (input "X")
            Expect.throwsT<ModelInputException> (fun () -> model.Score(narrow, narrow) |> ignore) "width"
            let holes = input "X" |> Matrix.mapColumns (fun j v -> if j = 1 then nan else v)
            Expect.throwsT<ModelInputException> (fun () -> model.Score(holes, holes) |> ignore) "NaN"
        }
        test "a model with every component of fewer rows than features is singular: a clear error" {
            let model = pca []
            let few = Matrix.takeRows [| 0..3 |] (input "X")
            model.Fit(few, few)
            Expect.throwsT<ModelInputException> (fun () -> model.Score(few, few) |> ignore) "singular"
        }
    ]

[<Tests>]
let tests =
    testList "Models.PCA score parity with scikit-learn 1.2" [
        testList
            "score and score_samples"
            (reference.Value.GetProperty("cases").EnumerateArray()
             |> Seq.map caseTest
             |> List.ofSeq)
        behaviourTests
    ]
