namespace Gordo.Models.Cluster

open System

/// A hierarchical clustering of `n` points as scikit-learn's `children_`: merge `k` joins
/// `Children.[k]` (ids below `n` are points, `n + j` the cluster of merge `j`) at `Distances.[k]`.
[<NoEquality; NoComparison>]
type internal Dendrogram = {
    Children: struct (int * int)[]
    Distances: float[]
    Leaves: int
}

/// The linkage trees scikit-learn's AgglomerativeClustering builds without connectivity:
/// scipy's `nn_chain` for ward/complete/average (then sorted by distance and relabelled as scipy's
/// `label`), scikit-learn's own minimum spanning tree for single.
[<RequireQualifiedAccess>]
module internal Linkage =
    /// Euclidean distance of rows `a` and `b` (sum of squares in column order, as `pdist`).
    let private distance (points: float[][]) (a: int) (b: int) =
        let pa, pb = points.[a], points.[b]
        let mutable s = 0.0

        for j in 0 .. pa.Length - 1 do
            let d = pa.[j] - pb.[j]
            s <- s + d * d

        sqrt s

    /// scipy's Lance–Williams updates (`_hierarchy_distance_update.pxi`).
    let private update (linkage: string) (dxi: float) (dyi: float) (dxy: float) (nx: int) (ny: int) (ni: int) =
        match linkage with
        | "complete" -> max dxi dyi
        | "average" -> (float nx * dxi + float ny * dyi) / float (nx + ny)
        | _ ->
            let t = 1.0 / float (nx + ny + ni)

            sqrt (
                float (ni + nx) * t * dxi * dxi + float (ni + ny) * t * dyi * dyi
                - float ni * t * dxy * dxy
            )

    /// Stable sort of merges by distance (numpy's mergesort).
    let private sortByDistance (merges: (int * int * float)[]) =
        merges |> List.ofArray |> List.sortBy (fun (_, _, d) -> d) |> Array.ofList

    /// scipy `nn_chain` over the full distance matrix; merges in creation order with point or
    /// representative indices, as scipy records them before `label`.
    let private nnChain (linkage: string) (points: float[][]) =
        let n = points.Length
        let d = Array2D.init n n (fun a b -> if a = b then 0.0 else distance points a b)
        let size = Array.create n 1
        let chain = Array.zeroCreate n
        let mutable length = 0

        [|
            for _ in 0 .. n - 2 do
                if length = 0 then
                    length <- 1
                    chain.[0] <- Array.findIndex (fun s -> s > 0) size

                let mutable x = 0
                let mutable y = 0
                let mutable best = 0.0
                let mutable searching = true

                while searching do
                    x <- chain.[length - 1]

                    if length > 1 then
                        y <- chain.[length - 2]
                        best <- d.[x, y]
                    else
                        best <- Double.PositiveInfinity

                    for i in 0 .. n - 1 do
                        if size.[i] > 0 && i <> x && d.[x, i] < best then
                            best <- d.[x, i]
                            y <- i

                    if length > 1 && y = chain.[length - 2] then
                        searching <- false
                    else
                        chain.[length] <- y
                        length <- length + 1

                length <- length - 2
                let x, y = min x y, max x y
                let nx, ny = size.[x], size.[y]
                size.[x] <- 0
                size.[y] <- nx + ny

                for i in 0 .. n - 1 do
                    if size.[i] > 0 && i <> y then
                        let v = update linkage d.[i, x] d.[i, y] best nx ny size.[i]
                        d.[i, y] <- v
                        d.[y, i] <- v

                x, y, best
        |]

    /// scipy `label`: merges of representatives to cluster ids (smaller id first).
    let private label (n: int) (merges: (int * int * float)[]) : Dendrogram =
        let parent = Array.init (2 * n - 1) id

        let rec find x =
            if parent.[x] = x then x else find parent.[x]

        let children =
            merges
            |> Array.mapi (fun k (a, b, _) ->
                let ra, rb = find a, find b
                parent.[ra] <- n + k
                parent.[rb] <- n + k
                struct (min ra rb, max ra rb))

        {
            Children = children
            Distances = merges |> Array.map (fun (_, _, d) -> d)
            Leaves = n
        }

    /// scikit-learn `mst_linkage_core` (Prim from point 0) then `_single_linkage_label`, which
    /// keeps each edge's (current node, new node) order.
    let private single (points: float[][]) : Dendrogram =
        let n = points.Length
        let inTree = Array.zeroCreate n
        let current = Array.create n Double.PositiveInfinity
        let mutable node = 0

        let edges = [|
            for _ in 1 .. n - 1 do
                inTree.[node] <- true
                let mutable best = Double.PositiveInfinity
                let mutable next = 0

                for j in 0 .. n - 1 do
                    if not inTree.[j] then
                        current.[j] <- min current.[j] (distance points node j)

                        if current.[j] < best then
                            best <- current.[j]
                            next <- j

                yield node, next, best
                node <- next
        |]

        let parent = Array.init (2 * n - 1) id

        let rec find x =
            if parent.[x] = x then x else find parent.[x]

        let sorted = sortByDistance edges

        let children =
            sorted
            |> Array.mapi (fun k (a, b, _) ->
                let ra, rb = find a, find b
                parent.[ra] <- n + k
                parent.[rb] <- n + k
                struct (ra, rb))

        {
            Children = children
            Distances = sorted |> Array.map (fun (_, _, d) -> d)
            Leaves = n
        }

    /// The full tree of `points` (rows) for `linkage` (ward, complete, average or single).
    let tree (linkage: string) (points: float[][]) : Dendrogram =
        if linkage = "single" then
            single points
        else
            nnChain linkage points |> sortByDistance |> label points.Length

    /// The points under `node`.
    let private descendants (tree: Dendrogram) (node: int) =
        let rec walk node =
            if node < tree.Leaves then
                [ node ]
            else
                let struct (a, b) = tree.Children.[node - tree.Leaves]
                walk a @ walk b

        walk node

    /// Python's `heapq` sift operations on a list of ints (scikit-learn's labels follow the heap's
    /// array order).
    let private siftDown (heap: ResizeArray<int>) (start: int) (position: int) =
        let item = heap.[position]
        let mutable pos = position
        let mutable moving = true

        while moving && pos > start do
            let parent = (pos - 1) >>> 1

            if item < heap.[parent] then
                heap.[pos] <- heap.[parent]
                pos <- parent
            else
                moving <- false

        heap.[pos] <- item

    let private siftUp (heap: ResizeArray<int>) (position: int) =
        let item = heap.[position]
        let mutable pos = position
        let mutable child = 2 * pos + 1

        while child < heap.Count do
            if child + 1 < heap.Count && not (heap.[child] < heap.[child + 1]) then
                child <- child + 1

            heap.[pos] <- heap.[child]
            pos <- child
            child <- 2 * pos + 1

        heap.[pos] <- item
        siftDown heap position pos

    /// scikit-learn `_hc_cut`: splits the highest clusters until there are `clusters`; point
    /// labels number the clusters in heap order.
    let cut (clusters: int) (tree: Dendrogram) : int[] =
        let n = tree.Leaves
        let struct (lastA, lastB) = tree.Children.[tree.Children.Length - 1]
        let heap = ResizeArray [ -(max lastA lastB + 1) ]

        for _ in 1 .. clusters - 1 do
            let struct (a, b) = tree.Children.[-heap.[0] - n]
            heap.Add(-a)
            siftDown heap 0 (heap.Count - 1)

            if heap.[0] < -b then
                heap.[0] <- -b
                siftUp heap 0

        let labels = Array.zeroCreate n

        heap
        |> Seq.iteri (fun label node ->
            for point in descendants tree -node do
                labels.[point] <- label)

        labels
