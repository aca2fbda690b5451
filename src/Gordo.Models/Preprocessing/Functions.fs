namespace Gordo.Models.Preprocessing

open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models

/// A reference to a function by dotted path (`gordo...multiply_by`); `into_definition` writes
/// the path as a plain string, as Gordo does for callables.
type internal FunctionReference(path: string) =
    inherit Estimator(path, [])

    /// Applies the function to X with keyword arguments.
    member _.Apply(x: Matrix, kwargs: (string * Value) list) : Matrix =
        match path with
        | "gordo.machine.model.transformer_funcs.general.multiply_by" ->
            let factor =
                match kwargs |> List.tryFind (fst >> (=) "factor") with
                | Some(_, Value.Float f) -> f
                | Some(_, Value.Int i) -> float i
                | _ -> raise (ModelDefinitionException "multiply_by needs a numeric 'factor' in kw_args")

            x |> Matrix.map (fun v -> v * factor)
        | other -> raise (ModelDefinitionException($"function '%s{other}' cannot be applied to a matrix"))

    /// The dotted path.
    member _.Path: string = path

    override _.IsFitted = true
    override _.Fit(_, _) = ()
    override this.Clone() = this
    override _.SaveState() = State.Empty
    override _.LoadState _ = ()
    override _.Definition = ModelSpec.Literal path

/// scikit-learn's bare-string steps `drop` and `passthrough`.
type internal LiteralStep(text: string) =
    inherit Estimator(text, [])

    /// True for `drop`.
    member _.IsDrop: bool = (text = "drop")

    override _.IsFitted = true
    override _.CanTransform = true
    override _.Fit(_, _) = ()

    override _.Transform x =
        if text = "drop" then
            Array2D.zeroCreate (Matrix.rows x) 0
        else
            x

    override this.Clone() = this
    override _.SaveState() = State.Empty
    override _.LoadState _ = ()
    override _.Definition = ModelSpec.Literal text

/// scikit-learn FunctionTransformer (`func`/`inverse_func` with `kw_args`/`inv_kw_args`); no
/// function means identity.
type internal FunctionTransformer(args: (string * Arg) list) =
    inherit Estimator("sklearn.preprocessing._function_transformer.FunctionTransformer", args)

    let kwargs name =
        match Args.get name args with
        | Arg.Plain(Value.Map entries) -> entries
        | _ -> []

    let apply funcName kwName (x: Matrix) =
        match Args.get funcName args with
        | Arg.Model(:? FunctionReference as f) -> f.Apply(x, kwargs kwName)
        | _ -> x

    override _.IsFitted = true
    override _.CanTransform = true
    override _.Fit(_, _) = ()
    override _.Transform x = apply "func" "kw_args" x
    override _.InverseTransform x = apply "inverse_func" "inv_kw_args" x

    override this.Clone() =
        FunctionTransformer(Args.clone this.Args)

    override _.SaveState() = State.Empty
    override _.LoadState _ = ()
