namespace Gordo.Models.Torch

open TorchSharp
open Gordo.Models.Networks

/// Sliding windows over rows as tensor views (see `Sequences` for the arithmetic).
[<RequireQualifiedAccess>]
module internal Windows =
    /// The windows of X [rows × features] as [count × lookback × features] (a view of X).
    let inputs (x: torch.Tensor) (lookback: int) (lookahead: int) : torch.Tensor =
        let n = Sequences.count (int x.shape.[0]) lookback lookahead
        x.unfold(0L, int64 lookback, 1L).permute(0L, 2L, 1L).narrow (0L, 0L, int64 n)

    /// The target row of every window [count × targets].
    let targets (y: torch.Tensor) (lookback: int) (lookahead: int) : torch.Tensor =
        let n = Sequences.count (int y.shape.[0]) lookback lookahead
        y.narrow (0L, int64 (lookback - 1 + lookahead), int64 n)
