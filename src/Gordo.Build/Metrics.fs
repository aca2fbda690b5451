namespace Gordo.Build

open System
open Gordo.Core.Specs
open Gordo.Models

/// A regression metric with scikit-learn semantics (multi-output: uniform average over columns).
type internal Metric = {
    /// The scikit-learn function name (`explained_variance_score`).
    Name: string
    /// Scores `(y_true, y_pred)`.
    Score: Matrix -> Matrix -> float
}

/// The metrics of `evaluation.metrics` (spec §4.2, §4.4): one implementation per implemented
/// entry of `Vocabulary.metrics`, with scikit-learn's default arguments.
[<RequireQualifiedAccess>]
module internal Metrics =
    let private perColumn (f: float[] -> float[] -> float) (yTrue: Matrix) (yPred: Matrix) : float =
        Array.init (Matrix.cols yTrue) (fun j -> f (Matrix.column j yTrue) (Matrix.column j yPred))
        |> Array.average

    let private meanOf (f: float -> float -> float) (t: float[]) (p: float[]) = Array.map2 f t p |> Array.average

    let private squared a b = (a - b) * (a - b)
    let private absolute (a: float) b = abs (a - b)

    let private median (values: float[]) =
        Stats.percentileSorted (Array.sort values) 50.0

    /// log(1 + v), accurate for small v (Goldberg's correction of the rounded 1 + v).
    let private log1p (v: float) =
        let u = 1.0 + v
        if u = 1.0 then v else log u * v / (u - 1.0)

    /// `mean_squared_log_error`: scikit-learn raises on negative values; the score is NaN then.
    let private squaredLog (t: float[]) (p: float[]) =
        if Array.exists (fun v -> v < 0.0) t || Array.exists (fun v -> v < 0.0) p then
            nan
        else
            meanOf squared (Array.map log1p t) (Array.map log1p p)

    /// numpy's float64 machine epsilon (scikit-learn's floor for |y_true| in MAPE).
    let private machineEpsilon = Math.Pow(2.0, -52.0)

    let private percentage (t: float[]) (p: float[]) =
        meanOf (fun a b -> abs (a - b) / max (abs a) machineEpsilon) t p

    /// `d2_pinball_score` / `d2_absolute_error_score` (alpha 0.5): 1 − loss / loss of the median.
    let private d2Absolute (t: float[]) (p: float[]) =
        let numerator = meanOf absolute t p
        let m = median t
        let denominator = t |> Array.averageBy (fun v -> abs (v - m))

        match numerator <> 0.0, denominator <> 0.0 with
        | true, true -> 1.0 - numerator / denominator
        | true, false -> 0.0
        | false, _ -> 1.0

    let private implementations: (string * (Matrix -> Matrix -> float)) list = [
        "explained_variance_score", Stats.explainedVariance
        "r2_score", Stats.r2
        "mean_squared_error", perColumn (meanOf squared)
        "mean_absolute_error", perColumn (meanOf absolute)
        "median_absolute_error", perColumn (fun t p -> median (Array.map2 absolute t p))
        "max_error", perColumn (fun t p -> Array.map2 absolute t p |> Array.max)
        "mean_absolute_percentage_error", perColumn percentage
        "mean_squared_log_error", perColumn squaredLog
        "root_mean_squared_error", perColumn (fun t p -> sqrt (meanOf squared t p))
        "root_mean_squared_log_error", perColumn (fun t p -> sqrt (squaredLog t p))
        "mean_pinball_loss", perColumn (fun t p -> 0.5 * meanOf absolute t p)
        "d2_absolute_error_score", perColumn d2Absolute
        "d2_pinball_score", perColumn d2Absolute
    ]

    let private known: Metric list =
        implementations
        |> List.map (fun (name, score) -> { Name = name; Score = score })

    /// Gordo's default metric list.
    let defaults: string list = known |> List.take 4 |> List.map _.Name

    /// Resolves a metric by bare name or `sklearn.metrics[._regression].name` path.
    let tryResolve (name: string) : Metric option =
        Vocabulary.tryMetric name
        |> Option.bind (fun entry -> known |> List.tryFind (fun m -> m.Name = entry.Name))

    /// Resolves every metric name (duplicates once, as keys of Gordo's scorer dict), or the first
    /// unknown one.
    let resolve (names: string list) : Result<Metric list, BuildError> =
        let names = if names.IsEmpty then defaults else names

        names
        |> List.fold
            (fun acc name ->
                acc
                |> Result.bind (fun ms ->
                    match tryResolve name with
                    | Some m -> Ok(ms @ [ m ])
                    | None -> Error(BuildError.UnknownMetric name)))
            (Ok [])
        |> Result.map (List.distinctBy _.Name)
