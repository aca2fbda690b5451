namespace Gordo.Models.Anomaly

open System
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Selection

/// Saving thresholds in a model state.
[<RequireQualifiedAccess>]
module internal ThresholdState =
    let private vectors (xs: float[] list) = State.List(xs |> List.map State.Vector)

    let private toVectors (s: State) =
        State.items s
        |> List.map (function
            | State.Vector v -> v
            | _ -> [||])

    let save (thresholds: Thresholds option) : State =
        match thresholds with
        | None -> State.Empty
        | Some t ->
            State.Record [
                "feature", State.Vector t.Feature
                "aggregate", State.Number t.Aggregate
                "feature_per_fold", vectors t.FeaturePerFold
                "aggregate_per_fold", State.Vector(Array.ofList t.AggregatePerFold)
                "smooth_feature", vectors (Option.toList t.SmoothFeature)
                "smooth_aggregate", State.Vector(Option.toArray t.SmoothAggregate)
                "smooth_feature_per_fold", vectors t.SmoothFeaturePerFold
                "smooth_aggregate_per_fold", State.Vector(Array.ofList t.SmoothAggregatePerFold)
            ]

    let load (state: State) : Thresholds option =
        match state with
        | State.Empty -> None
        | _ ->
            Some {
                Feature = State.vector "feature" state
                Aggregate = State.number "aggregate" state
                FeaturePerFold = toVectors (State.field "feature_per_fold" state)
                AggregatePerFold = State.vector "aggregate_per_fold" state |> List.ofArray
                SmoothFeature = toVectors (State.field "smooth_feature" state) |> List.tryHead
                SmoothAggregate = State.vector "smooth_aggregate" state |> Array.tryHead
                SmoothFeaturePerFold = toVectors (State.field "smooth_feature_per_fold" state)
                SmoothAggregatePerFold = State.vector "smooth_aggregate_per_fold" state |> List.ofArray
            }

/// Thrown by `anomaly` when thresholds are required but cross-validation never ran.
type ThresholdsMissingException(message: string) =
    inherit InvalidOperationException(message)

/// What `anomaly` needs besides X and y: column names, the time index and the resolution.
type AnomalyInput = {
    /// Names of X's columns (tags).
    InputNames: string[]
    /// Names of y's columns (target tags).
    TargetNames: string[]
    /// Row timestamps of X (None: start/end are null).
    Index: DateTimeOffset[] option
    /// The data resolution, for `end` = start + frequency.
    Frequency: TimeSpan option
}

/// Shared behaviour of Gordo's diff-based anomaly detectors (spec §3): wraps a base estimator
/// and a scaler fitted on y, learns thresholds by cross-validation, and scores anomalies.
[<AbstractClass>]
type DiffDetector(classPath: string, args: (string * Arg) list) =
    inherit Estimator(classPath, args)
    let baseEstimator = Args.model "base_estimator" args
    let scaler = Args.model "scaler" args
    let shuffle = Args.bool "shuffle" args

    let requireThresholds =
        Args.isNull "require_thresholds" args || Args.bool "require_thresholds" args

    /// The wrapped estimator.
    member _.BaseEstimator: Estimator = baseEstimator

    /// The scaler fitted on the training targets.
    member _.Scaler: Estimator = scaler

    /// Learned thresholds (None before cross-validation).
    member val Thresholds: Thresholds option = None with get, set

    /// Names of the target columns seen at cross-validation (thresholds are indexed by them).
    member val TargetNames: string[] = [||] with get, set

    /// The smoothing window, if any.
    abstract Window: int option

    /// The smoothing method, when a window is set.
    abstract SmoothingMethod: string option

    /// Cross-validates clones of this detector and stores the thresholds (spec §3.2 / §3.5).
    abstract CrossValidate: x: Matrix * y: Matrix * splitter: Splitter option -> FoldResult list

    override _.IsFitted = baseEstimator.IsFitted && scaler.IsFitted
    override _.CanPredict = baseEstimator.CanPredict
    override _.CanTransform = baseEstimator.CanTransform
    override _.Predict x = baseEstimator.Predict x
    override _.Transform x = baseEstimator.Transform x
    override _.Offset = baseEstimator.Offset
    override _.Score(x, y) = baseEstimator.Score(x, y)
    override _.BindColumnNames names = baseEstimator.BindColumnNames names

    override _.Fit(x, y) =
        // (validate reports it as GORDO0212; this is for definitions that bypass the compiler)
        if not baseEstimator.CanPredict then
            invalidArg
                "base_estimator"
                $"%s{classPath}'s base_estimator %s{baseEstimator.ClassPath} does not predict (it ends in a transformer): its output cannot be compared with the targets"

        if shuffle then
            let order = NumpyRandom(0u).Permutation(Matrix.rows x)
            baseEstimator.Fit(Matrix.takeRows order x, Matrix.takeRows order y)
        else
            baseEstimator.Fit(x, y)

        scaler.Fit(y, y)

    /// Fits a clone on every split and collects its held-out predictions.
    member this.Folds(x: Matrix, y: Matrix, splitter: Splitter) : FoldResult list =
        FoldResult.ofSplits this x y splitter

    /// The anomaly frame of spec §3.3.
    member this.Anomaly(x: Matrix, y: Matrix, input: AnomalyInput) : AnomalyFrame =
        if requireThresholds && this.Thresholds.IsNone then
            raise (
                ThresholdsMissingException(
                    "`require_thresholds=True` however `.cross_validate` needs to be called in order to calculate these "
                    + "thresholds before calling `.anomaly`"
                )
            )

        let output = this.Output x
        let n = Matrix.rows output
        let yTail = if n = Matrix.rows y then y else Matrix.lastRows n y
        let outNames = Frame.outputNames input.TargetNames (Matrix.cols output)
        let errors = Errors.tagErrors scaler output yTail
        let start, finish = Frame.times input.Index input.Frequency n

        {
            Start = start
            End = finish
            Columns =
                Frame.blockOfColumns "model-input" input.InputNames (Matrix.lastRowsColumns n x)
                @ Frame.blockOfColumns "model-output" outNames (Matrix.columns output)
                @ Frame.blockOfColumns "tag-anomaly-scaled" outNames errors.Scaled
                @ [ ("total-anomaly-scaled", ""), errors.TotalScaled ]
                @ Frame.blockOfColumns "tag-anomaly-unscaled" input.TargetNames errors.Unscaled
                @ [ ("total-anomaly-unscaled", ""), errors.TotalUnscaled ]
                @ this.Smoothed(outNames, input.TargetNames, errors)
                @ this.Confidence(outNames, errors)
        }

    /// The `smooth-*` columns (none without a smoothing window).
    member private this.Smoothed(outNames: string[], targetNames: string[], errors: TagErrors) =
        match this.Window, this.SmoothingMethod with
        | Some w, Some m ->
            let s = Rolling.smooth m w

            Frame.blockOfColumns "smooth-tag-anomaly-scaled" outNames (Array.map s errors.Scaled)
            @ [ ("smooth-total-anomaly-scaled", ""), s errors.TotalScaled ]
            @ Frame.blockOfColumns "smooth-tag-anomaly-unscaled" targetNames (Array.map s errors.Unscaled)
            @ [ ("smooth-total-anomaly-unscaled", ""), s errors.TotalUnscaled ]
        | _ -> []

    /// The `anomaly-confidence` columns (none without thresholds).
    member private this.Confidence(outNames: string[], errors: TagErrors) =
        match this.Thresholds with
        | Some t ->
            let perTag =
                errors.Unscaled
                |> Array.mapi (fun j column -> column |> Array.map (fun v -> v / t.Feature.[j]))

            Frame.blockOfColumns "anomaly-confidence" outNames perTag
            @ [
                ("total-anomaly-confidence", ""), errors.TotalScaled |> Array.map (fun v -> v / t.Aggregate)
            ]
        | None -> []

    override _.Metadata() = baseEstimator.Metadata()

    override this.SaveState() =
        State.Record [
            "base_estimator", baseEstimator.SaveState()
            "scaler", scaler.SaveState()
            "target_names", State.Text(String.Join("\n", this.TargetNames))
            "thresholds", ThresholdState.save this.Thresholds
        ]

    override this.LoadState state =
        baseEstimator.LoadState(State.field "base_estimator" state)
        scaler.LoadState(State.field "scaler" state)

        this.TargetNames <-
            match State.field "target_names" state with
            | State.Text "" -> [||]
            | State.Text text -> text.Split '\n'
            | _ -> [||]

        this.Thresholds <- ThresholdState.load (State.field "thresholds" state)

    override this.Definition =
        let keep =
            [ "base_estimator"; "scaler"; "require_thresholds"; "shuffle" ]
            @ (if this.Window.IsSome then
                   [ "window"; "smoothing_method" ]
               else
                   [])
            @ (if classPath.EndsWith "KFCVAnomalyDetector" then
                   [ "threshold_percentile" ]
               else
                   [])

        let parameters =
            keep
            |> List.map (fun k ->
                match k with
                | "smoothing_method" -> k, Parameter.Plain(Value.String this.SmoothingMethod.Value)
                | _ -> k, Estimator.ToParameter(Args.get k this.Args))

        ModelSpec.Class(classPath, parameters)
