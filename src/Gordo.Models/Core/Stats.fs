namespace Gordo.Models

open System

/// Column statistics with numpy semantics (NaN-ignoring variants as `np.nan*`).
[<RequireQualifiedAccess>]
module internal Stats =
    /// The non-NaN values of an array.
    let finiteValues (values: float[]) : float[] =
        values |> Array.filter (Double.IsNaN >> not)

    /// Mean ignoring NaN (NaN when nothing remains).
    let nanMean (values: float[]) : float =
        let v = finiteValues values
        if v.Length = 0 then nan else Array.average v

    /// Population variance (ddof = 0) ignoring NaN, two-pass.
    let nanVariance (values: float[]) : float =
        let v = finiteValues values

        if v.Length = 0 then
            nan
        else
            let m = Array.average v
            (v |> Array.sumBy (fun x -> (x - m) * (x - m))) / float v.Length

    /// Percentile `q` (0..100) with numpy's default linear interpolation, of sorted values.
    let percentileSorted (sorted: float[]) (q: float) : float =
        if sorted.Length = 0 then
            nan
        else
            let position = q / 100.0 * float (sorted.Length - 1)
            let lo = int (floor position)
            let hi = min (lo + 1) (sorted.Length - 1)
            let t = position - float lo
            let a, b = sorted.[lo], sorted.[hi]
            let diff = b - a
            if t >= 0.5 then b - diff * (1.0 - t) else a + diff * t

    /// Percentile `q` (0..100) ignoring NaN (numpy `nanpercentile`, linear).
    let nanPercentile (values: float[]) (q: float) : float =
        percentileSorted (finiteValues values |> Array.sort) q

    /// Minimum ignoring NaN.
    let nanMin (values: float[]) : float =
        let v = finiteValues values
        if v.Length = 0 then nan else Array.min v

    /// Maximum ignoring NaN.
    let nanMax (values: float[]) : float =
        let v = finiteValues values
        if v.Length = 0 then nan else Array.max v

    /// scikit-learn `_handle_zeros_in_scale`: near-zero scales become 1.
    let handleZeros (scale: float) : float =
        if scale < 10.0 * 2.220446049250313e-16 then 1.0 else scale

    /// scikit-learn `r2_score` (force_finite: a constant true column scores 1 when predicted
    /// exactly, else 0), averaged uniformly over outputs.
    let r2 (yTrue: Matrix) (yPred: Matrix) : float =
        let score j =
            let t = Matrix.column j yTrue
            let p = Matrix.column j yPred
            let mean = Array.average t
            let residual = Array.fold2 (fun acc a b -> acc + (a - b) * (a - b)) 0.0 t p
            let total = t |> Array.sumBy (fun a -> (a - mean) * (a - mean))

            if total = 0.0 then
                (if residual = 0.0 then 1.0 else 0.0)
            else
                1.0 - residual / total

        Array.init (Matrix.cols yTrue) score |> Array.average

    /// scikit-learn's explained variance score, averaged uniformly over outputs.
    let explainedVariance (yTrue: Matrix) (yPred: Matrix) : float =
        let score j =
            let t = Matrix.column j yTrue
            let p = Matrix.column j yPred
            let diff = Array.map2 (-) t p
            let numerator = nanVariance diff
            let denominator = nanVariance t

            if denominator = 0.0 then
                (if numerator = 0.0 then 1.0 else 0.0)
            else
                1.0 - numerator / denominator

        Array.init (Matrix.cols yTrue) score |> Array.average
