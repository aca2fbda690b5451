module Gordo.Tests.Models.LstmParityTests

open Expecto
open TorchSharp
open Gordo.Models
open Gordo.Models.Networks
open Gordo.Models.Torch

let private reference = lazy (Reference.load "lstm.json")

let private vector (name: string) =
    reference.Value.GetProperty(name).EnumerateArray()
    |> Seq.map Reference.number
    |> Array.ofSeq

let private matrix (name: string) =
    Reference.matrix (reference.Value.GetProperty name)

let private spec () =
    Factories.build "gordo.machine.model.models.KerasLSTMAutoEncoder" "lstm_hourglass" [] 3 3

[<Tests>]
let tests =
    testList "Models.Networks LSTM parity with PyTorch" [
        test "lstm_hourglass forward pass with fixed weights matches torch.nn.LSTM" {
            let network = spec ()
            Expect.equal (Layout.size network) (vector "initial").Length "parameter count and layout"
            use parameters = Tensors.ofArray (vector "initial" |> Array.map float32)
            use xt = Tensors.ofMatrix (matrix "X")
            use windows = Windows.inputs xt 4 0
            use _ = torch.no_grad ()
            let output, _ = Forward.run network parameters false windows
            Reference.closeToScale 1e-5 (Tensors.toMatrix output) (matrix "forward_initial") "forward"
        }
        test "priming step then 2 epochs (batch 8, Keras Adam) match the PyTorch loop" {
            let network = spec ()

            let parameters =
                (Tensors.ofArray (vector "initial" |> Array.map float32)).requires_grad_ ()

            use xt = Tensors.ofMatrix (matrix "X")
            use windows = Windows.inputs xt 4 0
            use targets = Windows.targets xt 4 0

            let options = {
                Epochs = 2
                BatchSize = 8
                ValidationSplit = 0.0
                Shuffle = false
                Seed = 0
                EarlyStopping = None
            }

            let history, steps =
                TorchTraining.fitPrimed network parameters options windows targets

            Expect.equal steps 4 "27 windows in batches of 8"
            let losses = history |> List.find (fst >> (=) "loss") |> snd |> Array.ofList
            Reference.close 1e-5 (Matrix.ofVector losses) (Matrix.ofVector (vector "loss")) "loss per epoch"
            let final = parameters.data<float32>().ToArray() |> Array.map float
            Reference.closeToScale 1e-5 (Matrix.ofVector final) (Matrix.ofVector (vector "final")) "final weights"
            use _ = torch.no_grad ()
            let output, _ = Forward.run network parameters false windows
            Reference.closeToScale 1e-5 (Tensors.toMatrix output) (matrix "prediction") "prediction"
        }
        test "forecast windows target the row after each window" {
            use xt = Tensors.ofMatrix (matrix "X")
            use targets = Windows.targets xt 4 1

            Expect.equal
                (Tensors.toMatrix targets)
                (matrix "forecast_targets" |> Array2D.map (float32 >> float))
                "targets"
        }
    ]
