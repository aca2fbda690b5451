namespace Gordo.Models.Composition

open Gordo.Core
open Gordo.Models
open Gordo.Models.Preprocessing

/// scikit-learn Pipeline: every step but the last is fitted and applied as a transformer; the
/// last one decides whether the pipeline predicts and/or transforms. Steps are named `step_0`...
type internal Pipeline(args: (string * Arg) list) =
    inherit Estimator("sklearn.pipeline.Pipeline", args)
    let steps = Args.models "steps" args

    let last () = List.last steps

    // Every step but the last, listed once (prediction runs on every server request).
    let prefix = steps |> List.truncate (max 0 (steps.Length - 1))

    let throughPrefix (x: Matrix) =
        let mutable acc = x

        for s in prefix do
            acc <- s.Transform acc

        acc

    do
        if steps.IsEmpty then
            raise (ModelDefinitionException "Pipeline: steps must not be empty")

    /// The steps, in order.
    member _.Steps: Estimator list = steps

    override _.IsFitted = steps |> List.forall _.IsFitted
    override _.CanTransform = last().CanTransform
    override _.CanPredict = last().CanPredict
    override _.Offset = steps |> List.sumBy _.Offset

    override _.Fit(x, y) =
        let mutable xt = x

        for s in prefix do
            s.Fit(xt, y)
            xt <- s.Transform xt

        last().Fit(xt, y)

    override _.Transform x = last().Transform(throughPrefix x)
    override _.Predict x = last().Predict(throughPrefix x)
    override _.Score(x, y) = last().Score(throughPrefix x, y)
    override _.BindColumnNames names = steps.Head.BindColumnNames names

    override _.InverseTransform x =
        steps
        |> List.rev
        |> List.fold (fun acc (s: Estimator) -> s.InverseTransform acc) x

    override _.Metadata() = steps |> List.collect _.Metadata()
    override this.Clone() = Pipeline(Args.clone this.Args)

    override _.SaveState() =
        State.List(steps |> List.map _.SaveState())

    override _.LoadState state =
        List.iter2 (fun (s: Estimator) st -> s.LoadState st) steps (State.items state)

/// scikit-learn FeatureUnion: the outputs of every transformer side by side
/// (`transformer_weights` keyed by the auto names `step_0`...).
type internal FeatureUnion(args: (string * Arg) list) =
    inherit Estimator("sklearn.pipeline.FeatureUnion", args)
    let parts = Args.models "transformer_list" args

    let weight (i: int) =
        match Args.get "transformer_weights" args with
        | Arg.Plain(Value.Map weights) ->
            match weights |> List.tryFind (fst >> (=) $"step_%d{i}") with
            | Some(_, Value.Float w) -> w
            | Some(_, Value.Int w) -> float w
            | _ -> 1.0
        | _ -> 1.0

    /// The transformers, in order.
    member _.Parts: Estimator list = parts

    override _.IsFitted = parts |> List.forall _.IsFitted
    override _.CanTransform = true

    override _.Fit(x, y) =
        parts |> List.iter (fun p -> p.Fit(x, y))

    override _.BindColumnNames names =
        parts |> List.iter (fun p -> p.BindColumnNames names)

    override _.Transform x =
        parts
        |> List.mapi (fun i p ->
            let w = weight i
            let out = p.Transform x
            if w = 1.0 then out else Matrix.map ((*) w) out)
        |> Matrix.hstack

    override _.Metadata() = parts |> List.collect _.Metadata()
    override this.Clone() = FeatureUnion(Args.clone this.Args)

    override _.SaveState() =
        State.List(parts |> List.map _.SaveState())

    override _.LoadState state =
        List.iter2 (fun (s: Estimator) st -> s.LoadState st) parts (State.items state)
