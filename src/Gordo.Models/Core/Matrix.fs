namespace Gordo.Models

/// A dense float64 matrix, rows × columns (`double[,]` from C#).
type Matrix = float[,]

/// Small operations on matrices (row-major `float[,]`).
[<RequireQualifiedAccess>]
module Matrix =
    /// Number of rows.
    let rows (m: Matrix) : int = Array2D.length1 m

    /// Number of columns.
    let cols (m: Matrix) : int = Array2D.length2 m

    /// The elements in row-major order as a span over the matrix's own storage (no copy;
    /// element (i, j) at `i * cols + j`): the hot loops run over it with one bounds check.
    let span (m: Matrix) : System.Span<float> =
        let first =
            &System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(m :> System.Array)

        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            &System.Runtime.CompilerServices.Unsafe.As<byte, float>(&first),
            m.Length
        )

    /// Column `j` as a new array.
    let column (j: int) (m: Matrix) : float[] = Array.init (rows m) (fun i -> m.[i, j])

    /// Row `i` as a new array.
    let row (i: int) (m: Matrix) : float[] = Array.init (cols m) (fun j -> m.[i, j])

    /// A rows × cols matrix whose element (i, j) is `at i j` (plain loops: no curried closure
    /// call per element, which `Array2D.init` makes; these run on every server request).
    let inline private build (rowCount: int) (colCount: int) ([<InlineIfLambda>] at: int -> int -> float) : Matrix =
        let m = Array2D.zeroCreate rowCount colCount

        for i in 0 .. rowCount - 1 do
            for j in 0 .. colCount - 1 do
                m.[i, j] <- at i j

        m

    /// A matrix from column arrays (all of the same length).
    let ofColumns (columns: float[][]) : Matrix =
        let n = if columns.Length = 0 then 0 else columns.[0].Length
        build n columns.Length (fun i j -> columns.[j].[i])

    /// The elements in row-major order (a block copy).
    let toFlat (m: Matrix) : float[] =
        let flat = Array.zeroCreate (rows m * cols m)
        System.Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof<float>)
        flat

    /// A rows × cols matrix of row-major elements (a block copy).
    let ofFlat (rowCount: int) (colCount: int) (flat: float[]) : Matrix =
        let m = Array2D.zeroCreate rowCount colCount
        System.Buffer.BlockCopy(flat, 0, m, 0, rowCount * colCount * sizeof<float>)
        m

    /// A matrix from row arrays (all of the same length).
    let ofRows (rowArrays: float[][]) : Matrix =
        let c = if rowArrays.Length = 0 then 0 else rowArrays.[0].Length
        build rowArrays.Length c (fun i j -> rowArrays.[i].[j])

    /// The columns of rows `start ..` (each `rows m - start` long), one row-major pass.
    let private columnsFrom (start: int) (m: Matrix) : float[][] =
        let n, c = rows m - start, cols m
        let result = Array.init c (fun _ -> Array.zeroCreate n)
        let values = span m

        for i in 0 .. n - 1 do
            let at = (start + i) * c

            for j in 0 .. c - 1 do
                result.[j].[i] <- values.[at + j]

        result

    /// Every column as an array (one row-major pass over the matrix).
    let columns (m: Matrix) : float[][] = columnsFrom 0 m

    /// The columns of the last `n` rows, as arrays (one pass, no intermediate matrix).
    let lastRowsColumns (n: int) (m: Matrix) : float[][] =
        if rows m - n < 0 || n < 0 then
            invalidArg (nameof n) $"%d{n} rows asked of a matrix of %d{rows m}"

        columnsFrom (rows m - n) m

    /// A one-column matrix.
    let ofVector (v: float[]) : Matrix = build v.Length 1 (fun i _ -> v.[i])

    /// Rows selected by index, in the given order.
    let takeRows (indices: int[]) (m: Matrix) : Matrix =
        build indices.Length (cols m) (fun i j -> m.[indices.[i], j])

    /// Columns selected by index, in the given order.
    let takeColumns (indices: int[]) (m: Matrix) : Matrix =
        build (rows m) indices.Length (fun i j -> m.[i, indices.[j]])

    /// The last `n` rows.
    let lastRows (n: int) (m: Matrix) : Matrix =
        let start = rows m - n

        if start < 0 || n < 0 then
            invalidArg (nameof n) $"%d{n} rows asked of a matrix of %d{rows m}"

        let result = Array2D.zeroCreate n (cols m)
        System.Buffer.BlockCopy(m, start * cols m * sizeof<float>, result, 0, n * cols m * sizeof<float>)
        result

    /// Side-by-side concatenation.
    let hstack (parts: Matrix list) : Matrix =
        match parts with
        | [] -> Array2D.zeroCreate 0 0
        | first :: _ ->
            let n = rows first
            let all = parts |> List.collect (columns >> List.ofArray) |> Array.ofList

            if all.Length = 0 then
                Array2D.zeroCreate n 0
            else
                ofColumns all

    /// Applies `f` to every element (inlined loops: no closure call per element).
    let inline map ([<InlineIfLambda>] f: float -> float) (m: Matrix) : Matrix =
        let result = Array2D.zeroCreate (Array2D.length1 m) (Array2D.length2 m)
        let source = span m
        let target = span result

        for k in 0 .. source.Length - 1 do
            target.[k] <- f source.[k]

        result

    /// Applies `f` to every element with its column index (inlined loops).
    let inline mapColumns ([<InlineIfLambda>] f: int -> float -> float) (m: Matrix) : Matrix =
        let c = Array2D.length2 m
        let result = Array2D.zeroCreate (Array2D.length1 m) c
        let source = span m
        let target = span result

        for i in 0 .. Array2D.length1 m - 1 do
            for j in 0 .. c - 1 do
                target.[i * c + j] <- f j source.[i * c + j]

        result

    /// Element-wise combination of two matrices of equal shape (inlined loops; the shape is a's).
    let inline map2 ([<InlineIfLambda>] f: float -> float -> float) (a: Matrix) (b: Matrix) : Matrix =
        let result = Array2D.zeroCreate (Array2D.length1 a) (Array2D.length2 a)

        for i in 0 .. Array2D.length1 a - 1 do
            for j in 0 .. Array2D.length2 a - 1 do
                result.[i, j] <- f a.[i, j] b.[i, j]

        result

    /// The product `a · bᵀ` (b given row-wise, as scikit-learn stores `components_`).
    let timesTransposed (a: Matrix) (b: Matrix) : Matrix =
        let n, k, m = rows a, cols a, rows b
        let result = Array2D.zeroCreate n m

        for i in 0 .. n - 1 do
            for j in 0 .. m - 1 do
                let mutable s = 0.0

                for t in 0 .. k - 1 do
                    s <- s + a.[i, t] * b.[j, t]

                result.[i, j] <- s

        result
