namespace Gordo.Core

open Gordo.Core.Yaml

/// A plain data value (what YAML and JSON can both say): used for metadata, runtime settings
/// and model parameters that are not estimators.
[<RequireQualifiedAccess>]
type Value =
    /// null.
    | Null
    /// A boolean.
    | Bool of bool
    /// An integer.
    | Int of int64
    /// A floating-point number.
    | Float of float
    /// A string (timestamps are kept as their text).
    | String of string
    /// A list.
    | List of Value list
    /// A mapping, in source order.
    | Map of (string * Value) list

/// Converting nodes to values.
[<RequireQualifiedAccess>]
module Value =
    /// The value of a scalar.
    let ofScalar (scalar: Scalar) : Value =
        match scalar with
        | Scalar.Null -> Value.Null
        | Scalar.Bool b -> Value.Bool b
        | Scalar.Int i -> Value.Int i
        | Scalar.Float f -> Value.Float f
        | Scalar.Timestamp(text, _) -> Value.String text
        | Scalar.String s -> Value.String s

    /// The value of a node (positions dropped).
    let rec ofNode (node: Node) : Value =
        match node.Value with
        | NodeValue.Scalar(text, style) -> ofScalar (Scalar.resolve text style)
        | NodeValue.Sequence items -> items |> List.map ofNode |> Value.List
        | NodeValue.Mapping entries -> entries |> List.map (fun e -> e.Key, ofNode e.Value) |> Value.Map

    /// The value under `key` of a mapping value.
    let tryGet (key: string) (value: Value) : Value option =
        match value with
        | Value.Map entries -> entries |> List.tryFind (fst >> (=) key) |> Option.map snd
        | _ -> None
