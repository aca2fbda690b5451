namespace Gordo.Models

/// The fitted state of a model (learned arrays, network weights), saved in artifacts.
[<RequireQualifiedAccess>]
type State =
    /// Nothing learned (unfitted, or stateless).
    | Empty
    /// A number.
    | Number of float
    /// A vector.
    | Vector of float[]
    /// A matrix.
    | Matrix of Matrix
    /// Opaque bytes (e.g. TorchSharp weights).
    | Bytes of byte[]
    /// A string.
    | Text of string
    /// Named parts, in order.
    | Record of (string * State) list
    /// A list of parts (e.g. the states of a pipeline's steps).
    | List of State list

/// Reading states back.
[<RequireQualifiedAccess>]
module internal State =
    let private corrupt (what: string) =
        raise (System.IO.InvalidDataException($"model state: %s{what}"))

    /// The field `name` of a record state.
    let field (name: string) (state: State) : State =
        match state with
        | State.Record fields ->
            match List.tryFind (fst >> (=) name) fields with
            | Some(_, value) -> value
            | None -> corrupt $"missing field '%s{name}'"
        | _ -> corrupt $"expected a record with field '%s{name}'"

    /// A vector field.
    let vector (name: string) (state: State) : float[] =
        match field name state with
        | State.Vector v -> v
        | _ -> corrupt $"field '%s{name}' is not a vector"

    /// A matrix field.
    let matrix (name: string) (state: State) : Matrix =
        match field name state with
        | State.Matrix m -> m
        | _ -> corrupt $"field '%s{name}' is not a matrix"

    /// A number field.
    let number (name: string) (state: State) : float =
        match field name state with
        | State.Number v -> v
        | _ -> corrupt $"field '%s{name}' is not a number"

    /// A number field, or `fallback` when the record has no such field (states saved before it).
    let numberOr (fallback: float) (name: string) (state: State) : float =
        match state with
        | State.Record fields when not (List.exists (fst >> (=) name) fields) -> fallback
        | _ -> number name state

    /// The items of a list state.
    let items (state: State) : State list =
        match state with
        | State.List items -> items
        | _ -> corrupt "expected a list"
