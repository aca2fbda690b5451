module Gordo.Tests.Models.AutoEncoderParityTests

open Expecto
open TorchSharp
open Gordo.Models
open Gordo.Models.Networks
open Gordo.Models.Torch

let private reference = lazy (Reference.load "autoencoder.json")

let private vector (name: string) =
    reference.Value.GetProperty(name).EnumerateArray()
    |> Seq.map Reference.number
    |> Array.ofSeq

let private options = {
    Epochs = 4
    BatchSize = 32
    ValidationSplit = 0.2
    Shuffle = false
    Seed = 0
    EarlyStopping = None
}

let private expectHistory (history: History) =
    for key, values in history do
        let expected =
            reference.Value.GetProperty("history").GetProperty(key).EnumerateArray()
            |> Seq.map Reference.number
            |> Array.ofSeq

        Reference.close 1e-5 (Matrix.ofVector (Array.ofList values)) (Matrix.ofVector expected) key

[<Tests>]
let tests =
    testList "Models.Networks parity with PyTorch" [
        test "the managed trainer (Keras Adam, L1 activity, validation split) matches the PyTorch loop" {
            let x = Reference.matrix (reference.Value.GetProperty "X")

            let spec =
                Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 6 6

            Expect.isTrue (ManagedTraining.supports spec) "the hourglass trains in managed code"
            let weights = vector "initial" |> Array.map float32
            let history, steps = ManagedTraining.fit spec weights options x x
            Expect.equal steps 5 "steps per epoch"
            Expect.equal (history |> List.map fst) [ "loss"; "accuracy"; "val_loss"; "val_accuracy" ] "keys"
            expectHistory history
            let final = weights |> Array.map float
            Reference.closeToScale 1e-5 (Matrix.ofVector final) (Matrix.ofVector (vector "final")) "final weights"

            Reference.closeToScale
                1e-5
                (ManagedForward.run spec weights x)
                (Reference.matrix (reference.Value.GetProperty "prediction"))
                "prediction"
        }
        test "feedforward_hourglass training (Keras Adam, L1 activity, validation split) matches the PyTorch loop" {
            let x = Reference.matrix (reference.Value.GetProperty "X")

            let spec =
                Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 6 6

            let parameters =
                (Tensors.ofArray (vector "initial" |> Array.map float32)).requires_grad_ ()

            use xt = Tensors.ofMatrix x
            let history, steps = TorchTraining.fit spec parameters options xt xt
            Expect.equal steps 5 "steps per epoch"
            expectHistory history

            let final = parameters.data<float32>().ToArray() |> Array.map float
            Reference.closeToScale 1e-5 (Matrix.ofVector final) (Matrix.ofVector (vector "final")) "final weights"
            use _ = torch.no_grad ()
            let output, _ = Forward.run spec parameters false xt

            Reference.closeToScale
                1e-5
                (Tensors.toMatrix output)
                (Reference.matrix (reference.Value.GetProperty "prediction"))
                "prediction"
        }
    ]
