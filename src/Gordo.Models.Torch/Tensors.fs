namespace Gordo.Models.Torch

open TorchSharp
open Gordo.Models

/// Conversions between float64 matrices and float32 tensors.
[<RequireQualifiedAccess>]
module internal Tensors =
    /// A [rows × cols] float32 tensor of a matrix.
    let ofMatrix (m: Matrix) : torch.Tensor =
        Native.ensure ()
        let rows, cols = Matrix.rows m, Matrix.cols m
        let flat = Array.zeroCreate (rows * cols)

        for i in 0 .. rows - 1 do
            for j in 0 .. cols - 1 do
                flat.[i * cols + j] <- float32 m.[i, j]

        use view =
            torch.tensor (flat, System.ReadOnlySpan<int64>([| int64 rows; int64 cols |]))
        // Copy into libtorch-allocated (64-byte aligned) memory: a tensor over a pinned managed
        // array has run-dependent alignment, and MKL's kernels then round differently.
        view.clone ()

    /// A 1-D float32 tensor in libtorch-allocated memory (see `ofMatrix`).
    let ofArray (values: float32[]) : torch.Tensor =
        Native.ensure ()
        use view = torch.tensor values
        view.clone ()

    /// A matrix of a 2-D float32 tensor.
    let toMatrix (t: torch.Tensor) : Matrix =
        let rows, cols = int t.shape.[0], int t.shape.[1]
        let flat = t.contiguous().data<float32>().ToArray()
        Array2D.init rows cols (fun i j -> float flat.[i * cols + j])
