namespace Gordo.Models

open MathNet.Numerics.LinearAlgebra

/// A thin singular value decomposition `X = U · diag(S) · Vt`, with U rows × k, Vt k × cols.
type ThinSvd = {
    /// Left singular vectors (rows × k).
    U: Matrix
    /// Singular values, descending.
    S: float[]
    /// Right singular vectors, one per row (k × cols).
    Vt: Matrix
}

/// Linear algebra on MathNet.Numerics (managed provider).
[<RequireQualifiedAccess>]
module Linalg =
    let private dense (m: Matrix) = Matrix<float>.Build.DenseOfArray m

    /// Thin SVD in managed code (MathNet). Tall matrices are first reduced by a thin QR
    /// (X = Q·R, SVD of R), so memory stays O(rows × cols) as in LAPACK's economy SVD.
    let svdManaged (x: Matrix) : ThinSvd =
        let m = dense x

        if m.RowCount >= m.ColumnCount then
            let qr = m.QR(Factorization.QRMethod.Thin)
            let inner = qr.R.Svd(true)
            let k = m.ColumnCount

            {
                U = (qr.Q * inner.U).ToArray()
                S = inner.S.ToArray()
                Vt = inner.VT.SubMatrix(0, k, 0, m.ColumnCount).ToArray()
            }
        else
            let full = m.Svd(true)
            let k = m.RowCount

            {
                U = full.U.ToArray()
                S = full.S.ToArray()
                Vt = full.VT.SubMatrix(0, k, 0, m.ColumnCount).ToArray()
            }

    /// The row of the first largest-magnitude entry of every column (one row-major pass).
    let private largestRows (u: Matrix) : int[] =
        let best = Array.zeroCreate (Matrix.cols u)
        let magnitude = Array.init (Matrix.cols u) (fun k -> abs u.[0, k])

        for i in 1 .. Matrix.rows u - 1 do
            for k in 0 .. best.Length - 1 do
                let a = abs u.[i, k]

                if a > magnitude.[k] then
                    magnitude.[k] <- a
                    best.[k] <- i

        best

    /// scikit-learn's `svd_flip(u, v, u_based_decision=True)`: makes the largest-magnitude
    /// entry of each column of U positive, flipping the matching row of Vt.
    let svdFlip (decomposition: ThinSvd) : ThinSvd =
        let u, vt = Array2D.copy decomposition.U, Array2D.copy decomposition.Vt

        if Matrix.rows u > 0 then
            let best = largestRows u
            let flip = Array.init best.Length (fun k -> u.[best.[k], k] < 0.0)

            for i in 0 .. Matrix.rows u - 1 do
                for k in 0 .. best.Length - 1 do
                    if flip.[k] then
                        u.[i, k] <- -u.[i, k]

            for k in 0 .. best.Length - 1 do
                if flip.[k] then
                    for j in 0 .. Matrix.cols vt - 1 do
                        vt.[k, j] <- -vt.[k, j]

        { decomposition with U = u; Vt = vt }

    /// Thin SVD as PCA/TruncatedSVD use it (scikit-learn: LAPACK gesdd, then `svdFlip`).
    let svd (x: Matrix) : ThinSvd = svdManaged x

    /// Minimum-norm least squares `argmin ‖A·X − B‖` (LAPACK gelsd semantics: singular values
    /// below `max(rows, cols) · eps · s_max` are treated as zero). Returns X (cols(A) × cols(B)).
    let lstsq (a: Matrix) (b: Matrix) : Matrix =
        let d = svdManaged a
        let smax = if d.S.Length = 0 then 0.0 else d.S.[0]

        let cutoff =
            float (max (Matrix.rows a) (Matrix.cols a)) * 2.220446049250313e-16 * smax

        let u, vt = dense d.U, dense d.Vt

        let sInv =
            d.S
            |> Array.map (fun s -> if s > cutoff then 1.0 / s else 0.0)
            |> Vector<float>.Build.DenseOfArray

        let utb = u.TransposeThisAndMultiply(dense b)
        let scaled = Matrix<float>.Build.DiagonalOfDiagonalVector(sInv) * utb
        (vt.TransposeThisAndMultiply scaled).ToArray()
