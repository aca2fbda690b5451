namespace Gordo.Models.Composition

open Gordo.Models
open Gordo.Models.Preprocessing

/// scikit-learn MultiOutputRegressor: one clone of `estimator` per target column.
type internal MultiOutputRegressor(args: (string * Arg) list) =
    inherit Estimator("sklearn.multioutput.MultiOutputRegressor", args)
    let template = Args.model "estimator" args
    let mutable fitted: Estimator list = []

    override _.IsFitted = not fitted.IsEmpty
    override _.CanPredict = true

    override _.Fit(x, y) =
        fitted <- [
            for j in 0 .. Matrix.cols y - 1 ->
                let e = template.Clone()
                e.Fit(x, Matrix.takeColumns [| j |] y)
                e
        ]

    override this.Predict x =
        Check.fitted "MultiOutputRegressor" this.IsFitted
        fitted |> List.map (fun e -> e.Predict x) |> Matrix.hstack

    override _.BindColumnNames names = template.BindColumnNames names

    /// The fitted per-column estimators.
    member _.Estimators: Estimator list = fitted

    override this.Clone() =
        MultiOutputRegressor(Args.clone this.Args)

    override _.SaveState() =
        State.List(fitted |> List.map _.SaveState())

    override _.LoadState state =
        fitted <-
            State.items state
            |> List.map (fun s ->
                let e = template.Clone()
                e.LoadState s
                e)

/// scikit-learn TransformedTargetRegressor: fits `regressor` on transformed y, predicts through
/// the inverse transform (`transformer`, or `func`/`inverse_func`; identity when none).
type internal TransformedTargetRegressor(args: (string * Arg) list) =
    inherit Estimator("sklearn.compose._target.TransformedTargetRegressor", args)

    let regressor =
        Args.modelOption "regressor" args
        |> Option.defaultWith (fun () ->
            Linear.LinearRegression(Args.withDefaults "sklearn.linear_model.LinearRegression" []) :> Estimator)

    let transformer =
        match Args.modelOption "transformer" args, Args.modelOption "func" args with
        | Some t, _ -> t
        | None, Some _ ->
            FunctionTransformer(
                Args.withDefaults "sklearn.preprocessing.FunctionTransformer" [
                    "func", Args.get "func" args
                    "inverse_func", Args.get "inverse_func" args
                ]
            )
            :> Estimator
        | None, None -> LiteralStep "passthrough" :> Estimator

    override _.IsFitted = regressor.IsFitted
    override _.CanPredict = true
    override _.Offset = regressor.Offset

    override _.Fit(x, y) =
        transformer.Fit(y, y)
        regressor.Fit(x, transformer.Transform y)

    override _.Predict x =
        let predicted = regressor.Predict x

        match transformer with
        | :? LiteralStep -> predicted
        | t -> t.InverseTransform predicted

    override _.BindColumnNames names = regressor.BindColumnNames names

    /// The inner regressor.
    member _.Regressor: Estimator = regressor

    override _.Metadata() = regressor.Metadata()

    override this.Clone() =
        TransformedTargetRegressor(Args.clone this.Args)

    override _.SaveState() =
        State.Record [ "regressor", regressor.SaveState(); "transformer", transformer.SaveState() ]

    override _.LoadState state =
        regressor.LoadState(State.field "regressor" state)
        transformer.LoadState(State.field "transformer" state)
