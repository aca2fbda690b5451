module Gordo.Tests.Models.OptimizerParityTests

open System.Text.Json
open Expecto
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Networks
open Gordo.Models.Torch

let private reference = lazy (Reference.load "optimizers.json")

let private vector (e: JsonElement) =
    e.EnumerateArray() |> Seq.map Reference.number |> Array.ofSeq

let private options = {
    Epochs = 1
    BatchSize = 4
    ValidationSplit = 0.0
    Shuffle = false
    Seed = 0
    EarlyStopping = None
}

let private network loss optimizer = {
    Inputs = 3
    Layers = [ Layer.Dense(4, "tanh", 0.0); Layer.Dense(2, "linear", 0.0) ]
    Loss = loss
    Optimizer = optimizer
    Metrics = []
}

let private optimizerOf (case: JsonElement) =
    let settings = case.GetProperty "settings"

    let number (keys: string list) fallback =
        keys
        |> List.tryPick (fun k ->
            match settings.TryGetProperty k with
            | true, v when v.ValueKind = JsonValueKind.Number -> Some(v.GetDouble())
            | _ -> None)
        |> Option.defaultValue fallback

    let flag key =
        match settings.TryGetProperty(key: string) with
        | true, v -> v.ValueKind = JsonValueKind.True
        | _ -> false

    Optimizers.create (case.GetProperty("name").GetString()) number flag

type private Trainer = NetworkSpec -> float32[] -> Matrix -> Matrix -> History

let private managed: Trainer =
    fun spec weights x y -> ManagedTraining.fit spec weights options x y |> fst

let private torchSharp: Trainer =
    fun spec weights x y ->
        (TorchBackend() :> INetworkBackend).Train(spec, weights, options, None, x, y)
        |> fst

let private check (trainer: Trainer) (spec: NetworkSpec) (case: JsonElement) (what: string) =
    let x = Reference.matrix (reference.Value.GetProperty "X")
    let y = Reference.matrix (reference.Value.GetProperty "Y")
    let weights = vector (reference.Value.GetProperty "initial") |> Array.map float32
    let history = trainer spec weights x y
    let loss = history |> List.find (fst >> (=) "loss") |> snd |> List.head
    let expectedLoss = case.GetProperty("loss").GetDouble()
    Expect.floatClose { absolute = 1e-6; relative = 1e-5 } loss expectedLoss $"%s{what}: epoch loss"

    Reference.closeToScale
        1e-5
        (Matrix.ofVector (weights |> Array.map float))
        (Matrix.ofVector (vector (case.GetProperty "final")))
        $"%s{what}: weights after two steps"

let private cases (key: string) =
    reference.Value.GetProperty(key).EnumerateArray() |> List.ofSeq

let private backends = [ "managed", managed; "TorchSharp", torchSharp ]

[<Tests>]
let tests =
    testList "Models.Networks optimizers and losses match PyTorch" [
        for backendName, trainer in backends do
            test $"every optimizer, two steps ({backendName})" {
                for case in cases "optimizers" do
                    let label = case.GetProperty("label").GetString()
                    check trainer (network "mean_squared_error" (optimizerOf case)) case label
            }

            test $"every loss, two SGD steps ({backendName})" {
                for case in cases "losses" do
                    let name = case.GetProperty("name").GetString()
                    check trainer (network name (Optimizer.Sgd(0.01, 0.0, false))) case name
            }
        test "the reference covers every optimizer and loss validate accepts" {
            let names key =
                cases key |> List.map (fun c -> c.GetProperty("name").GetString()) |> set

            let accepted table =
                Vocabulary.implemented table |> List.map _.Name |> set

            Expect.equal (names "optimizers") (accepted Vocabulary.optimizers) "optimizers"
            Expect.equal (names "losses") (accepted Vocabulary.losses) "losses"
        }
    ]
