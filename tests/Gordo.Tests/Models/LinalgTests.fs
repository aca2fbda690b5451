module Gordo.Tests.Models.LinalgTests

open System
open Expecto
open Gordo.Models

/// A tall random matrix (enough rows for the blocked path), columns scaled apart so the singular
/// values are distinct; `zeroColumn` makes it rank-deficient.
let private tall (seed: int) (rows: int) (cols: int) (zeroColumn: bool) : Matrix =
    let rng = Random seed

    Array2D.init rows cols (fun _ j ->
        if zeroColumn && j = cols - 1 then
            0.0
        else
            (rng.NextDouble() - 0.5) * float (j + 1))

let private close (tolerance: float) (actual: float) (expected: float) (what: string) =
    Expect.isLessThanOrEqual (abs (actual - expected)) tolerance what

/// The blocked path against the general one, after scikit-learn's sign flip: same singular values,
/// right vectors and left vectors for every singular value above the rank cutoff.
let private agrees (x: Matrix) =
    let fast = Linalg.svd x |> Linalg.svdFlip
    let general = Linalg.svdManaged x |> Linalg.svdFlip
    let smax = general.S.[0]
    let cutoff = float (Matrix.rows x) * 2.220446049250313e-16 * smax
    Expect.equal fast.S.Length general.S.Length "number of singular values"

    for k in 0 .. general.S.Length - 1 do
        close (1e-12 * smax) fast.S.[k] general.S.[k] $"s[%d{k}]"

        if general.S.[k] > cutoff then
            for j in 0 .. Matrix.cols x - 1 do
                close 1e-9 fast.Vt.[k, j] general.Vt.[k, j] $"Vt[%d{k}, %d{j}]"

            for i in 0..97 .. Matrix.rows x - 1 do
                close 1e-9 fast.U.[i, k] general.U.[i, k] $"U[%d{i}, %d{k}]"

[<Tests>]
let tests =
    testList "Models.Linalg" [
        test "the blocked thin SVD of tall matrices matches the general one after svd_flip" {
            for seed, rows, cols in [ 1, 4096, 3; 2, 5000, 7; 3, 9000, 12; 4, 4500, 1 ] do
                agrees (tall seed rows cols false)
        }
        test "the blocked thin SVD keeps a rank-deficient matrix's nonzero components" {
            let x = tall 5 6000 6 true
            agrees x
            let d = Linalg.svd x
            Expect.isLessThan d.S.[5] (1e-12 * d.S.[0]) "the zero column gives a zero singular value"
        }
    ]
