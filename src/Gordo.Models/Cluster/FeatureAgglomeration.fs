namespace Gordo.Models.Cluster

open Gordo.Core
open Gordo.Models
open Gordo.Models.Preprocessing

/// scikit-learn FeatureAgglomeration: clusters the columns of X (each column a point, Euclidean
/// distance) with `linkage` ward, complete, average or single, cuts the tree into `n_clusters`
/// (or at `distance_threshold`) with scikit-learn's labelling, and transforms X to each cluster's
/// mean column (`pooling_func` numpy.mean).
type internal FeatureAgglomeration(args: (string * Arg) list) =
    inherit Estimator("sklearn.cluster._agglomerative.FeatureAgglomeration", args)
    let owner = "FeatureAgglomeration"
    let linkage = Args.string "linkage" args
    let clusters = Args.intOption "n_clusters" args
    let threshold = Args.floatOption "distance_threshold" args
    let mutable labels: int[] = null

    let unsupported (what: string) =
        raise (ModelDefinitionException($"%s{owner}: %s{what}"))

    do
        match Args.string "metric" args with
        | "euclidean"
        | "l2" -> ()
        | other -> unsupported $"metric='%s{other}' is not supported; use 'euclidean'"

        if not (List.contains linkage [ "ward"; "complete"; "average"; "single" ]) then
            unsupported $"linkage='%s{linkage}' must be ward, complete, average or single"

        if not (Args.isNull "connectivity" args) then
            unsupported "connectivity is not supported; remove it"

        match Args.get "pooling_func" args with
        | Arg.Plain(Value.String("numpy.mean" | "np.mean"))
        | Arg.Plain Value.Null -> ()
        | Arg.Model(:? FunctionReference as f) when f.Path = "numpy.mean" -> ()
        | other -> unsupported $"pooling_func=%A{other} is not supported; use numpy.mean"

        match clusters, threshold with
        | Some k, None when k >= 1 -> ()
        | None, Some _ -> ()
        | Some k, None -> unsupported $"n_clusters=%d{k} must be ≥ 1"
        | _ -> unsupported "exactly one of n_clusters and distance_threshold must be set (the other null)"

    /// Each column's cluster (scikit-learn `labels_`).
    member _.Labels: int[] = labels

    override _.IsFitted = not (isNull labels)
    override _.CanTransform = true

    override _.Fit(x, _) =
        Check.finite owner false x
        Check.rowsAtLeast owner 1 x

        if Matrix.cols x < 2 then
            raise (ModelInputException($"%s{owner}: needs at least 2 features (columns) but got %d{Matrix.cols x}"))

        let tree = Linkage.tree linkage (Matrix.columns x)

        let count =
            match clusters, threshold with
            | Some k, _ -> k
            | None, Some t -> 1 + (tree.Distances |> Array.filter (fun d -> d >= t) |> Array.length)
            | None, None -> 1

        if count > Matrix.cols x then
            raise (
                ModelInputException(
                    $"%s{owner}: cannot make %d{count} clusters of %d{Matrix.cols x} features; lower n_clusters"
                )
            )

        labels <- Linkage.cut count tree

    override this.Transform x =
        Check.fitted owner this.IsFitted
        Check.features owner labels.Length x
        let k = Array.max labels + 1
        let size = Array.zeroCreate k

        for l in labels do
            size.[l] <- size.[l] + 1.0

        let result = Array2D.zeroCreate (Matrix.rows x) k

        for i in 0 .. Matrix.rows x - 1 do
            for j in 0 .. labels.Length - 1 do
                result.[i, labels.[j]] <- result.[i, labels.[j]] + x.[i, j]

            for l in 0 .. k - 1 do
                result.[i, l] <- result.[i, l] / size.[l]

        result

    override this.InverseTransform z =
        Check.fitted owner this.IsFitted
        Array2D.init (Matrix.rows z) labels.Length (fun i j -> z.[i, labels.[j]])

    override this.Clone() =
        FeatureAgglomeration(Args.clone this.Args)

    override _.SaveState() =
        if isNull labels then
            State.Empty
        else
            State.Record [ "labels", State.Vector(Array.map float labels) ]

    override _.LoadState state =
        if state <> State.Empty then
            labels <- State.vector "labels" state |> Array.map int
