namespace Gordo.Models

open System
open System.Numerics.Tensors
open MathNet.Numerics.LinearAlgebra

/// A thin singular value decomposition `X = U · diag(S) · Vt`, with U rows × k, Vt k × cols.
type internal ThinSvd = {
    /// Left singular vectors (rows × k).
    U: Matrix
    /// Singular values, descending.
    S: float[]
    /// Right singular vectors, one per row (k × cols).
    Vt: Matrix
}

/// Linear algebra on MathNet.Numerics (managed provider).
[<RequireQualifiedAccess>]
module internal Linalg =
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

    /// Rows per block of `tallR`: a block of 100 columns is 0.8 MB, so it stays in cache.
    let private blockRows (cols: int) = max 1024 (4 * cols)

    /// The R (cols × cols) of a Householder QR of the matrix whose columns are `columns` (each at
    /// least as long as there are columns; overwritten). Q is never formed: each reflection is a
    /// dot product and a multiply-add per remaining column, over contiguous, vectorised columns.
    let private householderR (columns: float[][]) : Matrix =
        let n = columns.Length
        let r = Array2D.zeroCreate n n

        for k in 0 .. n - 1 do
            let length = columns.[k].Length - k
            let v = Span<float>(columns.[k], k, length)

            let norm =
                sqrt (TensorPrimitives.Dot(ReadOnlySpan<float>(columns.[k], k, length), v))

            let alpha = if v.[0] > 0.0 then -norm else norm
            r.[k, k] <- alpha

            if norm > 0.0 then
                v.[0] <- v.[0] - alpha
                let v = ReadOnlySpan<float>(columns.[k], k, length)
                let scale = 2.0 / TensorPrimitives.Dot(v, v)

                for j in k + 1 .. n - 1 do
                    let target = Span<float>(columns.[j], k, length)
                    let t = scale * TensorPrimitives.Dot(v, ReadOnlySpan<float>(columns.[j], k, length))
                    TensorPrimitives.MultiplyAdd(v, -t, ReadOnlySpan<float>(columns.[j], k, length), target)
                    r.[k, j] <- columns.[j].[k]
            else
                for j in k + 1 .. n - 1 do
                    r.[k, j] <- columns.[j].[k]

        r

    /// R of X = Q·R by blocks of rows (TSQR): each block's R (in parallel; the last block takes
    /// the remainder), then the R of the stacked Rs. Householder's R up to row signs, which the
    /// SVD of R absorbs into U.
    let private tallR (x: Matrix) : Matrix =
        let rows, cols = Matrix.rows x, Matrix.cols x
        let step = blockRows cols
        let blocks = rows / step
        let rs = Array.zeroCreate blocks

        let factor (b: int) =
            let first = b * step
            let count = if b = blocks - 1 then rows - first else step
            rs.[b] <- householderR (Array.init cols (fun j -> Array.init count (fun i -> x.[first + i, j])))

        Threading.Tasks.Parallel.For(0, blocks, factor) |> ignore
        householderR (Array.init cols (fun j -> Array.init (blocks * cols) (fun i -> rs.[i / cols].[i % cols, j])))

    /// U = X·V·S⁻¹ (rows in parallel); columns of singular values at or below `cutoff` are 0
    /// (LAPACK returns some orthonormal completion there; no parity is possible for them).
    let private leftVectors (x: Matrix) (vt: Matrix<float>) (s: float[]) (cutoff: float) : Matrix =
        let rows, cols, k = Matrix.rows x, Matrix.cols x, s.Length
        // w[j, c] = V[j, c] / s[c], row-major, so each row of U is Σⱼ x[i, j] · w[j, ·].
        let w =
            Array.init (cols * k) (fun at ->
                let j, c = at / k, at % k
                if s.[c] > cutoff then vt.[c, j] / s.[c] else 0.0)

        let u = Array.zeroCreate (rows * k)

        let addRows (chunk: int) =
            for i in chunk * 256 .. min rows (chunk * 256 + 256) - 1 do
                for j in 0 .. cols - 1 do
                    let source = ReadOnlySpan<float>(w, j * k, k)
                    let sum = ReadOnlySpan<float>(u, i * k, k)
                    TensorPrimitives.MultiplyAdd(source, x.[i, j], sum, Span<float>(u, i * k, k))

        Threading.Tasks.Parallel.For(0, (rows + 255) / 256, addRows) |> ignore
        Matrix.ofFlat rows k u

    /// Thin SVD as PCA/TruncatedSVD use it (scikit-learn: LAPACK gesdd, then `svdFlip`). Tall X
    /// (≥ 4 blocks of rows) goes through `tallR` (same singular values and vectors as
    /// `svdManaged` to rounding, without forming Q); the rest through `svdManaged`.
    let svd (x: Matrix) : ThinSvd =
        let rows, cols = Matrix.rows x, Matrix.cols x

        if rows < 4 * blockRows cols then
            svdManaged x
        else
            let inner = (dense (tallR x)).Svd(true)
            let s = inner.S.ToArray()
            let smax = if s.Length = 0 then 0.0 else s.[0]
            let cutoff = float (max rows cols) * 2.220446049250313e-16 * smax

            {
                U = leftVectors x inner.VT s cutoff
                S = s
                Vt = inner.VT.ToArray()
            }

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
