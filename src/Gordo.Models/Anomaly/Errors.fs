namespace Gordo.Models.Anomaly

open Gordo.Models

/// The per-tag errors of a model output against the truth, as columns (what the anomaly frame
/// holds), with their per-row means of squares.
type TagErrors = {
    /// `|scaler(output) − scaler(truth)|`, one array per column.
    Scaled: float[][]
    /// Per-row mean of squares of `Scaled`.
    TotalScaled: float[]
    /// `|output − truth|`, one array per column.
    Unscaled: float[][]
    /// Per-row mean of squares of `Unscaled`.
    TotalUnscaled: float[]
}

/// Row-wise error measures of spec §3.
[<RequireQualifiedAccess>]
module Errors =
    /// `|a − b|` element-wise.
    let absolute (a: Matrix) (b: Matrix) : Matrix =
        Matrix.map2 (fun u v -> abs (u - v)) a b

    /// Per-row mean of squares.
    let meanSquare (m: Matrix) : float[] =
        Array.init (Matrix.rows m) (fun i ->
            let mutable s = 0.0

            for j in 0 .. Matrix.cols m - 1 do
                s <- s + m.[i, j] * m.[i, j]

            s / float (Matrix.cols m))

    /// Per-row mean of squared differences of the scaled matrices (`scaled_mse`).
    let scaledMse (scaler: Estimator) (yPred: Matrix) (yTrue: Matrix) : float[] =
        meanSquare (Matrix.map2 (-) (scaler.Transform yPred) (scaler.Transform yTrue))

    /// `absolute a b` as columns plus its `meanSquare`, in one pass (the shape is a's; the
    /// arithmetic is the same, so the numbers are identical).
    let private columnsAndMeans (a: Matrix) (b: Matrix) : float[][] * float[] =
        let n, c = Matrix.rows a, Matrix.cols a

        if Matrix.rows b < n || Matrix.cols b < c then
            invalidArg
                (nameof b)
                $"the truth (%d{Matrix.rows b} x %d{Matrix.cols b}) is smaller than the model output (%d{n} x %d{c})"

        let columns = Array.init c (fun _ -> Array.zeroCreate n)
        let means = Array.zeroCreate n
        let va = Matrix.span a
        let vb = Matrix.span b
        let cb = Matrix.cols b

        for i in 0 .. n - 1 do
            let mutable s = 0.0

            for j in 0 .. c - 1 do
                let e = abs (va.[i * c + j] - vb.[i * cb + j])
                columns.[j].[i] <- e
                s <- s + e * e

            means.[i] <- s / float c

        columns, means

    /// The scaled and unscaled errors of `output` against `truth` (same shape), the scaled ones
    /// through `scaler` (applied to both, as `absolute (scaler output) (scaler truth)`).
    let tagErrors (scaler: Estimator) (output: Matrix) (truth: Matrix) : TagErrors =
        let scaled, totalScaled =
            columnsAndMeans (scaler.Transform output) (scaler.Transform truth)

        let unscaled, totalUnscaled = columnsAndMeans output truth

        {
            Scaled = scaled
            TotalScaled = totalScaled
            Unscaled = unscaled
            TotalUnscaled = totalUnscaled
        }
