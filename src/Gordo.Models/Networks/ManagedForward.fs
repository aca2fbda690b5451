namespace Gordo.Models.Networks

open System
open System.Numerics.Tensors
open Gordo.Models

/// Prediction of a feed-forward network in managed code over its flat float32 weights (same
/// layout as `Layout`). Small requests are dominated by per-call overhead in libtorch, so
/// prediction runs here; training runs on TorchSharp.
[<RequireQualifiedAccess>]
module ManagedForward =
    /// Applies a Keras activation in place (vectorised where TensorPrimitives has it).
    let private activate (name: string) (values: float32[]) : unit =
        let each (f: float32 -> float32) =
            for k in 0 .. values.Length - 1 do
                values.[k] <- f values.[k]

        match name with
        | "tanh" -> TensorPrimitives.Tanh(ReadOnlySpan values, Span values)
        | "sigmoid" -> TensorPrimitives.Sigmoid(ReadOnlySpan values, Span values)
        | "exponential" -> TensorPrimitives.Exp(ReadOnlySpan values, Span values)
        | "relu" -> TensorPrimitives.Max(ReadOnlySpan values, 0.0f, Span values)
        | "elu" -> each (fun v -> if v > 0.0f then v else MathF.Exp v - 1.0f)
        | "selu" -> each (fun v -> 1.050701f * (if v > 0.0f then v else 1.6732632f * (MathF.Exp v - 1.0f)))
        | "softplus" -> each (fun v -> MathF.Log(1.0f + MathF.Exp v))
        | "softsign" -> each (fun v -> v / (1.0f + abs v))
        | _ -> ()

    /// True when every layer can run here (softmax needs the whole row and LSTM layers a
    /// sequence: they stay on TorchSharp).
    let supports (spec: NetworkSpec) : bool =
        spec.Layers
        |> List.forall (function
            | Layer.Dense(_, "softmax", _)
            | Layer.Lstm _ -> false
            | _ -> true)

    let private dense
        (weights: float32[])
        (offset: int)
        (fanIn: int)
        (fanOut: int)
        (activation: string)
        (input: float32[])
        (rows: int)
        =
        let output = Array.zeroCreate (rows * fanOut)
        let biasAt = offset + fanIn * fanOut

        for r in 0 .. rows - 1 do
            let inputs = ReadOnlySpan<float32>(input, r * fanIn, fanIn)

            for o in 0 .. fanOut - 1 do
                let row = ReadOnlySpan<float32>(weights, offset + o * fanIn, fanIn)
                output.[r * fanOut + o] <- weights.[biasAt + o] + TensorPrimitives.Dot(row, inputs)

        activate activation output
        output

    /// The network output for X (dropout is identity at prediction time).
    let run (spec: NetworkSpec) (weights: float32[]) (x: Matrix) : Matrix =
        let rows = Matrix.rows x
        let mutable h = Array.zeroCreate (rows * spec.Inputs)

        for i in 0 .. rows - 1 do
            for j in 0 .. spec.Inputs - 1 do
                h.[i * spec.Inputs + j] <- float32 x.[i, j]

        let mutable offset = 0
        let mutable width = spec.Inputs

        for layer in spec.Layers do
            match layer with
            | Layer.Dense(units, activation, _) ->
                h <- dense weights offset width units activation h rows
                offset <- offset + width * units + units
                width <- units
            | Layer.Dropout _ -> ()
            | Layer.Lstm _ -> invalidOp "ManagedForward.run: LSTM layers run on TorchSharp (check `supports` first)"

        Array2D.init rows width (fun i j -> float h.[i * width + j])
