namespace Gordo.Models.Selection

open System
open Gordo.Core
open Gordo.Models

/// One cross-validation split: row indices to train on and to test on.
type Split = {
    /// Training rows.
    Train: int[]
    /// Test rows.
    Test: int[]
}

/// A scikit-learn cross-validation splitter.
[<AbstractClass>]
type Splitter(classPath: string, args: (string * Arg) list) =
    inherit Estimator(classPath, args)

    /// The splits of `n` rows.
    abstract Split: n: int -> Split list

    override _.IsFitted = true
    override _.Fit(_, _) = ()
    override _.SaveState() = State.Empty
    override _.LoadState _ = ()

/// scikit-learn TimeSeriesSplit (`n_splits`, `max_train_size`, `test_size`, `gap`).
type internal TimeSeriesSplit(args: (string * Arg) list) =
    inherit Splitter("sklearn.model_selection._split.TimeSeriesSplit", args)
    let splits = Args.int "n_splits" args
    let maxTrain = Args.intOption "max_train_size" args
    let gap = Args.int "gap" args

    override _.Split n =
        let testSize =
            Args.intOption "test_size" args |> Option.defaultValue (n / (splits + 1))

        if splits + 1 > n || n - gap - testSize * splits <= 0 then
            raise (
                ModelInputException(
                    $"TimeSeriesSplit: cannot make %d{splits} splits of %d{n} rows (test_size %d{testSize}, gap %d{gap}); "
                    + "use more rows or fewer splits"
                )
            )

        [
            for testStart in n - splits * testSize .. testSize .. n - 1 ->
                let trainEnd = testStart - gap

                let trainStart =
                    match maxTrain with
                    | Some m when m < trainEnd -> trainEnd - m
                    | _ -> 0

                {
                    Train = [| trainStart .. trainEnd - 1 |]
                    Test = [| testStart .. testStart + testSize - 1 |]
                }
        ]

    override this.Clone() = TimeSeriesSplit(Args.clone this.Args)

/// scikit-learn KFold (`shuffle` with numpy-compatible `random_state`).
type internal KFold(args: (string * Arg) list) =
    inherit Splitter("sklearn.model_selection._split.KFold", args)
    let splits = Args.int "n_splits" args
    let shuffle = Args.bool "shuffle" args
    let seed = Args.intOption "random_state" args

    override _.Split n =
        if splits < 2 || splits > n then
            raise (ModelInputException($"KFold: n_splits=%d{splits} needs 2 <= n_splits <= rows (%d{n})"))

        let indices = Array.init n id

        if shuffle then
            (NumpyRandom.OfSeed seed).Shuffle indices

        let sizes =
            Array.init splits (fun i -> n / splits + (if i < n % splits then 1 else 0))

        let starts = Array.scan (+) 0 sizes

        [
            for k in 0 .. splits - 1 ->
                let test = indices.[starts.[k] .. starts.[k + 1] - 1] |> Array.sort
                let inTest = set test

                {
                    Train = indices |> Array.filter (inTest.Contains >> not) |> Array.sort
                    Test = test
                }
        ]

    override this.Clone() = KFold(Args.clone this.Args)

/// scikit-learn ShuffleSplit (`test_size` default 0.1, numpy-compatible `random_state`).
type internal ShuffleSplit(args: (string * Arg) list) =
    inherit Splitter("sklearn.model_selection._split.ShuffleSplit", args)
    let splits = Args.int "n_splits" args
    let seed = Args.intOption "random_state" args

    let count (name: string) (n: int) (rounding: float -> float) =
        match Args.get name args with
        | Arg.Plain(Value.Float f) when f < 1.0 -> Some(int (rounding (f * float n)))
        | Arg.Plain(Value.Float f) -> Some(int f)
        | Arg.Plain(Value.Int i) -> Some(int i)
        | _ -> None

    override _.Split n =
        let nTest, nTrain =
            match count "test_size" n Math.Ceiling, count "train_size" n Math.Floor with
            | Some t, Some r -> t, r
            | Some t, None -> t, n - t
            | None, Some r -> n - r, r
            | None, None -> int (Math.Ceiling(0.1 * float n)), n - int (Math.Ceiling(0.1 * float n))

        if nTest + nTrain > n || nTest < 1 || nTrain < 1 then
            raise (ModelInputException($"ShuffleSplit: train %d{nTrain} + test %d{nTest} rows do not fit in %d{n}"))

        let rng = NumpyRandom.OfSeed seed

        [
            for _ in 1..splits ->
                let p = rng.Permutation n

                {
                    Train = p.[nTest .. nTest + nTrain - 1]
                    Test = p.[.. nTest - 1]
                }
        ]

    override this.Clone() = ShuffleSplit(Args.clone this.Args)
