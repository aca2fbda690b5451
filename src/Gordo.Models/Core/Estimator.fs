namespace Gordo.Models

open System
open Gordo.Core
open Gordo.Core.Specs

/// A constructor argument of a built model: plain data, a built estimator, or a list of them.
[<RequireQualifiedAccess>]
type Arg =
    /// Plain data.
    | Plain of Value
    /// A built estimator (or function reference / literal, see `Estimator`).
    | Model of Estimator
    /// A list whose items may be estimators.
    | Items of Arg list

/// A model with scikit-learn semantics: constructed from its parameters (all of them, defaults
/// included), fitted in place, then used to transform and/or predict.
and [<AbstractClass>] Estimator(classPath: string, args: (string * Arg) list) =
    /// The class path `into_definition` writes (scikit-learn's defining module).
    member _.ClassPath: string = classPath

    /// Every constructor argument, defaults included, in constructor order.
    member _.Args: (string * Arg) list = args

    /// Fits on X (rows × features) and targets y (transformers ignore y).
    abstract Fit: x: Matrix * y: Matrix -> unit

    /// True once fitted (or for stateless models).
    abstract IsFitted: bool

    /// A fresh, unfitted copy with the same parameters (scikit-learn's `clone`).
    abstract Clone: unit -> Estimator

    /// True when `Transform` is supported.
    abstract CanTransform: bool
    default _.CanTransform = false

    /// Transforms X.
    abstract Transform: x: Matrix -> Matrix

    default this.Transform _ =
        raise (NotSupportedException($"%s{this.ClassPath} has no transform"))

    /// Inverts `Transform` (scalers), where supported.
    abstract InverseTransform: x: Matrix -> Matrix

    default this.InverseTransform _ =
        raise (NotSupportedException($"%s{this.ClassPath} has no inverse_transform"))

    /// True when `Predict` is supported.
    abstract CanPredict: bool
    default _.CanPredict = false

    /// Predicts targets for X.
    abstract Predict: x: Matrix -> Matrix

    default this.Predict _ =
        raise (NotSupportedException($"%s{this.ClassPath} has no predict"))

    /// scikit-learn `score(X, y)`. The default is RegressorMixin's: the r2 score of y against
    /// `Predict x`, averaged uniformly over outputs; models without a score raise
    /// NotSupportedException (scikit-learn: no `score` attribute).
    abstract Score: x: Matrix * y: Matrix -> float

    default this.Score(x, y) =
        if this.CanPredict then
            Stats.r2 y (this.Predict x)
        else
            raise (NotSupportedException($"%s{this.ClassPath} has no score"))

    /// Receives the names of X's columns before fitting (scikit-learn: the input is a DataFrame).
    /// Models that select columns by name keep them; wrappers hand them to the model that sees X
    /// first. The default ignores them.
    abstract BindColumnNames: names: string[] -> unit

    default _.BindColumnNames _ = ()

    /// How many leading input rows have no output row (LSTM models: lookback_window − 1 or more).
    abstract Offset: int
    default _.Offset = 0

    /// Model metadata after fit (spec §2.3, §3.4).
    abstract Metadata: unit -> (string * Value) list
    default _.Metadata() = []

    /// The fitted state, for artifacts.
    abstract SaveState: unit -> State

    /// Restores a fitted state saved by `SaveState`.
    abstract LoadState: state: State -> unit

    /// The estimators nested in this one (pipeline steps, base estimator, ...).
    abstract Children: Estimator list

    default this.Children =
        let rec models arg =
            match arg with
            | Arg.Model m -> [ m ]
            | Arg.Items items -> items |> List.collect models
            | Arg.Plain _ -> []

        this.Args |> List.collect (snd >> models)

    /// Predicts when possible, else transforms (what the anomaly detector and builder use).
    member this.Output(x: Matrix) : Matrix =
        if this.CanPredict then this.Predict x else this.Transform x

    /// The fully expanded definition (spec §2.2): class path and every argument.
    abstract Definition: ModelSpec

    default this.Definition =
        ModelSpec.Class(this.ClassPath, this.Args |> List.map (fun (name, arg) -> name, Estimator.ToParameter arg))

    /// The definition form of an argument (nested estimators as their definitions).
    static member ToParameter(arg: Arg) : Parameter =
        match arg with
        | Arg.Plain v -> Parameter.Plain v
        | Arg.Model m -> Parameter.Model m.Definition
        | Arg.Items items -> Parameter.Items(items |> List.map Estimator.ToParameter)

/// Reading constructor arguments.
[<RequireQualifiedAccess>]
module internal Args =
    let private wrong (name: string) (expected: string) (arg: Arg) =
        raise (ModelDefinitionException($"parameter '%s{name}': expected %s{expected}, got %A{arg}"))

    /// The argument `name` (Null when absent).
    let get (name: string) (args: (string * Arg) list) : Arg =
        args
        |> List.tryFind (fst >> (=) name)
        |> Option.map snd
        |> Option.defaultValue (Arg.Plain Value.Null)

    /// True when the argument is absent or null.
    let isNull (name: string) (args: (string * Arg) list) : bool = get name args = Arg.Plain Value.Null

    /// A float argument (integers accepted).
    let float (name: string) (args: (string * Arg) list) : float =
        match get name args with
        | Arg.Plain(Value.Float f) -> f
        | Arg.Plain(Value.Int i) -> double i
        | other -> wrong name "a number" other

    /// An integer argument.
    let int (name: string) (args: (string * Arg) list) : int =
        match get name args with
        | Arg.Plain(Value.Int i) -> Operators.int i
        | Arg.Plain(Value.Float f) when f = Math.Round f -> Operators.int f
        | other -> wrong name "an integer" other

    /// An optional integer argument (null → None).
    let intOption (name: string) (args: (string * Arg) list) : int option =
        if isNull name args then None else Some(int name args)

    /// An optional float argument (null → None).
    let floatOption (name: string) (args: (string * Arg) list) : float option =
        if isNull name args then None else Some(float name args)

    /// A boolean argument.
    let bool (name: string) (args: (string * Arg) list) : bool =
        match get name args with
        | Arg.Plain(Value.Bool b) -> b
        | other -> wrong name "a boolean" other

    /// A string argument.
    let string (name: string) (args: (string * Arg) list) : string =
        match get name args with
        | Arg.Plain(Value.String s) -> s
        | other -> wrong name "a string" other

    /// An optional string argument.
    let stringOption (name: string) (args: (string * Arg) list) : string option =
        if isNull name args then None else Some(string name args)

    /// A list of numbers.
    let floats (name: string) (args: (string * Arg) list) : float list =
        match get name args with
        | Arg.Plain(Value.List items) ->
            items
            |> List.map (function
                | Value.Float f -> f
                | Value.Int i -> double i
                | _ -> wrong name "a list of numbers" (get name args))
        | other -> wrong name "a list of numbers" other

    /// A list of strings.
    let strings (name: string) (args: (string * Arg) list) : string list =
        match get name args with
        | Arg.Plain(Value.List items) ->
            items
            |> List.map (function
                | Value.String s -> s
                | _ -> wrong name "a list of strings" (get name args))
        | other -> wrong name "a list of strings" other

    /// An estimator argument.
    let model (name: string) (args: (string * Arg) list) : Estimator =
        match get name args with
        | Arg.Model m -> m
        | other -> wrong name "an estimator" other

    /// An optional estimator argument.
    let modelOption (name: string) (args: (string * Arg) list) : Estimator option =
        match get name args with
        | Arg.Model m -> Some m
        | Arg.Plain Value.Null -> None
        | other -> wrong name "an estimator or null" other

    /// The estimators of a step-list argument.
    let models (name: string) (args: (string * Arg) list) : Estimator list =
        match get name args with
        | Arg.Items items ->
            items
            |> List.map (function
                | Arg.Model m -> m
                | other -> wrong name "a list of estimators" other)
        | other -> wrong name "a list of estimators" other

    /// Copies arguments, cloning nested estimators (scikit-learn `clone` semantics).
    let rec clone (args: (string * Arg) list) : (string * Arg) list =
        let rec cloneArg arg =
            match arg with
            | Arg.Model m -> Arg.Model(m.Clone())
            | Arg.Items items -> Arg.Items(List.map cloneArg items)
            | Arg.Plain _ -> arg

        args |> List.map (fun (name, arg) -> name, cloneArg arg)

    /// Replaces (or appends) one argument.
    let set (name: string) (value: Arg) (args: (string * Arg) list) : (string * Arg) list =
        if List.exists (fst >> (=) name) args then
            args |> List.map (fun (n, a) -> if n = name then n, value else n, a)
        else
            args @ [ name, value ]

    /// The argument `name`, or its catalog default for `classPath` when not given.
    let orDefault (classPath: string) (name: string) (args: (string * Arg) list) : Arg =
        match List.tryFind (fst >> (=) name) args with
        | Some(_, arg) -> arg
        | None ->
            Catalog.tryFind classPath
            |> Option.bind (fun e -> Catalog.tryParameter e name)
            |> Option.map (fun p -> Arg.Plain p.Default)
            |> Option.defaultValue (Arg.Plain Value.Null)

    /// Catalog defaults of a class merged with the given arguments (given ones win; extra ones
    /// are appended, as Keras `**kwargs`).
    let withDefaults (classPath: string) (given: (string * Arg) list) : (string * Arg) list =
        let entry =
            match Catalog.tryFind classPath with
            | Some e -> e
            | None -> raise (ModelDefinitionException($"'%s{classPath}' is not in the model catalog"))

        let declared =
            entry.Parameters
            |> List.map (fun p ->
                match List.tryFind (fst >> (=) p.Name) given with
                | Some(_, arg) -> p.Name, arg
                | None -> p.Name, Arg.Plain p.Default)

        let extra =
            given
            |> List.filter (fun (n, _) -> not (List.exists (fun p -> p.Name = n) entry.Parameters))

        declared @ extra
