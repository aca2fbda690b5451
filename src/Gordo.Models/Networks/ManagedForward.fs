namespace Gordo.Models.Networks

open System.Buffers
open Gordo.Models

/// Prediction of a feed-forward network in managed code over its flat float32 weights (same
/// layout as `Layout`). Small requests are dominated by per-call overhead in libtorch, so
/// prediction runs here, on feature-major buffers (see `DenseKernels`): the input is transposed
/// once, each layer is `fanOut × fanIn` vectorised multiply-adds over all rows, and the output is
/// transposed back.
[<RequireQualifiedAccess>]
module internal ManagedForward =
    /// True when every layer can run here (softmax needs the whole row and LSTM layers a
    /// sequence: they stay on TorchSharp).
    let supports (spec: NetworkSpec) : bool =
        spec.Layers
        |> List.forall (function
            | Layer.Dense(_, activation, _) -> DenseKernels.supported activation
            | Layer.Dropout _ -> true
            | Layer.Lstm _ -> false)

    /// X (rows × inputs) into a feature-major float32 buffer.
    let private transposeIn (x: Matrix) (h: float32[]) : unit =
        let rows, cols = Matrix.rows x, Matrix.cols x
        let values = Matrix.span x

        for i in 0 .. rows - 1 do
            for j in 0 .. cols - 1 do
                h.[j * rows + i] <- float32 values.[i * cols + j]

    /// A feature-major buffer (width × rows) as a float64 matrix.
    let private transposeOut (h: float32[]) (rows: int) (width: int) : Matrix =
        let result = Array2D.zeroCreate rows width
        let values = Matrix.span result

        for j in 0 .. width - 1 do
            let start = j * rows

            for i in 0 .. rows - 1 do
                values.[i * width + j] <- float h.[start + i]

        result

    /// The widest layer (or input) of a network.
    let private widest (spec: NetworkSpec) : int =
        spec.Layers
        |> List.fold
            (fun w layer ->
                match layer with
                | Layer.Dense(units, _, _)
                | Layer.Lstm(units, _, _) -> max w units
                | Layer.Dropout _ -> w)
            spec.Inputs

    /// Runs the layers over `h` (the input, feature-major), using `z` as the other buffer of a
    /// ping-pong pair; returns the buffer holding the output and its width.
    let private layers (spec: NetworkSpec) (weights: float32[]) (rows: int) (h: float32[]) (z: float32[]) =
        let mutable h, z = h, z
        let mutable offset = 0
        let mutable width = spec.Inputs

        for layer in spec.Layers do
            match layer with
            | Layer.Dense(units, activation, _) ->
                DenseKernels.forward weights offset width units h z rows rows
                DenseKernels.activate activation z 0 (units * rows)
                let previous = h
                h <- z
                z <- previous
                offset <- offset + width * units + units
                width <- units
            | Layer.Dropout _ -> ()
            | Layer.Lstm _ -> invalidOp "ManagedForward.run: LSTM layers run on TorchSharp (check `supports` first)"

        h, width

    /// The network output for X (dropout is identity at prediction time). The two working
    /// buffers come from the shared array pool (no garbage per request but the output matrix).
    let run (spec: NetworkSpec) (weights: float32[]) (x: Matrix) : Matrix =
        let rows = Matrix.rows x
        let size = max 1 (widest spec * rows)
        let pool = ArrayPool<float32>.Shared
        let a = pool.Rent size
        let b = pool.Rent size

        try
            transposeIn x a
            let h, width = layers spec weights rows a b
            transposeOut h rows width
        finally
            pool.Return a
            pool.Return b
