namespace Gordo.Models.Preprocessing

open System
open Gordo.Core
open Gordo.Models

/// Gordo's InfImputer (spec §2.3): replaces ±inf by explicit fill values, then by the column
/// max + delta / min − delta (`minmax`) or by the float extremes (`extremes`); NaN is kept.
type internal InfImputer(args: (string * Arg) list) =
    inherit Estimator("gordo.machine.model.transformers.imputer.InfImputer", args)
    let posFill = Args.floatOption "inf_fill_value" args
    let negFill = Args.floatOption "neg_inf_fill_value" args
    let strategy = Args.stringOption "strategy" args
    let delta = Args.float "delta" args
    let mutable fills: (float * float)[] = null

    let clampAdd (v: float) =
        if Double.IsInfinity v then
            Math.Sign v |> float |> (*) Double.MaxValue
        else
            v

    override _.IsFitted = not (isNull fills)
    override _.CanTransform = true

    override _.Fit(x, _) =
        Check.rowsAtLeast "InfImputer" 1 x

        fills <-
            Matrix.columns x
            |> Array.map (fun c ->
                let finite = c |> Array.filter Double.IsFinite

                match strategy with
                | Some "extremes" -> Double.MaxValue, Double.MinValue
                | Some "minmax" when finite.Length > 0 ->
                    clampAdd (Array.max finite + delta), clampAdd (Array.min finite - delta)
                | _ -> Double.PositiveInfinity, Double.NegativeInfinity)

    override this.Transform x =
        Check.fitted "InfImputer" this.IsFitted
        Check.features "InfImputer" fills.Length x

        x
        |> Matrix.mapColumns (fun j v ->
            if Double.IsPositiveInfinity v then
                defaultArg posFill (fst fills.[j])
            elif Double.IsNegativeInfinity v then
                defaultArg negFill (snd fills.[j])
            else
                v)

    override this.Clone() = InfImputer(Args.clone this.Args)

    override _.SaveState() =
        if isNull fills then
            State.Empty
        else
            State.Record [
                "pos", State.Vector(Array.map fst fills)
                "neg", State.Vector(Array.map snd fills)
            ]

    override _.LoadState state =
        match state with
        | State.Empty -> ()
        | _ -> fills <- Array.zip (State.vector "pos" state) (State.vector "neg" state)

/// scikit-learn SimpleImputer for numeric data (`mean`, `median`, `most_frequent`, `constant`);
/// all-missing columns are dropped unless `keep_empty_features` (as scikit-learn 1.2).
type internal SimpleImputer(args: (string * Arg) list) =
    inherit Estimator("sklearn.impute._base.SimpleImputer", args)
    let owner = "SimpleImputer"
    let strategy = Args.string "strategy" args
    let keepEmpty = Args.bool "keep_empty_features" args

    let missing =
        match Args.get "missing_values" args with
        | Arg.Plain(Value.Float f) -> f
        | Arg.Plain(Value.Int i) -> float i
        | _ -> nan

    let isMissing (v: float) =
        if Double.IsNaN missing then Double.IsNaN v else v = missing

    let fillValue =
        match Args.get "fill_value" args with
        | Arg.Plain(Value.Float f) -> f
        | Arg.Plain(Value.Int i) -> float i
        | _ -> 0.0

    let mutable statistics: float[] = null

    let mostFrequent (values: float[]) =
        if values.Length = 0 then
            nan
        else
            values
            |> Array.countBy id
            |> Array.sortBy (fun (v, c) -> -c, v)
            |> Array.head
            |> fst

    let statistic (column: float[]) =
        let present = column |> Array.filter (isMissing >> not)

        match strategy with
        | "mean" -> if present.Length = 0 then nan else Array.average present
        | "median" -> Stats.percentileSorted (Array.sort present) 50.0
        | "most_frequent" -> mostFrequent present
        | _ -> fillValue

    override _.IsFitted = not (isNull statistics)
    override _.CanTransform = true

    override _.Fit(x, _) =
        Check.finite owner true x
        Check.rowsAtLeast owner 1 x
        statistics <- Matrix.columns x |> Array.map statistic

    override this.Transform x =
        Check.fitted owner this.IsFitted
        Check.features owner statistics.Length x
        Check.finite owner true x

        let kept =
            statistics
            |> Array.indexed
            |> Array.filter (fun (_, s) -> keepEmpty || not (Double.IsNaN s))
            |> Array.map fst

        let filled =
            x
            |> Matrix.mapColumns (fun j v ->
                if isMissing v then
                    (if Double.IsNaN statistics.[j] then 0.0 else statistics.[j])
                else
                    v)

        if kept.Length = statistics.Length then
            filled
        else
            Matrix.takeColumns kept filled

    /// The learned fill value per column (scikit-learn `statistics_`).
    member _.Statistics: float[] = statistics

    override this.Clone() = SimpleImputer(Args.clone this.Args)

    override _.SaveState() =
        if isNull statistics then
            State.Empty
        else
            State.Record [ "statistics", State.Vector statistics ]

    override _.LoadState state =
        match state with
        | State.Empty -> ()
        | _ -> statistics <- State.vector "statistics" state
