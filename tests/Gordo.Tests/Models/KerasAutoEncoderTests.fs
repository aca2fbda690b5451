module Gordo.Tests.Models.KerasAutoEncoderTests

open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions
open Gordo.Models.Networks

let private data (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> sin (float i / 7.0 + float j) * 0.5 + 0.1 * float j)

let private autoEncoder (parameters: (string * Value) list) =
    Definition.create
        "gordo.machine.model.models.KerasAutoEncoder"
        (("kind", Value.String "feedforward_hourglass") :: parameters)
    :?> KerasAutoEncoder

let private layerSizes (network: NetworkSpec) =
    network.Layers
    |> List.choose (function
        | Layer.Dense(units, _, _) -> Some units
        | _ -> None)

[<Tests>]
let tests =
    testList "Models.KerasAutoEncoder" [
        testList "hourglass_calc_dims pinned examples (spec §2.4)" [
            for (c, l, n), expected in
                [
                    (0.2, 4, 5), [ 4; 3; 2; 1 ]
                    (0.5, 3, 10), [ 8; 7; 5 ]
                    (0.5, 3, 3), [ 3; 2; 2 ]
                    (0.3, 3, 10), [ 8; 5; 3 ]
                    (1.0, 3, 10), [ 10; 10; 10 ]
                    (0.0, 3, 100000), [ 66667; 33334; 1 ]
                ] -> test $"({c}, {l}, {n})" { Expect.equal (Factories.hourglassDims c l n) expected "dims" }
        ]
        test "hourglass layer list for n=10 and n=5, with activations and regularisers" {
            let spec10 =
                Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 10 10

            Expect.equal (layerSizes spec10) [ 8; 7; 5; 5; 7; 8; 10 ] "n=10"

            let spec5 =
                Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 5 5

            Expect.equal (layerSizes spec5) [ 4; 4; 3; 3; 4; 4; 5 ] "n=5"

            Expect.equal
                (spec10.Layers
                 |> List.map (function
                     | Layer.Dense(_, f, l1) -> f, l1
                     | _ -> "", 0.0))
                [
                    "tanh", 0.0
                    "tanh", 1e-4
                    "tanh", 1e-4
                    "tanh", 0.0
                    "tanh", 0.0
                    "tanh", 0.0
                    "linear", 0.0
                ]
                "activations and L1 activity regularisers"

            Expect.equal spec10.Optimizer (Optimizer.Adam(0.001, 0.9, 0.999, 1e-7, false)) "Keras Adam defaults"
            Expect.equal spec10.Metrics [ "accuracy" ] "default metrics"
        }
        test "mismatched encoding_dim/encoding_func is an error" {
            Expect.throwsT<ModelDefinitionException>
                (fun () ->
                    Factories.build
                        "gordo.machine.model.models.KerasAutoEncoder"
                        "feedforward_model"
                        [ "encoding_dim", Arg.Plain(Value.List [ Value.Int 3L ]) ]
                        5
                        5
                    |> ignore)
                "lengths differ"
        }
        test "training reduces the loss, records history, and is deterministic under a seed" {
            let x = data 300 6

            let fit () =
                let model =
                    autoEncoder [ "epochs", Value.Int 5L; "validation_split", Value.Float 0.1 ]

                model.Seed <- 7
                model.Fit(x, x)
                model

            let a, b = fit (), fit ()
            Expect.equal (a.History |> List.map fst) [ "loss"; "accuracy"; "val_loss"; "val_accuracy" ] "history keys"
            let losses = a.History |> List.find (fst >> (=) "loss") |> snd
            Expect.equal losses.Length 5 "one value per epoch"
            Expect.isLessThan (List.last losses) (List.head losses) "loss decreases"
            Expect.equal (a.Predict x) (b.Predict x) "same seed, same model"
            Expect.equal (Matrix.cols (a.Predict x)) 6 "output width"
        }
        test "EarlyStopping stops training and the definition keeps only the given kwargs" {
            let spec =
                SpecValue.toSpec (
                    Value.Map [
                        "gordo.machine.model.models.KerasAutoEncoder",
                        Value.Map [
                            "kind", Value.String "feedforward_hourglass"
                            "epochs", Value.Int 200L
                            "validation_split", Value.Float 0.2
                            "callbacks",
                            Value.List [
                                Value.Map [
                                    "tensorflow.keras.callbacks.EarlyStopping",
                                    Value.Map [
                                        "monitor", Value.String "val_loss"
                                        "patience", Value.Int 1L
                                        "min_delta", Value.Float 10.0
                                    ]
                                ]
                            ]
                        ]
                    ]
                )

            let model = Definition.fromSpec spec :?> KerasAutoEncoder
            let x = data 100 4
            model.Fit(x, x)
            let epochs = model.History |> List.head |> snd |> List.length
            Expect.equal epochs 2 "stopped after patience ran out"

            match Definition.intoValue model with
            | Value.Map [ _, Value.Map parameters ] ->
                Expect.equal
                    (parameters |> List.map fst)
                    [
                        "epochs"
                        "validation_split"
                        "callbacks"
                        "n_features"
                        "n_features_out"
                        "kind"
                    ]
                    "Gordo's into_definition shape"
            | other -> failtestf "unexpected %A" other
        }
        test "saved state restores the same predictions" {
            let x = data 64 5
            let model = autoEncoder []
            model.Fit(x, x)
            let copy = autoEncoder []
            copy.LoadState(model.SaveState())
            Expect.equal (copy.Predict x) (model.Predict x) "same outputs"
        }
    ]
