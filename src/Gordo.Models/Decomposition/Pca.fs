namespace Gordo.Models.Decomposition

open Gordo.Core
open Gordo.Models

/// scikit-learn PCA: centred exact SVD with `svd_flip` signs. Every `svd_solver` is accepted and
/// computed exactly (scikit-learn's randomized/arpack solvers approximate the same result).
type internal Pca(args: (string * Arg) list) =
    inherit Estimator("sklearn.decomposition._pca.PCA", args)
    let owner = "PCA"
    let whiten = Args.bool "whiten" args
    let mutable mean: float[] = null
    let mutable components: Matrix = null
    let mutable variance: float[] = null
    let mutable noise = 0.0

    let chooseComponents (n: int) (p: int) (s: float[]) =
        let limit = min n p
        let total = s |> Array.sumBy (fun v -> v * v)

        match Args.get "n_components" args with
        | Arg.Plain Value.Null -> limit
        | Arg.Plain(Value.Int k) when k >= 0L && int k <= limit -> int k
        | Arg.Plain(Value.Float f) when f > 0.0 && f < 1.0 ->
            let cumulative =
                s |> Array.map (fun v -> v * v / total) |> Array.scan (+) 0.0 |> Array.tail
            // numpy searchsorted(side="right") + 1
            (cumulative |> Array.takeWhile (fun c -> c <= f) |> Array.length) + 1
            |> min limit
        | other ->
            raise (
                ModelInputException(
                    $"PCA: n_components=%A{other} must be between 0 and min(n_samples, n_features)=%d{limit} "
                    + "(or a fraction in (0, 1)); lower n_components or give more rows/tags"
                )
            )

    override _.IsFitted = not (isNull components)
    override _.CanTransform = true

    override _.Fit(x, _) =
        Check.finite owner false x
        Check.rowsAtLeast owner 1 x
        let n, p = Matrix.rows x, Matrix.cols x
        mean <- Matrix.columns x |> Array.map Array.average
        let centred = x |> Matrix.mapColumns (fun j v -> v - mean.[j])
        let d = Linalg.svd centred |> Linalg.svdFlip
        let k = chooseComponents n p d.S
        let all = d.S |> Array.map (fun s -> s * s / float (max 1 (n - 1)))
        components <- Array2D.init k p (fun i j -> d.Vt.[i, j])
        variance <- Array.take k all
        noise <- if k < all.Length then Array.average all.[k..] else 0.0

    member private this.CheckInput(x: Matrix) =
        Check.fitted owner this.IsFitted
        Check.features owner mean.Length x
        Check.finite owner false x

    override this.Transform x =
        this.CheckInput x
        let centred = x |> Matrix.mapColumns (fun j v -> v - mean.[j])
        let projected = Matrix.timesTransposed centred components

        if whiten then
            projected |> Matrix.mapColumns (fun j v -> v / sqrt variance.[j])
        else
            projected

    override this.InverseTransform z =
        Check.fitted owner this.IsFitted

        let unwhitened =
            if whiten then
                z |> Matrix.mapColumns (fun j v -> v * sqrt variance.[j])
            else
                z

        let p = mean.Length
        let k = Matrix.rows components

        Array2D.init (Matrix.rows z) p (fun i j ->
            let mutable s = mean.[j]

            for t in 0 .. k - 1 do
                s <- s + unwhitened.[i, t] * components.[t, j]

            s)

    /// The fitted probabilistic model (scikit-learn `noise_variance_` and friends).
    member private this.Model: PcaFit =
        let singular = noise = 0.0 && Matrix.rows components < mean.Length

        if singular || System.Double.IsNaN noise then
            raise (
                ModelInputException(
                    $"PCA.score: the probabilistic PCA model of this fit is singular (%d{Matrix.rows components} components "
                    + $"of %d{mean.Length} features and no noise variance: fewer rows than features, dropped components "
                    + "of zero variance, or a model saved without noise_variance); fit on more rows than features, "
                    + "lower n_components or refit"
                )
            )

        {
            Mean = mean
            Components = components
            Variance = variance
            Noise = noise
            Whiten = whiten
        }

    /// The log-likelihood of every row of X under the probabilistic PCA model (scikit-learn
    /// `score_samples`).
    member this.ScoreSamples(x: Matrix) : float[] =
        this.CheckInput x
        PcaLikelihood.scoreSamples this.Model x

    /// scikit-learn `score(X, y=None)`: the average log-likelihood of the rows of X (y is ignored).
    override this.Score(x, _) = Array.average (this.ScoreSamples x)

    /// Mean variance of the dropped components (scikit-learn `noise_variance_`).
    member _.NoiseVariance: float = noise

    /// The principal axes, one per row (scikit-learn `components_`).
    member _.Components: Matrix = components

    /// Variance explained by each component (scikit-learn `explained_variance_`).
    member _.ExplainedVariance: float[] = variance

    override this.Clone() = Pca(Args.clone this.Args)

    override _.SaveState() =
        if isNull components then
            State.Empty
        else
            State.Record [
                "mean", State.Vector mean
                "components", State.Matrix components
                "variance", State.Vector variance
                "noise_variance", State.Number noise
            ]

    override _.LoadState state =
        if state <> State.Empty then
            mean <- State.vector "mean" state
            components <- State.matrix "components" state
            variance <- State.vector "variance" state
            noise <- State.numberOr nan "noise_variance" state

/// scikit-learn TruncatedSVD (no centring), computed exactly with `svd_flip` signs (what the
/// `arpack` algorithm converges to; `randomized` approximates it).
type internal TruncatedSvd(args: (string * Arg) list) =
    inherit Estimator("sklearn.decomposition._truncated_svd.TruncatedSVD", args)
    let owner = "TruncatedSVD"
    let k = Args.int "n_components" args
    let mutable components: Matrix = null

    override _.IsFitted = not (isNull components)
    override _.CanTransform = true

    override _.Fit(x, _) =
        Check.finite owner false x
        Check.rowsAtLeast owner 1 x
        let p = Matrix.cols x

        if k < 1 || k >= p || k > Matrix.rows x then
            raise (
                ModelInputException(
                    $"TruncatedSVD: n_components must be >= 1 and < n_features (%d{p}) and <= n_samples "
                    + $"(%d{Matrix.rows x}); got %d{k}"
                )
            )

        let d = Linalg.svd x |> Linalg.svdFlip
        components <- Array2D.init k p (fun i j -> d.Vt.[i, j])

    override this.Transform x =
        Check.fitted owner this.IsFitted
        Check.features owner (Matrix.cols components) x
        Check.finite owner false x
        Matrix.timesTransposed x components

    /// The right singular vectors kept (scikit-learn `components_`).
    member _.Components: Matrix = components

    override this.Clone() = TruncatedSvd(Args.clone this.Args)

    override _.SaveState() =
        if isNull components then
            State.Empty
        else
            State.Record [ "components", State.Matrix components ]

    override _.LoadState state =
        if state <> State.Empty then
            components <- State.matrix "components" state
