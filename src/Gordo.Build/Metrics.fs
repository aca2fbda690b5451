namespace Gordo.Build

open Gordo.Models

/// A regression metric with scikit-learn semantics (multi-output: uniform average over columns).
type internal Metric = {
    /// The scikit-learn function name (`explained_variance_score`).
    Name: string
    /// Scores `(y_true, y_pred)`.
    Score: Matrix -> Matrix -> float
}

/// The metrics of `evaluation.metrics` (spec §4.2, §4.4).
[<RequireQualifiedAccess>]
module internal Metrics =
    let private perColumn (f: float[] -> float[] -> float) (yTrue: Matrix) (yPred: Matrix) : float =
        Array.init (Matrix.cols yTrue) (fun j -> f (Matrix.column j yTrue) (Matrix.column j yPred))
        |> Array.average

    let private meanSquared (t: float[]) (p: float[]) =
        Array.map2 (fun a b -> (a - b) * (a - b)) t p |> Array.average

    let private meanAbsolute (t: float[]) (p: float[]) =
        Array.map2 (fun a b -> abs (a - b)) t p |> Array.average

    let private known: Metric list = [
        {
            Name = "explained_variance_score"
            Score = Stats.explainedVariance
        }
        { Name = "r2_score"; Score = Stats.r2 }
        {
            Name = "mean_squared_error"
            Score = perColumn meanSquared
        }
        {
            Name = "mean_absolute_error"
            Score = perColumn meanAbsolute
        }
    ]

    /// Gordo's default metric list.
    let defaults: string list = known |> List.map _.Name

    /// Resolves a metric by bare name or `sklearn.metrics[._regression].name` path.
    let tryResolve (name: string) : Metric option =
        let bare = name.Substring(name.LastIndexOf '.' + 1)

        let pathOk =
            not (name.Contains '.')
            || name = "sklearn.metrics." + bare
            || name = "sklearn.metrics._regression." + bare

        if pathOk then
            known |> List.tryFind (fun m -> m.Name = bare)
        else
            None

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
