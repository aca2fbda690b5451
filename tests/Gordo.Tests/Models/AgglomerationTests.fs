module Gordo.Tests.Models.AgglomerationTests

open System.Text.Json
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions

let private reference = lazy (Reference.load "agglomeration.json")

let private x () =
    Reference.matrix (reference.Value.GetProperty "X")

let private agglomeration (parameters: (string * Value) list) : Estimator =
    Definition.create "sklearn.cluster.FeatureAgglomeration" parameters

let private caseTest (c: JsonElement) =
    let parameters =
        match Reference.value (c.GetProperty "params") with
        | Value.Map pairs -> pairs
        | _ -> []

    test $"%A{parameters}: labels, transform and inverse as scikit-learn" {
        let model = agglomeration parameters
        model.Fit(x (), x ())
        let labels = (model :?> Cluster.FeatureAgglomeration).Labels
        Expect.equal labels (Reference.ints (c.GetProperty "labels")) "labels_"
        let z = model.Transform(x ())
        Reference.close 1e-9 z (Reference.matrix (c.GetProperty "transform")) "transform"
        Reference.close 1e-9 (model.InverseTransform z) (Reference.matrix (c.GetProperty "inverse")) "inverse"
    }

let private behaviour =
    testList "behaviour" [
        test "state round-trips" {
            let model =
                agglomeration [ "n_clusters", Value.Int 3L; "linkage", Value.String "average" ]

            model.Fit(x (), x ())
            let copy = model.Clone()
            copy.LoadState(model.SaveState())
            Expect.equal (copy.Transform(x ())) (model.Transform(x ())) "transform"
        }
        test "bad definitions and inputs are diagnosed" {
            let definitionError (parameters: (string * Value) list) (expected: string) =
                try
                    agglomeration parameters |> ignore
                    failtest $"%A{parameters} accepted"
                with :? ModelDefinitionException as e ->
                    Expect.stringContains e.Message expected "names the problem"

            definitionError [ "metric", Value.String "cosine" ] "metric"
            definitionError [ "n_clusters", Value.Null ] "distance_threshold"
            definitionError [ "connectivity", Value.List [] ] "connectivity"
            let model = agglomeration [ "n_clusters", Value.Int 20L ]
            Expect.throwsT<ModelInputException> (fun () -> model.Fit(x (), x ())) "more clusters than features"
            let one = agglomeration []

            Expect.throwsT<ModelInputException>
                (fun () -> one.Fit(Array2D.zeroCreate 5 1, Array2D.zeroCreate 5 1))
                "1 column"
        }
    ]

[<Tests>]
let tests =
    testList "Models.FeatureAgglomeration" [
        testList
            "parity"
            (reference.Value.GetProperty("cases").EnumerateArray()
             |> Seq.map caseTest
             |> List.ofSeq)
        behaviour
    ]
