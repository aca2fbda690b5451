namespace Gordo.Models.Networks

open System
open TorchSharp
open Gordo.Models

/// One Keras layer of a network.
[<RequireQualifiedAccess>]
type Layer =
    /// Dense(units, activation) with an optional L1 activity regulariser factor (0 = none).
    | Dense of units: int * activation: string * activityL1: float
    /// Dropout(rate): identity at prediction time.
    | Dropout of rate: float

/// The optimizer of a compiled network (Keras semantics and defaults).
[<RequireQualifiedAccess>]
type Optimizer =
    /// Adam(learning_rate, beta_1, beta_2, epsilon) with Keras' epsilon placement.
    | Adam of learningRate: float * beta1: float * beta2: float * epsilon: float
    /// SGD(learning_rate, momentum).
    | Sgd of learningRate: float * momentum: float

/// A compiled feed-forward network: input width, layers, loss, optimizer and metrics.
type NetworkSpec = {
    /// Number of input features.
    Inputs: int
    /// Layers in order (the last one is the output layer).
    Layers: Layer list
    /// `mse` or `mae`.
    Loss: string
    /// The optimizer.
    Optimizer: Optimizer
    /// Keras metrics to record per epoch (`accuracy` is supported).
    Metrics: string list
}

/// TorchSharp scalars from floats (explicit: implicit conversions are warnings here).
[<AutoOpen>]
module internal ScalarOps =
    /// A TorchSharp scalar.
    let inline sc (value: float) : Scalar = Scalar.op_Implicit value

/// Activations by Keras name.
[<RequireQualifiedAccess>]
module Activation =
    /// Applies the Keras activation `name`.
    let apply (name: string) (x: torch.Tensor) : torch.Tensor =
        match name with
        | "linear"
        | null
        | "" -> x
        | "tanh" -> x.tanh ()
        | "relu" -> x.relu ()
        | "sigmoid" -> x.sigmoid ()
        | "elu" -> torch.nn.functional.elu (x, 1.0)
        | "selu" -> torch.nn.functional.selu (x)
        | "softplus" -> torch.nn.functional.softplus (x)
        | "softsign" -> torch.nn.functional.softsign (x)
        | "exponential" -> x.exp ()
        | "softmax" -> torch.nn.functional.softmax (x, -1L)
        | other ->
            raise (
                ModelDefinitionException(
                    $"unknown activation '%s{other}'; use linear, tanh, relu, sigmoid, elu, selu, softplus, softsign, exponential or softmax"
                )
            )

    /// Throws early for unknown activation names.
    let check (name: string) : unit =
        use probe = torch.zeros (1L, 1L)
        apply name probe |> ignore

/// Layout of a feed-forward network's parameters in one flat float32 buffer:
/// for each Dense layer its weight [out × in] then its bias [out].
[<RequireQualifiedAccess>]
module Layout =
    /// (input width, output width) of each Dense layer.
    let denseShapes (spec: NetworkSpec) : (int * int) list =
        let folder (width, acc) layer =
            match layer with
            | Layer.Dense(units, _, _) -> units, (width, units) :: acc
            | Layer.Dropout _ -> width, acc

        spec.Layers |> List.fold folder (spec.Inputs, []) |> snd |> List.rev

    /// Total parameter count.
    let size (spec: NetworkSpec) : int =
        denseShapes spec |> List.sumBy (fun (i, o) -> i * o + o)

    /// Keras' Glorot-uniform kernels and zero biases, from a seeded generator.
    let glorotUniform (spec: NetworkSpec) (seed: int) : float32[] =
        let rng = Random(seed)
        let buffer = Array.zeroCreate (size spec)
        let mutable offset = 0

        for fanIn, fanOut in denseShapes spec do
            let limit = sqrt (6.0 / float (fanIn + fanOut))

            for k in 0 .. fanIn * fanOut - 1 do
                buffer.[offset + k] <- float32 ((rng.NextDouble() * 2.0 - 1.0) * limit)

            offset <- offset + fanIn * fanOut + fanOut

        buffer
