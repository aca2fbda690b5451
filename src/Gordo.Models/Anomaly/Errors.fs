namespace Gordo.Models.Anomaly

open Gordo.Models

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
