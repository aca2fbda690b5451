namespace Gordo.Models.Decomposition

open MathNet.Numerics.LinearAlgebra
open Gordo.Models

/// What scikit-learn's probabilistic PCA model (Tipping & Bishop 1999) reads from a fitted PCA.
type internal PcaFit = {
    /// Per-feature mean (`mean_`).
    Mean: float[]
    /// The principal axes, one per row (`components_`).
    Components: Matrix
    /// Variance of each kept component (`explained_variance_`).
    Variance: float[]
    /// Mean variance of the dropped components (`noise_variance_`); 0 when none is dropped.
    Noise: float
    /// `whiten`: scikit-learn 1.2 then scales the axes by √variance inside the model too.
    Whiten: bool
}

/// scikit-learn 1.2 `get_covariance`, `get_precision` and `score_samples` of PCA.
[<RequireQualifiedAccess>]
module internal PcaLikelihood =
    let private build = Matrix<float>.Build

    /// The axes the model uses: `components_`, times √variance per row when whitening.
    let private axes (fit: PcaFit) : Matrix<float> =
        let w = build.DenseOfArray fit.Components

        if fit.Whiten then
            build.DiagonalOfDiagonalArray(Array.map sqrt fit.Variance) * w
        else
            w

    /// `max(explained_variance_ − noise_variance_, 0)`.
    let private excess (fit: PcaFit) : float[] =
        fit.Variance |> Array.map (fun v -> max (v - fit.Noise) 0.0)

    let private plusDiagonal (value: float) (m: Matrix<float>) : Matrix<float> =
        m + build.DiagonalIdentity(m.RowCount).Multiply value

    /// The model covariance `Wᵀ·diag(variance − noise)·W + noise·I` (`get_covariance`).
    let covariance (fit: PcaFit) : Matrix<float> =
        let w = axes fit

        w.TransposeThisAndMultiply(build.DiagonalOfDiagonalArray(excess fit) * w)
        |> plusDiagonal fit.Noise

    /// The model precision (`get_precision`): by the matrix inversion lemma when there is noise.
    let precision (fit: PcaFit) : Matrix<float> =
        let features = Matrix.cols fit.Components

        if Matrix.rows fit.Components = 0 then
            build.DiagonalIdentity(features).Divide fit.Noise
        elif fit.Noise = 0.0 then
            (covariance fit).Inverse()
        else
            let w = axes fit
            let inverseExcess = excess fit |> Array.map (fun d -> 1.0 / d)

            let inner =
                w.TransposeAndMultiply(w).Divide fit.Noise
                + build.DiagonalOfDiagonalArray inverseExcess

            let lemma = w.TransposeThisAndMultiply(inner.Inverse() * w)
            lemma.Divide(-(fit.Noise * fit.Noise)) |> plusDiagonal (1.0 / fit.Noise)

    /// True when the permutation is odd (n − number of cycles is odd).
    let private isOdd (p: MathNet.Numerics.Permutation) : bool =
        let seen = Array.zeroCreate p.Dimension
        let mutable cycles = 0

        for start in 0 .. p.Dimension - 1 do
            if not seen.[start] then
                cycles <- cycles + 1
                let mutable i = start

                while not seen.[i] do
                    seen.[i] <- true
                    i <- p.[i]

        (p.Dimension - cycles) % 2 = 1

    /// scikit-learn `fast_logdet`: log det of m when det > 0, else −∞ (LU, no overflow).
    let logDeterminant (m: Matrix<float>) : float =
        let lu = m.LU()
        let diagonal = lu.U.Diagonal().ToArray()
        let negatives = diagonal |> Array.filter (fun d -> d < 0.0) |> Array.length

        if Array.contains 0.0 diagonal || (negatives % 2 = 1) <> isOdd lu.P then
            -infinity
        else
            diagonal |> Array.sumBy (abs >> log)

    /// The log-likelihood of every row of X under the model (`score_samples`).
    let scoreSamples (fit: PcaFit) (x: Matrix) : float[] =
        let p = precision fit

        let centred =
            build.DenseOfArray(x |> Matrix.mapColumns (fun j v -> v - fit.Mean.[j]))

        let quadratic = centred.PointwiseMultiply(centred * p).RowSums().ToArray()
        let features = float fit.Mean.Length
        let constant = 0.5 * (features * log (2.0 * System.Math.PI) - logDeterminant p)
        quadratic |> Array.map (fun q -> -0.5 * q - constant)
