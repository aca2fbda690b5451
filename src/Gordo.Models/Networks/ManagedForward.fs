namespace Gordo.Models.Networks

open Gordo.Models

/// Prediction of a feed-forward network in managed code over its flat float32 weights (same
/// layout as `Layout`). Small requests are dominated by per-call overhead in libtorch, so
/// prediction runs here, on feature-major buffers (see `DenseKernels`): the input is transposed
/// once, each layer is `fanOut × fanIn` vectorised multiply-adds over all rows, and the output is
/// transposed back.
[<RequireQualifiedAccess>]
module ManagedForward =
    /// True when every layer can run here (softmax needs the whole row and LSTM layers a
    /// sequence: they stay on TorchSharp).
    let supports (spec: NetworkSpec) : bool =
        spec.Layers
        |> List.forall (function
            | Layer.Dense(_, activation, _) -> DenseKernels.supported activation
            | Layer.Dropout _ -> true
            | Layer.Lstm _ -> false)

    /// X (rows × inputs) as a feature-major float32 buffer.
    let private transposeIn (x: Matrix) : float32[] =
        let rows, cols = Matrix.rows x, Matrix.cols x
        let h = Array.zeroCreate (rows * cols)

        for i in 0 .. rows - 1 do
            for j in 0 .. cols - 1 do
                h.[j * rows + i] <- float32 x.[i, j]

        h

    /// A feature-major buffer (width × rows) as a float64 matrix.
    let private transposeOut (h: float32[]) (rows: int) (width: int) : Matrix =
        let result = Array2D.zeroCreate rows width

        for j in 0 .. width - 1 do
            let start = j * rows

            for i in 0 .. rows - 1 do
                result.[i, j] <- float h.[start + i]

        result

    /// The network output for X (dropout is identity at prediction time).
    let run (spec: NetworkSpec) (weights: float32[]) (x: Matrix) : Matrix =
        let rows = Matrix.rows x
        let mutable h = transposeIn x
        let mutable offset = 0
        let mutable width = spec.Inputs

        for layer in spec.Layers do
            match layer with
            | Layer.Dense(units, activation, _) ->
                let z = Array.zeroCreate (units * rows)
                DenseKernels.forward weights offset width units h z rows rows
                DenseKernels.activate activation z 0 z.Length
                h <- z
                offset <- offset + width * units + units
                width <- units
            | Layer.Dropout _ -> ()
            | Layer.Lstm _ -> invalidOp "ManagedForward.run: LSTM layers run on TorchSharp (check `supports` first)"

        transposeOut h rows width
