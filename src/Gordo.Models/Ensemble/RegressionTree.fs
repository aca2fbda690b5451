namespace Gordo.Models.Ensemble

open System

/// A fitted regression tree as scikit-learn's `tree_` arrays: node `i` is a leaf when
/// `Left.[i] < 0`, else rows with `x.[Feature.[i]] <= Threshold.[i]` go to `Left.[i]`;
/// `Value` holds each node's mean target, `outputs` values per node.
[<NoEquality; NoComparison>]
type internal TreeNodes = {
    Feature: int[]
    Threshold: float[]
    Left: int[]
    Right: int[]
    Value: float[]
    Outputs: int
}

/// The stopping rules of a tree (scikit-learn's, resolved to counts and weights).
[<NoEquality; NoComparison>]
type internal TreeRules = {
    MaxDepth: int
    MinSamplesSplit: int
    MinSamplesLeaf: int
    MinWeightLeaf: float
    MinImpurityDecrease: float
    MaxFeatures: int
}

/// The training data every tree of a forest shares: columns of X, y row-major, and each column's
/// row order sorted by value (computed once; each tree filters it to its own rows).
[<NoEquality; NoComparison>]
type internal TreeData = {
    Columns: float[][]
    Targets: float[]
    Outputs: int
    Sorted: int[][]
}

[<RequireQualifiedAccess>]
module internal TreeData =
    let create (columns: float[][]) (targets: float[]) (outputs: int) : TreeData =
        let sortColumn (c: float[]) =
            let order = Array.init c.Length id
            Array.Sort(Array.copy c, order)
            order

        {
            Columns = columns
            Targets = targets
            Outputs = outputs
            Sorted = columns |> Array.map sortColumn
        }

/// Grows one CART regression tree (scikit-learn's BestSplitter with the squared-error
/// criterion) over presorted rows: every node keeps, per feature, its rows in value order in one
/// slice of `order.[f]`, and a split stably partitions every feature's slice.
type internal TreeGrower(data: TreeData, weights: float[], rules: TreeRules, random: Random) =
    // scikit-learn's FEATURE_THRESHOLD and EPSILON.
    let featureThreshold = 1e-7
    let epsilon = 2.220446049250313e-16
    let k = data.Outputs
    let p = data.Columns.Length

    let order =
        data.Sorted
        |> Array.map (fun sorted -> sorted |> Array.filter (fun i -> weights.[i] > 0.0))

    let goesLeft: bool[] = Array.zeroCreate weights.Length
    let buffer: int[] = Array.zeroCreate (if p = 0 then 0 else order.[0].Length)
    let features = Array.init p id
    let totalWeight = Array.sum weights
    let nodeSum: float[] = Array.zeroCreate k
    let leftSum: float[] = Array.zeroCreate k

    let feature = ResizeArray<int>()
    let threshold = ResizeArray<float>()
    let left = ResizeArray<int>()
    let right = ResizeArray<int>()
    let value = ResizeArray<float>()

    /// Weighted sums of the node's targets into `nodeSum`; returns (weight, impurity).
    let summarise (start: int) (stop: int) : float * float =
        Array.fill nodeSum 0 k 0.0
        let rows = order.[0]
        let y = data.Targets
        let mutable w = 0.0
        let mutable squares = 0.0

        for q in start .. stop - 1 do
            let i = rows.[q]
            let wi = weights.[i]
            w <- w + wi

            for o in 0 .. k - 1 do
                let v = y.[i * k + o]
                nodeSum.[o] <- nodeSum.[o] + wi * v
                squares <- squares + wi * v * v

        let mutable impurity = squares / w

        for o in 0 .. k - 1 do
            let mean = nodeSum.[o] / w
            impurity <- impurity - mean * mean

        w, impurity / float k

    /// Impurity of rows `start .. stop - 1` in feature `f`'s order, with their weight.
    let impurityOf (f: int) (start: int) (stop: int) : float * float =
        let sums = Array.zeroCreate k
        let mutable w = 0.0
        let mutable squares = 0.0

        for q in start .. stop - 1 do
            let i = order.[f].[q]
            w <- w + weights.[i]

            for o in 0 .. k - 1 do
                let v = data.Targets.[i * k + o]
                sums.[o] <- sums.[o] + weights.[i] * v
                squares <- squares + weights.[i] * v * v

        let mutable impurity = squares / w

        for o in 0 .. k - 1 do
            impurity <- impurity - (sums.[o] / w) * (sums.[o] / w)

        w, impurity / float k

    let proxy (wl: float) (wr: float) =
        let mutable l = 0.0
        let mutable r = 0.0

        for o in 0 .. k - 1 do
            let sl = leftSum.[o]
            let sr = nodeSum.[o] - sl
            l <- l + sl * sl
            r <- r + sr * sr

        l / wl + r / wr

    /// The best split of feature `f` over the node: (proxy improvement, position, threshold).
    let searchFeature (f: int) (start: int) (stop: int) (nodeWeight: float) (best: float) =
        let rows = order.[f]
        let x = data.Columns.[f]
        let y = data.Targets
        Array.fill leftSum 0 k 0.0
        let mutable wl = 0.0
        let mutable bestProxy = best
        let mutable bestPos = -1
        let mutable bestThreshold = 0.0

        for q in start .. stop - 2 do
            let i = rows.[q]
            let wi = weights.[i]
            wl <- wl + wi

            for o in 0 .. k - 1 do
                leftSum.[o] <- leftSum.[o] + wi * y.[i * k + o]

            let here = x.[i]
            let next = x.[rows.[q + 1]]
            let nLeft = q + 1 - start

            if
                next > here + featureThreshold
                && nLeft >= rules.MinSamplesLeaf
                && stop - start - nLeft >= rules.MinSamplesLeaf
                && wl >= rules.MinWeightLeaf
                && nodeWeight - wl >= rules.MinWeightLeaf
            then
                let candidate = proxy wl (nodeWeight - wl)

                if candidate > bestProxy then
                    bestProxy <- candidate
                    bestPos <- q + 1
                    let middle = here / 2.0 + next / 2.0

                    bestThreshold <-
                        if middle = next || Double.IsInfinity middle then
                            here
                        else
                            middle

        bestProxy, bestPos, bestThreshold

    /// The best split over up to `MaxFeatures` non-constant features drawn at random without
    /// replacement (scikit-learn keeps drawing past constant ones): (feature, position, threshold).
    let findSplit (start: int) (stop: int) (nodeWeight: float) =
        let mutable bestProxy = Double.NegativeInfinity
        let mutable bestFeature = -1
        let mutable bestPos = -1
        let mutable bestThreshold = 0.0
        let mutable visited = 0
        let mutable nonConstant = 0
        let mutable drawn = 0

        while drawn < p && (visited < rules.MaxFeatures || nonConstant = 0) do
            let j = drawn + random.Next(p - drawn)
            let f = features.[j]
            features.[j] <- features.[drawn]
            features.[drawn] <- f
            drawn <- drawn + 1
            visited <- visited + 1
            let x = data.Columns.[f]

            if x.[order.[f].[stop - 1]] > x.[order.[f].[start]] + featureThreshold then
                nonConstant <- nonConstant + 1
                let proxyF, pos, thr = searchFeature f start stop nodeWeight bestProxy

                if pos >= 0 then
                    bestProxy <- proxyF
                    bestFeature <- f
                    bestPos <- pos
                    bestThreshold <- thr

        bestFeature, bestPos, bestThreshold

    /// Stably moves the left rows of every feature's slice before the right ones.
    let partition (splitFeature: int) (start: int) (pos: int) (stop: int) =
        let splitRows = order.[splitFeature]

        for q in start .. stop - 1 do
            goesLeft.[splitRows.[q]] <- q < pos

        for f in 0 .. p - 1 do
            if f <> splitFeature then
                let rows = order.[f]
                let mutable l = start
                let mutable r = 0

                for q in start .. stop - 1 do
                    let i = rows.[q]

                    if goesLeft.[i] then
                        rows.[l] <- i
                        l <- l + 1
                    else
                        buffer.[r] <- i
                        r <- r + 1

                Array.blit buffer 0 rows l r

    let addNode (parent: int) (isLeft: bool) =
        let id = feature.Count
        feature.Add -1
        threshold.Add 0.0
        left.Add -1
        right.Add -1

        for o in 0 .. k - 1 do
            value.Add 0.0

        if parent >= 0 then
            if isLeft then left.[parent] <- id else right.[parent] <- id

        id

    let improvement (f: int) (start: int) (pos: int) (stop: int) (nodeWeight: float) (impurity: float) =
        let wl, il = impurityOf f start pos
        let wr, ir = impurityOf f pos stop

        nodeWeight / totalWeight
        * (impurity - wl / nodeWeight * il - wr / nodeWeight * ir)

    /// Grows the tree depth first (left child before right, as scikit-learn's DepthFirstTreeBuilder).
    member _.Grow() : TreeNodes =
        let stack = Collections.Generic.Stack<struct (int * int * int * int * bool)>()
        stack.Push(struct (0, buffer.Length, 0, -1, true))

        while stack.Count > 0 do
            let struct (start, stop, depth, parent, isLeft) = stack.Pop()
            let node = addNode parent isLeft
            let count = stop - start
            let w, impurity = summarise start stop

            for o in 0 .. k - 1 do
                value.[node * k + o] <- nodeSum.[o] / w

            let mutable leaf =
                depth >= rules.MaxDepth
                || count < rules.MinSamplesSplit
                || count < 2 * rules.MinSamplesLeaf
                || w < 2.0 * rules.MinWeightLeaf
                || impurity <= epsilon

            if not leaf then
                let f, pos, thr = findSplit start stop w

                leaf <-
                    pos < 0
                    || (rules.MinImpurityDecrease > 0.0
                        && improvement f start pos stop w impurity + epsilon < rules.MinImpurityDecrease)

                if not leaf then
                    partition f start pos stop
                    feature.[node] <- f
                    threshold.[node] <- thr
                    stack.Push(struct (pos, stop, depth + 1, node, false))
                    stack.Push(struct (start, pos, depth + 1, node, true))

        {
            Feature = feature.ToArray()
            Threshold = threshold.ToArray()
            Left = left.ToArray()
            Right = right.ToArray()
            Value = value.ToArray()
            Outputs = k
        }

[<RequireQualifiedAccess>]
module internal TreeNodes =
    /// The leaf a row of X falls in.
    let leafOf (tree: TreeNodes) (x: ReadOnlySpan<float>) : int =
        let mutable node = 0

        while tree.Left.[node] >= 0 do
            node <-
                if x.[tree.Feature.[node]] <= tree.Threshold.[node] then
                    tree.Left.[node]
                else
                    tree.Right.[node]

        node
