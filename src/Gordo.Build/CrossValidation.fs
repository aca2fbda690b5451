namespace Gordo.Build

open System
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Selection

/// Cross-validation results in the shape of `build_metadata.model.cross_validation` (spec §4.4, §4.5).
type CrossValidationResult = {
    /// `scores`: metric key → fold statistics and per-fold values.
    Scores: (string * (string * float) list) list
    /// `splits`: fold-i-train-start, ... (spec §4.5).
    Splits: (string * Value) list
    /// Elapsed seconds.
    DurationSeconds: float
}

/// Cross-validation of a model as Gordo's builder runs it.
[<RequireQualifiedAccess>]
module internal CrossValidation =

    /// Gordo's metric key part: `_` and spaces become `-`.
    let keyOf (text: string) : string =
        text.Replace('_', '-').Replace(' ', '-')

    /// The scorers of spec §4.4: per metric, one key per target column, then the aggregate.
    let scorers (metrics: Metric list) (targets: string[]) : (string * (Matrix -> Matrix -> float)) list = [
        for m in metrics do
            for j in 0 .. targets.Length - 1 do
                let one (a: Matrix) = Matrix.takeColumns [| j |] a
                $"%s{keyOf m.Name}-%s{keyOf targets.[j]}", (fun t p -> m.Score (one t) (one p))

            keyOf m.Name, m.Score
    ]

    /// Fold statistics: fold-mean, fold-std (ddof 0), fold-max, fold-min, fold-1..fold-K.
    let statistics (values: float list) : (string * float) list =
        let xs = Array.ofList values
        let mean = Array.average xs
        let std = sqrt (xs |> Array.averageBy (fun v -> (v - mean) * (v - mean)))

        [
            "fold-mean", mean
            "fold-std", std
            "fold-max", Array.max xs
            "fold-min", Array.min xs
        ]
        @ (values |> List.mapi (fun i v -> $"fold-%d{i + 1}", v))

    /// Scores of every fold, `scaler` (fitted on the full y) applied to truth and prediction.
    let scores
        (scorers: (string * (Matrix -> Matrix -> float)) list)
        (scale: Matrix -> Matrix)
        (folds: FoldResult list)
        : (string * (string * float) list) list =
        let scaled = folds |> List.map (fun f -> scale f.Truth, scale f.Prediction)

        scorers
        |> List.map (fun (key, score) -> key, scaled |> List.map (fun (t, p) -> score t p) |> statistics)

    /// Split metadata of spec §4.5 (timestamps as Python `str()`).
    let splits (index: DateTimeOffset[]) (folds: Split list) : (string * Value) list =
        let stamp (i: int) =
            Value.String(Gordo.Data.FrameIO.formatTimestamp index.[i])

        folds
        |> List.mapi (fun i s ->
            let k = i + 1

            [
                $"fold-%d{k}-train-start", stamp s.Train.[0]
                $"fold-%d{k}-train-end", stamp s.Train.[s.Train.Length - 1]
                $"fold-%d{k}-test-start", stamp s.Test.[0]
                $"fold-%d{k}-test-end", stamp s.Test.[s.Test.Length - 1]
                $"fold-%d{k}-n-train", Value.Int(int64 s.Train.Length)
                $"fold-%d{k}-n-test", Value.Int(int64 s.Test.Length)
            ])
        |> List.concat
