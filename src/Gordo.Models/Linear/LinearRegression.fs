namespace Gordo.Models.Linear

open Gordo.Models

/// scikit-learn LinearRegression: ordinary least squares (minimum-norm, as LAPACK gelsd) on
/// centred data when `fit_intercept`; multi-output y fits one coefficient row per column.
type internal LinearRegression(args: (string * Arg) list) =
    inherit Estimator("sklearn.linear_model._base.LinearRegression", args)
    let owner = "LinearRegression"
    let fitIntercept = Args.bool "fit_intercept" args
    let mutable coef: Matrix = null
    let mutable intercept: float[] = null

    do
        if Args.bool "positive" args then
            raise (ModelDefinitionException "LinearRegression: positive=true is not supported")

    override _.IsFitted = not (isNull coef)
    override _.CanPredict = true

    override _.Fit(x, y) =
        Check.finite owner false x
        Check.finite owner false y
        Check.rowsAtLeast owner 1 x

        if Matrix.rows y <> Matrix.rows x then
            raise (ModelInputException($"%s{owner}: X has %d{Matrix.rows x} rows but y has %d{Matrix.rows y}"))

        let mean (m: Matrix) =
            Matrix.columns m
            |> Array.map (fun c -> if fitIntercept then Array.average c else 0.0)

        let xMean, yMean = mean x, mean y
        let xc = x |> Matrix.mapColumns (fun j v -> v - xMean.[j])
        let yc = y |> Matrix.mapColumns (fun j v -> v - yMean.[j])
        let solution = Linalg.lstsq xc yc // features × outputs
        coef <- Array2D.init (Matrix.cols y) (Matrix.cols x) (fun o f -> solution.[f, o])

        intercept <-
            Array.init (Matrix.cols y) (fun o ->
                let mutable s = yMean.[o]

                for f in 0 .. Matrix.cols x - 1 do
                    s <- s - xMean.[f] * coef.[o, f]

                s)

    override this.Predict x =
        Check.fitted owner this.IsFitted
        Check.features owner (Matrix.cols coef) x
        Check.finite owner false x

        Matrix.timesTransposed x coef
        |> Matrix.mapColumns (fun o v -> v + intercept.[o])

    /// Coefficients, one row per output (scikit-learn `coef_` for 2-D y).
    member _.Coefficients: Matrix = coef

    /// Intercept per output.
    member _.Intercept: float[] = intercept

    override this.Clone() = LinearRegression(Args.clone this.Args)

    override _.SaveState() =
        if isNull coef then
            State.Empty
        else
            State.Record [ "coef", State.Matrix coef; "intercept", State.Vector intercept ]

    override _.LoadState state =
        match state with
        | State.Empty -> ()
        | _ ->
            coef <- State.matrix "coef" state
            intercept <- State.vector "intercept" state
