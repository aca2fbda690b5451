namespace Gordo.Models

open System

/// Bad input to a model (NaN/inf where not allowed, wrong feature count, too few rows, ...):
/// the message says what is wrong, where, and how to fix it.
type ModelInputException(message: string) =
    inherit ArgumentException(message)

/// A model was used before `fit`.
type NotFittedException(message: string) =
    inherit InvalidOperationException(message)

/// A model definition the back end cannot build (the front end should have diagnosed it:
/// at this stage it is an internal error).
type ModelDefinitionException(message: string) =
    inherit InvalidOperationException(message)

/// Input checks shared by the estimators (scikit-learn's `check_array` rules).
[<RequireQualifiedAccess>]
module internal Check =
    /// Rejects NaN and ±inf (`allowNan` lets NaN through, as scikit-learn's scalers do).
    let finite (owner: string) (allowNan: bool) (x: Matrix) : unit =
        let values = Matrix.span x
        let mutable bad = None
        let mutable k = 0

        // One pass over the storage that stops at the first bad value (on every server request).
        while bad.IsNone && k < values.Length do
            let v = values.[k]

            if not (Double.IsFinite v) && (Double.IsInfinity v || not allowNan) then
                bad <- Some(k / Matrix.cols x, k % Matrix.cols x, v)

            k <- k + 1

        match bad with
        | Some(i, j, v) ->
            let what = if Double.IsNaN v then "NaN" else "infinity"

            raise (
                ModelInputException(
                    $"%s{owner}: input contains %s{what} at row %d{i + 1}, column %d{j + 1} (counted from 1); "
                    + "clean the data (e.g. an InfImputer/SimpleImputer step or a dataset filter) before this step"
                )
            )
        | None -> ()

    /// Requires at least `minimum` rows.
    let rowsAtLeast (owner: string) (minimum: int) (x: Matrix) : unit =
        if Matrix.rows x < minimum then
            raise (
                ModelInputException(
                    $"%s{owner}: needs at least %d{minimum} row(s) but got %d{Matrix.rows x}; use a longer training period"
                )
            )

    /// Requires the feature count seen at fit time.
    let features (owner: string) (expected: int) (x: Matrix) : unit =
        if Matrix.cols x <> expected then
            raise (
                ModelInputException(
                    $"%s{owner}: X has %d{Matrix.cols x} features, but the model was fitted with %d{expected}; "
                    + "send the same tags (columns) the model was trained on"
                )
            )

    /// Raises NotFittedException unless `fitted`.
    let fitted (owner: string) (isFitted: bool) : unit =
        if not isFitted then
            raise (NotFittedException($"%s{owner} is not fitted yet; call fit before using it"))
