namespace Gordo.Models.Composition

open Gordo.Core
open Gordo.Models
open Gordo.Models.Preprocessing

/// scikit-learn Pipeline: every step but the last is fitted and applied as a transformer; the
/// last one decides whether the pipeline predicts and/or transforms. Steps are named `step_0`...
type Pipeline(args: (string * Arg) list) =
    inherit Estimator("sklearn.pipeline.Pipeline", args)
    let steps = Args.models "steps" args

    let last () = List.last steps

    let throughPrefix (x: Matrix) =
        steps
        |> List.take (steps.Length - 1)
        |> List.fold (fun acc (s: Estimator) -> s.Transform acc) x

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

        for s in steps |> List.take (steps.Length - 1) do
            s.Fit(xt, y)
            xt <- s.Transform xt

        last().Fit(xt, y)

    override _.Transform x = last().Transform(throughPrefix x)
    override _.Predict x = last().Predict(throughPrefix x)

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
type FeatureUnion(args: (string * Arg) list) =
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

/// scikit-learn ColumnTransformer over column indices: each `[name, transformer, columns]`
/// entry transforms its columns; the remaining columns are dropped or passed through
/// (`remainder`: `drop`, `passthrough` or a transformer).
type ColumnTransformer(args: (string * Arg) list) =
    inherit Estimator("sklearn.compose._column_transformer.ColumnTransformer", args)
    let mutable remainderColumns: int[] = null

    let columnsOf (value: Value) =
        match value with
        | Value.Int i -> [| int i |]
        | Value.List items ->
            items
            |> List.map (function
                | Value.Int i -> int i
                | other ->
                    raise (
                        ModelDefinitionException($"ColumnTransformer: columns must be integer indices, got %A{other}")
                    ))
            |> Array.ofList
        | other -> raise (ModelDefinitionException($"ColumnTransformer: columns must be indices, got %A{other}"))

    let entries =
        match Args.get "transformers" args with
        | Arg.Items items ->
            items
            |> List.map (function
                | Arg.Items [ Arg.Plain _; Arg.Model e; Arg.Plain cols ] -> e, columnsOf cols
                | other ->
                    raise (
                        ModelDefinitionException(
                            $"ColumnTransformer: expected [name, transformer, columns], got %A{other}"
                        )
                    ))
        | Arg.Plain(Value.List []) -> []
        | other -> raise (ModelDefinitionException($"ColumnTransformer: invalid transformers %A{other}"))

    let remainder =
        match Args.get "remainder" args with
        | Arg.Model e -> e
        | Arg.Plain(Value.String s) -> LiteralStep s :> Estimator
        | _ -> LiteralStep "drop" :> Estimator

    override _.IsFitted = not (isNull remainderColumns)
    override _.CanTransform = true

    override _.Fit(x, y) =
        let used = entries |> List.collect (snd >> List.ofArray) |> set
        remainderColumns <- [| 0 .. Matrix.cols x - 1 |] |> Array.filter (used.Contains >> not)

        for e, cols in entries do
            e.Fit(Matrix.takeColumns cols x, y)

        remainder.Fit(Matrix.takeColumns remainderColumns x, y)

    override this.Transform x =
        Check.fitted "ColumnTransformer" this.IsFitted

        (entries |> List.map (fun (e, cols) -> e.Transform(Matrix.takeColumns cols x)))
        @ [ remainder.Transform(Matrix.takeColumns remainderColumns x) ]
        |> Matrix.hstack

    override this.Clone() = ColumnTransformer(Args.clone this.Args)

    override _.SaveState() =
        State.Record [
            "remainder_columns", State.Vector(remainderColumns |> Array.map float)
            "parts", State.List((entries |> List.map (fst >> _.SaveState())) @ [ remainder.SaveState() ])
        ]

    override _.LoadState state =
        remainderColumns <- State.vector "remainder_columns" state |> Array.map int
        let states = State.items (State.field "parts" state)
        List.iter2 (fun (e: Estimator) st -> e.LoadState st) ((entries |> List.map fst) @ [ remainder ]) states
