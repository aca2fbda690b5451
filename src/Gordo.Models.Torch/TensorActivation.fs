namespace Gordo.Models.Torch

open TorchSharp
open Gordo.Models.Networks

/// TorchSharp scalars from floats (explicit: implicit conversions are warnings here).
[<AutoOpen>]
module internal ScalarOps =
    /// A TorchSharp scalar.
    let inline sc (value: float) : Scalar = Scalar.op_Implicit value

/// Keras activations on tensors (names checked by `Activation.check` when the network is built).
[<RequireQualifiedAccess>]
module internal TensorActivation =
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
            Activation.check other
            invalidArg (nameof name) $"activation '%s{other}' has no tensor form"
