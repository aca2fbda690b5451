namespace Gordo.Models.Ensemble

open System
open System.Threading.Tasks
open Gordo.Models

[<RequireQualifiedAccess>]
module internal OutOfBag =
    /// scikit-learn's `oob_score_`: the r2 of y against each row's mean prediction over the trees
    /// that did not draw it (0 for a row every tree drew, as scikit-learn after its warning).
    let score (trees: TreeNodes[]) (weights: float[][]) (x: Matrix) (y: Matrix) : float =
        let n, p, k = Matrix.rows x, Matrix.cols x, Matrix.cols y
        let sums = Array2D.zeroCreate n k
        let counts = Array.zeroCreate n
        let flat = Matrix.toFlat x

        for t in 0 .. trees.Length - 1 do
            for i in 0 .. n - 1 do
                if weights.[t].[i] = 0.0 then
                    let leaf = TreeNodes.leafOf trees.[t] (ReadOnlySpan(flat, i * p, p))
                    counts.[i] <- counts.[i] + 1

                    for o in 0 .. k - 1 do
                        sums.[i, o] <- sums.[i, o] + trees.[t].Value.[leaf * k + o]

        Stats.r2 y (Array2D.init n k (fun i o -> sums.[i, o] / float (max 1 counts.[i])))

/// scikit-learn RandomForestRegressor: `n_estimators` CART trees (squared error, best splits over
/// `max_features` features drawn per node), each on a bootstrap sample of the rows (as sample
/// weights) when `bootstrap`; predictions are the trees' mean. Multi-output y grows one tree per
/// estimator over all outputs, as scikit-learn. Trees are seeded from `random_state` (null: the
/// evaluation seed, which Gordo seeds numpy's global generator with), so a fit is deterministic;
/// the draws are not numpy's, so trees equal scikit-learn's in distribution, not bit for bit.
type internal RandomForestRegressor(args: (string * Arg) list) =
    inherit Estimator("sklearn.ensemble._forest.RandomForestRegressor", args)
    let owner = "RandomForestRegressor"
    let mutable trees: TreeNodes[] = null
    let mutable featureCount = 0
    let mutable oobScore = nan

    do
        ForestOptions.checkSupported owner args
        ForestOptions.rules owner 1 1 args |> ignore
        ForestOptions.samples owner Int32.MaxValue args |> ignore

    let treeCount =
        match Args.int "n_estimators" args with
        | n when n >= 1 -> n
        | n -> raise (ModelDefinitionException($"%s{owner}: n_estimators=%d{n} must be ≥ 1"))

    /// The rows of one tree as sample weights: bootstrap counts, or all ones.
    let sampleWeights (random: Random) (n: int) (drawn: int) (bootstrap: bool) =
        if bootstrap then
            let counts = Array.zeroCreate n

            for _ in 1..drawn do
                let i = random.Next n
                counts.[i] <- counts.[i] + 1.0

            counts
        else
            Array.create n 1.0

    /// Seed of fits without `random_state` (the builder sets the evaluation seed).
    member val internal Seed = 0 with get, set

    override _.IsFitted = not (isNull trees)
    override _.CanPredict = true

    override this.Fit(x, y) =
        Check.finite owner false x
        Check.finite owner false y
        Check.rowsAtLeast owner 1 x

        if Matrix.rows y <> Matrix.rows x then
            raise (ModelInputException($"%s{owner}: X has %d{Matrix.rows x} rows but y has %d{Matrix.rows y}"))

        let n, p = Matrix.rows x, Matrix.cols x
        let rules = ForestOptions.rules owner n p args
        let drawn = ForestOptions.samples owner n args
        let bootstrap = Args.bool "bootstrap" args
        let data = TreeData.create (Matrix.columns x) (Matrix.toFlat y) (Matrix.cols y)

        let master =
            Random(Args.intOption "random_state" args |> Option.defaultValue this.Seed)

        let seeds = Array.init treeCount (fun _ -> master.Next())
        let grown = Array.zeroCreate treeCount
        let bags: float[][] = Array.zeroCreate treeCount
        let options = ParallelOptions(MaxDegreeOfParallelism = ForestOptions.jobs args)

        Parallel.For(
            0,
            treeCount,
            options,
            fun t ->
                let random = Random seeds.[t]
                let weights = sampleWeights random n drawn bootstrap
                bags.[t] <- weights
                grown.[t] <- TreeGrower(data, weights, rules, random).Grow()
        )
        |> ignore

        if Args.bool "oob_score" args then
            oobScore <- OutOfBag.score grown bags x y

        featureCount <- p
        trees <- grown

    override this.Predict x =
        Check.fitted owner this.IsFitted
        Check.features owner featureCount x
        Check.finite owner false x
        let k = trees.[0].Outputs
        let result = Array2D.zeroCreate (Matrix.rows x) k
        let flat = Matrix.toFlat x

        Parallel.For(
            0,
            Matrix.rows x,
            fun i ->
                let row = ReadOnlySpan(flat, i * featureCount, featureCount)

                for tree in trees do
                    let leaf = TreeNodes.leafOf tree row

                    for o in 0 .. k - 1 do
                        result.[i, o] <- result.[i, o] + tree.Value.[leaf * k + o]

                for o in 0 .. k - 1 do
                    result.[i, o] <- result.[i, o] / float trees.Length
        )
        |> ignore

        result

    /// scikit-learn `oob_score_` (NaN unless fitted with `oob_score: true`).
    member _.OobScore: float = oobScore

    /// The fitted trees.
    member internal _.Trees: TreeNodes[] = trees

    override this.Clone() =
        RandomForestRegressor(Args.clone this.Args, Seed = this.Seed)

    override _.SaveState() =
        let ints (a: int[]) = State.Vector(Array.map float a)

        let treeState (t: TreeNodes) =
            State.Record [
                "feature", ints t.Feature
                "threshold", State.Vector t.Threshold
                "left", ints t.Left
                "right", ints t.Right
                "value", State.Vector t.Value
            ]

        if isNull trees then
            State.Empty
        else
            State.Record [
                "n_features", State.Number(float featureCount)
                "n_outputs", State.Number(float trees.[0].Outputs)
                "trees", State.List(trees |> Array.map treeState |> List.ofArray)
            ]

    override _.LoadState state =
        if state <> State.Empty then
            let outputs = int (State.number "n_outputs" state)
            let ints name s = State.vector name s |> Array.map int

            let treeOf s = {
                Feature = ints "feature" s
                Threshold = State.vector "threshold" s
                Left = ints "left" s
                Right = ints "right" s
                Value = State.vector "value" s
                Outputs = outputs
            }

            featureCount <- int (State.number "n_features" state)
            trees <- State.field "trees" state |> State.items |> List.map treeOf |> Array.ofList
