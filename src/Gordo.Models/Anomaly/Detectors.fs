namespace Gordo.Models.Anomaly

open Gordo.Core
open Gordo.Models
open Gordo.Models.Selection

/// Metadata helpers of spec §3.4.
[<RequireQualifiedAccess>]
module internal DetectorMetadata =
    let number (v: float) = Value.Float v

    let numbers (xs: float[]) =
        Value.List(xs |> Array.map number |> List.ofArray)

    let folds (xs: 'T list) (f: 'T -> Value) =
        Value.Map(xs |> List.mapi (fun i x -> $"fold-%d{i}", f x))

    let perTagFolds (names: string[]) (perFold: float[] list) =
        Value.Map(
            names
            |> Array.mapi (fun j name -> name, folds perFold (fun t -> number t.[j]))
            |> List.ofArray
        )

    /// A short scikit-learn-style repr: `ClassName(param=value, ...)` of plain given parameters.
    let rec repr (model: Estimator) : string =
        let name = model.ClassPath.Substring(model.ClassPath.LastIndexOf '.' + 1)
        $"%s{name}()"

    /// Base-estimator metadata when it is a Gordo model, else the scaler/base_estimator reprs.
    let tail (baseEstimator: Estimator) (scaler: Estimator) (extra: (string * Value) list) =
        match baseEstimator.Metadata() with
        | [] ->
            [
                "scaler", Value.String(repr scaler)
                "base_estimator", Value.String(repr baseEstimator)
            ]
            @ extra
        | metadata -> metadata

/// Gordo's `DiffBasedAnomalyDetector` (spec §3.1-§3.4).
type DiffBasedAnomalyDetector(args: (string * Arg) list) =
    inherit DiffDetector("gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector", args)
    let window = Args.intOption "window" args

    let smoothing =
        match window with
        | Some _ -> Args.stringOption "smoothing_method" args |> Option.orElse (Some "smm")
        | None -> None

    override _.Window = window
    override _.SmoothingMethod = smoothing

    override this.CrossValidate(x, y, splitter) =
        let splitter =
            splitter
            |> Option.defaultWith (fun () ->
                TimeSeriesSplit(
                    Args.withDefaults "sklearn.model_selection.TimeSeriesSplit" [ "n_splits", Arg.Plain(Value.Int 3L) ]
                ))

        let folds = this.Folds(x, y, splitter)
        this.Thresholds <- Some(ThresholdMath.ofFolds (fun m -> (m :?> DiffDetector).Scaler) window folds)
        folds

    override this.Metadata() =
        let names =
            if this.TargetNames.Length > 0 then
                this.TargetNames
            else
                this.Thresholds
                |> Option.map (fun t -> Array.init t.Feature.Length string)
                |> Option.defaultValue [||]

        let thresholds =
            match this.Thresholds with
            | None -> []
            | Some t -> [
                "feature-thresholds", DetectorMetadata.numbers t.Feature
                "aggregate-threshold", DetectorMetadata.number t.Aggregate
                "feature-thresholds-per-fold", DetectorMetadata.perTagFolds names t.FeaturePerFold
                "aggregate-thresholds-per-fold", DetectorMetadata.folds t.AggregatePerFold DetectorMetadata.number
                match window, smoothing with
                | Some w, Some m ->
                    "window", Value.Int(int64 w)
                    "smoothing-method", Value.String m
                    "smooth-feature-thresholds", DetectorMetadata.numbers (Option.defaultValue [||] t.SmoothFeature)
                    "smooth-aggregate-threshold", DetectorMetadata.number (Option.defaultValue nan t.SmoothAggregate)
                    "smooth-feature-thresholds-per-fold", DetectorMetadata.perTagFolds names t.SmoothFeaturePerFold

                    "smooth-aggregate-thresholds-per-fold",
                    DetectorMetadata.folds t.SmoothAggregatePerFold DetectorMetadata.number
                | _ -> ()
              ]

        thresholds
        @ DetectorMetadata.tail this.BaseEstimator this.Scaler [ "shuffle", Value.Bool(Args.bool "shuffle" this.Args) ]

    override this.Clone() =
        DiffBasedAnomalyDetector(Args.clone this.Args)

/// Gordo's `DiffBasedKFCVAnomalyDetector` (spec §3.5): out-of-fold predictions over KFold, and
/// thresholds as a quantile of the smoothed errors.
type DiffBasedKFCVAnomalyDetector(args: (string * Arg) list) =
    inherit DiffDetector("gordo.machine.model.anomaly.diff.DiffBasedKFCVAnomalyDetector", args)
    let window = Args.intOption "window" args |> Option.defaultValue 144

    let smoothing =
        Args.stringOption "smoothing_method" args |> Option.defaultValue "smm"

    let percentile = Args.float "threshold_percentile" args

    override _.Window = Some window
    override _.SmoothingMethod = Some smoothing

    override this.CrossValidate(x, y, splitter) =
        let splitter =
            splitter
            |> Option.defaultWith (fun () ->
                KFold(
                    Args.withDefaults "sklearn.model_selection.KFold" [
                        "n_splits", Arg.Plain(Value.Int 5L)
                        "shuffle", Arg.Plain(Value.Bool true)
                        "random_state", Arg.Plain(Value.Int 0L)
                    ]
                ))

        let folds = this.Folds(x, y, splitter)
        let n = Matrix.rows y
        let mse = Array.create n nan
        let mae = Array2D.create n (Matrix.cols y) nan

        for f in folds do
            let scaled = Errors.scaledMse (f.Model :?> DiffDetector).Scaler f.Prediction f.Truth
            let absolute = Errors.absolute f.Truth f.Prediction

            f.Rows
            |> Array.iteri (fun r row ->
                mse.[row] <- scaled.[r]

                for j in 0 .. Matrix.cols y - 1 do
                    mae.[row, j] <- absolute.[r, j])

        this.Thresholds <- Some(ThresholdMath.ofOutOfFold smoothing window percentile mse mae)
        folds

    override this.Metadata() =
        let thresholds =
            match this.Thresholds with
            | None -> []
            | Some t -> [
                "feature-thresholds", DetectorMetadata.numbers t.Feature
                "aggregate-threshold", DetectorMetadata.number t.Aggregate
              ]

        thresholds
        @ DetectorMetadata.tail this.BaseEstimator this.Scaler [
            "shuffle", Value.Bool(Args.bool "shuffle" this.Args)
            "window", Value.Int(int64 window)
            "smoothing-method", Value.String smoothing
            "threshold-percentile", Value.Float percentile
        ]

    override this.Clone() =
        DiffBasedKFCVAnomalyDetector(Args.clone this.Args)
