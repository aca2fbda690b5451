namespace Gordo.Models.Anomaly

open Gordo.Models

/// Thresholds learned by cross-validation (spec §3.2, §3.5).
type Thresholds = {
    /// Per target column (last fold, or the KFCV quantile).
    Feature: float[]
    /// Aggregate (scaled MSE) threshold.
    Aggregate: float
    /// Per fold: per target column thresholds (`fold-0`, ...). Empty for KFCV.
    FeaturePerFold: float[] list
    /// Per fold aggregate thresholds. Empty for KFCV.
    AggregatePerFold: float list
    /// Smoothed thresholds (when a window is set; DiffBasedAnomalyDetector only).
    SmoothFeature: float[] option
    /// Smoothed aggregate threshold.
    SmoothAggregate: float option
    /// Per fold smoothed feature thresholds.
    SmoothFeaturePerFold: float[] list
    /// Per fold smoothed aggregate thresholds.
    SmoothAggregatePerFold: float list
}

/// One cross-validation fold's held-out predictions.
type FoldResult = {
    /// Train/test rows of the fold.
    Split: Selection.Split
    /// The fold's fitted model.
    Model: Estimator
    /// Test rows that have a prediction (the last len(prediction) test rows).
    Rows: int[]
    /// The prediction for those rows.
    Prediction: Matrix
    /// The true targets of those rows.
    Truth: Matrix
}

/// Cross-validation folds.
[<RequireQualifiedAccess>]
module internal FoldResult =
    /// Fits a clone of `model` on every split and predicts its held-out rows (scikit-learn's
    /// `cross_validate`; a model with an offset predicts only the last test rows).
    let ofSplits (model: Estimator) (x: Matrix) (y: Matrix) (splitter: Selection.Splitter) : FoldResult list =
        let splits = splitter.Split(Matrix.rows x)

        splits
        |> List.mapi (fun i split ->
            Progress.throwIfCancelled ()
            Progress.report (TrainingSignal.Fold(i + 1, splits.Length))
            let clone = model.Clone()
            clone.Fit(Matrix.takeRows split.Train x, Matrix.takeRows split.Train y)
            let prediction = clone.Output(Matrix.takeRows split.Test x)
            let rows = split.Test.[split.Test.Length - Matrix.rows prediction ..]

            {
                Split = split
                Model = clone
                Rows = rows
                Prediction = prediction
                Truth = Matrix.takeRows rows y
            })

/// Threshold formulas.
[<RequireQualifiedAccess>]
module internal ThresholdMath =
    /// `max(rolling-min(values, w))` (NaN when fewer than w rows).
    let rollingMinMax (w: int) (values: float[]) : float = Rolling.nanMax (Rolling.min w values)

    /// Per-column `max(rolling-min(column, w))`.
    let perColumn (w: int) (m: Matrix) : float[] =
        Matrix.columns m |> Array.map (rollingMinMax w)

    /// The per-fold thresholds of spec §3.2 (rolling-min 6; smoothed ones with `window`).
    let ofFolds (scalerOf: Estimator -> Estimator) (window: int option) (folds: FoldResult list) : Thresholds =
        let perFold =
            folds
            |> List.map (fun f ->
                let mse = Errors.scaledMse (scalerOf f.Model) f.Prediction f.Truth
                let mae = Errors.absolute f.Truth f.Prediction
                mse, mae)

        let smooth f =
            match window with
            | Some w -> perFold |> List.map (f w)
            | None -> []

        let featurePerFold = perFold |> List.map (snd >> perColumn 6)
        let aggregatePerFold = perFold |> List.map (fst >> rollingMinMax 6)
        let smoothFeature = smooth (fun w (_, mae) -> perColumn w mae)
        let smoothAggregate = smooth (fun w (mse, _) -> rollingMinMax w mse)

        {
            Feature = List.last featurePerFold
            Aggregate = List.last aggregatePerFold
            FeaturePerFold = featurePerFold
            AggregatePerFold = aggregatePerFold
            SmoothFeature = List.tryLast smoothFeature
            SmoothAggregate = List.tryLast smoothAggregate
            SmoothFeaturePerFold = smoothFeature
            SmoothAggregatePerFold = smoothAggregate
        }

    /// The KFCV thresholds of spec §3.5: quantile of the smoothed out-of-fold errors.
    let ofOutOfFold
        (smoothing: string)
        (window: int)
        (percentile: float)
        (scaledMse: float[])
        (mae: Matrix)
        : Thresholds =
        let threshold values =
            Rolling.quantile percentile (Rolling.smooth smoothing window values)

        {
            Feature = Matrix.columns mae |> Array.map threshold
            Aggregate = threshold scaledMse
            FeaturePerFold = []
            AggregatePerFold = []
            SmoothFeature = None
            SmoothAggregate = None
            SmoothFeaturePerFold = []
            SmoothAggregatePerFold = []
        }
