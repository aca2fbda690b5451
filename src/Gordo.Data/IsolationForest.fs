namespace Gordo.Data

open System

/// scikit-learn's IsolationForest as gordo-core's nuisance filter uses it (max_features 1.0, no
/// bootstrap): each tree is an extremely randomised tree on `max_samples` rows drawn without
/// replacement, grown to depth ⌈log2 max_samples⌉ with one random feature and a uniform threshold
/// per node; a row's score is 2^(−mean path length / c(max_samples)), path lengths corrected by
/// c(rows left in the leaf).
[<RequireQualifiedAccess>]
module internal IsolationForest =
    /// One fitted tree as parallel node arrays (a leaf has `Left` −1 and its row count in `Count`).
    [<NoEquality; NoComparison>]
    type Tree = {
        Feature: int[]
        Threshold: float[]
        Left: int[]
        Right: int[]
        Count: int[]
    }

    /// scikit-learn `_average_path_length`: the mean path length of an unsuccessful search in a
    /// binary search tree of `n` items.
    let averagePathLength (n: int) : float =
        if n <= 1 then
            0.0
        elif n = 2 then
            1.0
        else
            2.0 * (log (float (n - 1)) + 0.5772156649015329) - 2.0 * float (n - 1) / float n

    let private grow (columns: float[][]) (rows: int[]) (maxDepth: int) (random: Random) : Tree =
        let feature, threshold = ResizeArray<int>(), ResizeArray<float>()
        let left, right, count = ResizeArray<int>(), ResizeArray<int>(), ResizeArray<int>()
        let p = columns.Length

        let rec node (slice: int[]) (depth: int) : int =
            let self = feature.Count
            feature.Add -1
            threshold.Add 0.0
            left.Add -1
            right.Add -1
            count.Add slice.Length

            if depth < maxDepth && slice.Length >= 2 then
                // Draw features in random order until one is not constant on the node.
                let order = Array.init p id
                let mutable drawn = 0
                let mutable split = None

                while split.IsNone && drawn < p do
                    let j = drawn + random.Next(p - drawn)
                    let f = order.[j]
                    order.[j] <- order.[drawn]
                    order.[drawn] <- f
                    drawn <- drawn + 1
                    let values = slice |> Array.map (fun i -> columns.[f].[i])
                    let lo, hi = Array.min values, Array.max values

                    if hi > lo + 1e-7 then
                        let t = lo + (hi - lo) * random.NextDouble()
                        split <- Some(f, (if t = hi then lo else t))

                match split with
                | Some(f, t) ->
                    let goesLeft, goesRight = slice |> Array.partition (fun i -> columns.[f].[i] <= t)
                    feature.[self] <- f
                    threshold.[self] <- t
                    let l = node goesLeft (depth + 1)
                    left.[self] <- l
                    right.[self] <- node goesRight (depth + 1)
                | None -> ()

            self

        node rows 0 |> ignore

        {
            Feature = feature.ToArray()
            Threshold = threshold.ToArray()
            Left = left.ToArray()
            Right = right.ToArray()
            Count = count.ToArray()
        }

    /// Path length of `row` in `tree`: depth of its leaf plus c(rows in the leaf).
    let private pathLength (columns: float[][]) (row: int) (tree: Tree) =
        let mutable node = 0
        let mutable depth = 0

        while tree.Left.[node] >= 0 do
            node <-
                if columns.[tree.Feature.[node]].[row] <= tree.Threshold.[node] then
                    tree.Left.[node]
                else
                    tree.Right.[node]

            depth <- depth + 1

        float depth + averagePathLength tree.Count.[node]

    /// Partial Fisher–Yates: `k` distinct indices of `0 .. n - 1`.
    let private sampleWithoutReplacement (random: Random) (n: int) (k: int) =
        let pool = Array.init n id

        for i in 0 .. k - 1 do
            let j = i + random.Next(n - i)
            let v = pool.[j]
            pool.[j] <- pool.[i]
            pool.[i] <- v

        Array.sub pool 0 k

    /// scikit-learn `score_samples` of every training row (more negative: more anomalous) for a
    /// forest of `trees` trees on `maxSamples` rows each, seeded with `seed`.
    let scoreSamples (trees: int) (maxSamples: int) (seed: int) (columns: float[][]) : float[] =
        let n = if columns.Length = 0 then 0 else columns.[0].Length
        let samples = min maxSamples n
        let maxDepth = int (ceil (Math.Log2(float (max samples 2))))
        let master = Random seed
        let seeds = Array.init trees (fun _ -> master.Next())

        let forest =
            Array.Parallel.init trees (fun t ->
                let random = Random seeds.[t]
                grow columns (sampleWithoutReplacement random n samples) maxDepth random)

        let denominator = float trees * averagePathLength samples

        Array.Parallel.init n (fun i ->
            let total = forest |> Array.sumBy (pathLength columns i)
            -(2.0 ** (-total / denominator)))

    /// numpy `percentile` (linear interpolation).
    let private percentile (values: float[]) (q: float) =
        let sorted = Array.sort values
        let position = q / 100.0 * float (sorted.Length - 1)
        let lo = int (floor position)
        let hi = min (lo + 1) (sorted.Length - 1)
        sorted.[lo] + (sorted.[hi] - sorted.[lo]) * (position - float lo)

    /// Rows IsolationForest(contamination).predict flags as outliers (−1): score below the
    /// `contamination` quantile of the training scores.
    let outliers (trees: int) (maxSamples: int) (seed: int) (contamination: float) (columns: float[][]) : bool[] =
        let scores = scoreSamples trees maxSamples seed columns

        if scores.Length = 0 then
            [||]
        else
            let offset = percentile scores (100.0 * contamination)
            scores |> Array.map (fun s -> s < offset)

    /// pandas `ewm(halflife).mean()` (adjust=True, NaN skipped but still decaying the weights).
    let smooth (halflife: float) (column: float[]) : float[] =
        let decay = 0.5 ** (1.0 / halflife)
        let mutable weight = 0.0
        let mutable sum = 0.0

        column
        |> Array.map (fun v ->
            weight <- weight * decay
            sum <- sum * decay

            if not (Double.IsNaN v) then
                weight <- weight + 1.0
                sum <- sum + v

            if weight > 0.0 then sum / weight else nan)
