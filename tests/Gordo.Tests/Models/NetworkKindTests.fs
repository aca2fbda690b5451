module Gordo.Tests.Models.NetworkKindTests

open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Models.Networks

let private factories = "gordo.machine.model.factories."
let private wrappers = "gordo.machine.model.models."

let private data (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> cos (float i / 4.0 + float j) * 0.4 + 0.05 * float j)

let private create (classPath: string) (kind: string) =
    Definition.create (wrappers + classPath) [
        "kind", Value.String kind
        "epochs", Value.Int 2L
        "lookback_window", Value.Int 3L
    ]

let private kindOf (model: Estimator) =
    match Definition.intoValue model with
    | Value.Map [ _, Value.Map parameters ] -> parameters |> List.find (fst >> (=) "kind") |> snd
    | other -> failwithf "unexpected %A" other

let private sameAsRegistered (classPath: string) (registered: string) (dotted: string) =
    test $"%s{classPath}: %s{dotted} trains the %s{registered} network and keeps the path it was given" {
        Expect.equal
            (Factories.build (wrappers + classPath) dotted [] 6 6)
            (Factories.build (wrappers + classPath) registered [] 6 6)
            "same network"

        let x = data 40 3
        let byPath, byName = create classPath dotted, create classPath registered
        byPath.Fit(x, x)
        byName.Fit(x, x)
        Expect.equal (byPath.Predict x) (byName.Predict x) "same training, same seed"
        Expect.equal (kindOf byPath) (Value.String dotted) "into_definition keeps what the user wrote"
        let loaded = (Artifact.loads (Artifact.dumps byPath (Value.Map []))).Model
        Expect.equal (kindOf loaded) (Value.String dotted) "artifact round trip"
        Expect.equal (loaded.Predict x) (byPath.Predict x) "loaded predictions"
    }

let private rejected (classPath: string) (kind: string) (text: string) =
    let error = Expect.throwsC (fun () -> create classPath kind |> ignore) id
    Expect.isTrue (error :? ModelDefinitionException) $"a definition error, not %s{error.GetType().Name}"
    Expect.stringContains error.Message text kind

[<Tests>]
let tests =
    testList "Models.Network kinds" [
        sameAsRegistered
            "KerasAutoEncoder"
            "feedforward_hourglass"
            (factories + "feedforward_autoencoder.feedforward_hourglass")
        sameAsRegistered "KerasLSTMForecast" "lstm_symmetric" (factories + "lstm_autoencoder.lstm_symmetric")
        test "unknown modules and functions fail with Gordo's texts" {
            rejected
                "KerasAutoEncoder"
                "mine.factories.wide"
                "kind: mine.factories.wide, unable to find module: 'mine.factories'"

            rejected
                "KerasLSTMAutoEncoder"
                (factories + "lstm_autoencoder.lstm_wide")
                $"unable to find class lstm_wide in module '%s{factories}lstm_autoencoder'"

            rejected
                "KerasAutoEncoder"
                "lstm_model"
                "kind: lstm_model is not an available model for type: KerasAutoEncoder!"
        }
    ]
