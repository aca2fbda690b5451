namespace Gordo.Models.Preprocessing

open System
open MathNet.Numerics.Distributions
open Gordo.Models

/// A per-column affine transform `(x − center) · factor + offset` learned at fit (every scaler;
/// the form matches scikit-learn's arithmetic so results agree to the last bits).
[<AbstractClass>]
type internal AffineScaler(classPath: string, args: (string * Arg) list) =
    inherit Estimator(classPath, args)
    let mutable center: float[] = null
    let mutable scale: float[] = null
    let mutable offset: float[] = null

    /// Learns (center, factor, offset) per column from X.
    abstract Learn: x: Matrix -> (float * float * float)[]

    /// Post-processing of transformed values (MinMaxScaler's `clip`).
    abstract Finish: value: float -> float
    default _.Finish value = value

    /// True when `Finish` is not the identity (else `Transform` skips the call per element).
    abstract Finishes: bool
    default _.Finishes = false

    override _.IsFitted = not (isNull scale)
    override _.CanTransform = true

    override this.Fit(x, _) =
        Check.finite classPath true x
        Check.rowsAtLeast classPath 1 x
        let c, s, o = this.Learn x |> Array.unzip3
        center <- c
        scale <- s
        offset <- o

    /// The checks of `Transform`: fitted, the feature count and no infinity (NaN is kept).
    member this.Accept(x: Matrix) : unit =
        Check.fitted classPath this.IsFitted
        Check.features classPath scale.Length x
        Check.finite classPath true x

    /// `Transform` of one row (`source` and `target` hold one value per feature; no checks):
    /// what `Transform` computes for every row, for callers that want no intermediate matrix.
    member this.TransformRow(source: ReadOnlySpan<float>, target: Span<float>) : unit =
        let finishes = this.Finishes

        for j in 0 .. source.Length - 1 do
            let v = (source.[j] - center.[j]) * scale.[j] + offset.[j]
            target.[j] <- if finishes then this.Finish v else v

    override this.Transform x =
        this.Accept x
        let c = Matrix.cols x
        let result = Array2D.zeroCreate (Matrix.rows x) c
        let source = Matrix.span x
        let target = Matrix.span result

        for i in 0 .. Matrix.rows x - 1 do
            this.TransformRow(source.Slice(i * c, c), target.Slice(i * c, c))

        result

    override this.InverseTransform x =
        Check.fitted classPath this.IsFitted
        Check.features classPath scale.Length x
        x |> Matrix.mapColumns (fun j v -> (v - offset.[j]) / scale.[j] + center.[j])

    override _.SaveState() =
        if isNull scale then
            State.Empty
        else
            State.Record [
                "center", State.Vector center
                "scale", State.Vector scale
                "offset", State.Vector offset
            ]

    override _.LoadState state =
        match state with
        | State.Empty -> ()
        | _ ->
            center <- State.vector "center" state
            scale <- State.vector "scale" state
            offset <- State.vector "offset" state

/// scikit-learn MinMaxScaler (`feature_range`, `clip`); NaN is ignored at fit and kept.
type internal MinMaxScaler(args: (string * Arg) list) =
    inherit AffineScaler("sklearn.preprocessing._data.MinMaxScaler", args)
    let range = Args.floats "feature_range" args
    let clip = Args.bool "clip" args

    do
        match range with
        | [ lo; hi ] when lo < hi -> ()
        | _ ->
            raise (
                ModelDefinitionException(
                    $"MinMaxScaler: feature_range must be [min, max] with min < max, got %A{range}"
                )
            )

    override _.Learn x =
        let lo, hi = range.[0], range.[1]

        Matrix.columns x
        |> Array.map (fun c ->
            let dataMin, dataMax = Stats.nanMin c, Stats.nanMax c
            let scale = (hi - lo) / Stats.handleZeros (dataMax - dataMin)
            0.0, scale, lo - dataMin * scale)

    override _.Finish v =
        if clip then Math.Clamp(v, range.[0], range.[1]) else v

    override _.Finishes = clip

    override this.Clone() = MinMaxScaler(Args.clone this.Args)

/// scikit-learn StandardScaler (`with_mean`, `with_std`); NaN ignored at fit and kept.
type internal StandardScaler(args: (string * Arg) list) =
    inherit AffineScaler("sklearn.preprocessing._data.StandardScaler", args)
    let withMean = Args.bool "with_mean" args
    let withStd = Args.bool "with_std" args

    override _.Learn x =
        Matrix.columns x
        |> Array.map (fun c ->
            let mean = Stats.nanMean c
            let var = Stats.nanVariance c
            let n = float (Stats.finiteValues c).Length
            let eps = 2.220446049250313e-16
            let constant = var <= n * eps * var + (n * mean * eps) ** 2.0
            let std = if not withStd || constant then 1.0 else sqrt var
            let center = if withMean then mean else 0.0
            center, 1.0 / std, 0.0)

    override this.Clone() = StandardScaler(Args.clone this.Args)

/// scikit-learn RobustScaler (median and quantile range; `unit_variance`).
type internal RobustScaler(args: (string * Arg) list) =
    inherit AffineScaler("sklearn.preprocessing._data.RobustScaler", args)
    let centering = Args.bool "with_centering" args
    let scaling = Args.bool "with_scaling" args
    let unitVariance = Args.bool "unit_variance" args

    let qMin, qMax =
        match Args.floats "quantile_range" args with
        | [ a; b ] when 0.0 <= a && a <= b && b <= 100.0 -> a, b
        | other ->
            raise (
                ModelDefinitionException(
                    $"RobustScaler: invalid quantile_range %A{other}; use [q_min, q_max] in 0..100"
                )
            )

    override _.Learn x =
        let adjust =
            if unitVariance then
                Normal.InvCDF(0.0, 1.0, qMax / 100.0) - Normal.InvCDF(0.0, 1.0, qMin / 100.0)
            else
                1.0

        Matrix.columns x
        |> Array.map (fun c ->
            let sorted = Stats.finiteValues c |> Array.sort

            let center =
                if centering then
                    Stats.percentileSorted sorted 50.0
                else
                    0.0

            let scale =
                if scaling then
                    Stats.handleZeros (Stats.percentileSorted sorted qMax - Stats.percentileSorted sorted qMin)
                    / adjust
                else
                    1.0

            center, 1.0 / scale, 0.0)

    override this.Clone() = RobustScaler(Args.clone this.Args)
