namespace Gordo.Models.Anomaly

open System
open Gordo.Models
open Gordo.Models.Preprocessing

/// The per-tag errors of a model output against the truth, as columns (what the anomaly frame
/// holds), with their per-row means of squares.
type internal TagErrors = {
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
module internal Errors =
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

    /// Fails unless `b` covers `a` (the error matrices have a's shape).
    let private requireCovers (a: Matrix) (b: Matrix) =
        if Matrix.rows b < Matrix.rows a || Matrix.cols b < Matrix.cols a then
            invalidArg
                (nameof b)
                $"the truth (%d{Matrix.rows b} x %d{Matrix.cols b}) is smaller than the model output (%d{Matrix.rows a} x %d{Matrix.cols a})"

    /// Row i of `absolute` into the columns and its mean of squares into `means` (the arithmetic
    /// of `absolute` and `meanSquare`, so the numbers are identical).
    let private errorRow (i: int) (a: Span<float>) (b: Span<float>) (columns: float[][]) (means: float[]) =
        let mutable s = 0.0

        for j in 0 .. a.Length - 1 do
            let e = abs (a.[j] - b.[j])
            columns.[j].[i] <- e
            s <- s + e * e

        means.[i] <- s / float a.Length

    /// `absolute a b` as columns plus its `meanSquare`, in one pass (the shape is a's).
    let private columnsAndMeans (a: Matrix) (b: Matrix) : float[][] * float[] =
        requireCovers a b
        let n, c, cb = Matrix.rows a, Matrix.cols a, Matrix.cols b
        let columns = Array.init c (fun _ -> Array.zeroCreate n)
        let means = Array.zeroCreate n
        let va = Matrix.span a
        let vb = Matrix.span b

        for i in 0 .. n - 1 do
            errorRow i (va.Slice(i * c, c)) (vb.Slice(i * cb, c)) columns means

        columns, means

    /// `columnsAndMeans (scaler.Transform a) (scaler.Transform b)` row by row, without the two
    /// scaled matrices (same checks, same arithmetic).
    let private scaledColumnsAndMeans (scaler: AffineScaler) (a: Matrix) (b: Matrix) : float[][] * float[] =
        scaler.Accept a
        scaler.Accept b
        requireCovers a b
        let n, c, cb = Matrix.rows a, Matrix.cols a, Matrix.cols b
        let columns = Array.init c (fun _ -> Array.zeroCreate n)
        let means = Array.zeroCreate n
        let rowA, rowB = Array.zeroCreate c, Array.zeroCreate c
        let va = Matrix.span a
        let vb = Matrix.span b

        for i in 0 .. n - 1 do
            scaler.TransformRow(va.Slice(i * c, c), Span rowA)
            scaler.TransformRow(vb.Slice(i * cb, c), Span rowB)
            errorRow i (Span rowA) (Span rowB) columns means

        columns, means

    /// The scaled and unscaled errors of `output` against `truth` (same shape), the scaled ones
    /// through `scaler` (applied to both, as `absolute (scaler output) (scaler truth)`).
    let tagErrors (scaler: Estimator) (output: Matrix) (truth: Matrix) : TagErrors =
        let scaled, totalScaled =
            match scaler with
            | :? AffineScaler as affine -> scaledColumnsAndMeans affine output truth
            | _ -> columnsAndMeans (scaler.Transform output) (scaler.Transform truth)

        let unscaled, totalUnscaled = columnsAndMeans output truth

        {
            Scaled = scaled
            TotalScaled = totalScaled
            Unscaled = unscaled
            TotalUnscaled = totalUnscaled
        }
