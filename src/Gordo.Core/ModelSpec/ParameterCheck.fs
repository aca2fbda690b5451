namespace Gordo.Core.Specs

open Gordo.Core

/// Checks plain parameter values against the catalog's parameter types.
[<RequireQualifiedAccess>]
module internal ParameterCheck =
    /// Words for a value, for messages.
    let describeValue (value: Value) : string =
        match value with
        | Value.Null -> "null"
        | Value.Bool b -> sprintf "the boolean %b" b
        | Value.Int i -> sprintf "the integer %d" i
        | Value.Float f -> sprintf "the number %g" f
        | Value.String s -> sprintf "the string '%s'" s
        | Value.List _ -> "a list"
        | Value.Map _ -> "a mapping"

    /// Words for a type, for messages.
    let rec describeType (t: ParameterType) : string =
        match t with
        | ParameterType.Any -> "any value"
        | ParameterType.Int -> "an integer"
        | ParameterType.Float -> "a number"
        | ParameterType.Bool -> "a boolean"
        | ParameterType.String -> "a string"
        | ParameterType.OneOf options -> sprintf "one of %s" (String.concat ", " options)
        | ParameterType.ListOf item -> sprintf "a list of %s" (describeType item)
        | ParameterType.Mapping -> "a mapping"
        | ParameterType.Estimator -> "an estimator (class path or {class: params})"
        | ParameterType.StepList -> "a list of steps"
        | ParameterType.Function -> "a function path"
        | ParameterType.Either(a, b) -> sprintf "%s or %s" (describeType a) (describeType b)
        | ParameterType.Nullable inner -> sprintf "%s or null" (describeType inner)
        | ParameterType.Only(value, why) -> sprintf "only %s (%s)" (describeValue value) why

    /// True when a plain value fits the type. Estimator-typed parameters given as plain values
    /// are checked by the model elaborator, not here.
    let rec fits (t: ParameterType) (value: Value) : bool =
        match t, value with
        | ParameterType.Any, _ -> true
        | ParameterType.Int, Value.Int _ -> true
        | ParameterType.Float, (Value.Int _ | Value.Float _) -> true
        | ParameterType.Bool, Value.Bool _ -> true
        | ParameterType.String, Value.String _ -> true
        | ParameterType.OneOf options, Value.String s -> List.contains s options
        | ParameterType.ListOf item, Value.List items -> List.forall (fits item) items
        | ParameterType.Mapping, Value.Map _ -> true
        | ParameterType.Function, Value.String s -> s.Contains '.'
        | ParameterType.Estimator, (Value.String _ | Value.Map _) -> true
        | ParameterType.StepList, Value.List _ -> true
        | ParameterType.Either(a, b), v -> fits a v || fits b v
        | ParameterType.Nullable _, Value.Null -> true
        | ParameterType.Nullable inner, v -> fits inner v
        | ParameterType.Only(Value.Int a, _), Value.Float b
        | ParameterType.Only(Value.Float b, _), Value.Int a -> float a = b
        | ParameterType.Only(expected, _), v -> v = expected
        | _ -> false
