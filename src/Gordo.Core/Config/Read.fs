namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// A value read from a node, with the problems found while reading it.
type Checked<'T> = 'T * Diagnostic list

/// Typed readers for config nodes: each returns its value and the diagnostics it found, so an
/// elaborator can read every field and report every problem at once.
[<RequireQualifiedAccess>]
module internal Read =
    let private wrong (expected: string) (node: Node) =
        Problem.at node (Problem.WrongType(expected, Node.describe node))

    /// The scalar of a node, resolved.
    let scalar (node: Node) : Scalar option =
        match node.Value with
        | NodeValue.Scalar(text, style) -> Some(Scalar.resolve text style)
        | _ -> None

    /// True when the node is null (`~`, `null` or nothing).
    let isNull (node: Node) : bool =
        match node.Value with
        | NodeValue.Scalar(text, style) -> Scalar.isNull text style
        | _ -> false

    /// What a node holds, for type errors: "a mapping", "a list", "null", "a number", "a boolean",
    /// "a date-time" or "the string 'x'" (read as YAML reads it: `7` is a number, `'7'` a string).
    let kind (node: Node) : string =
        match node.Value with
        | NodeValue.Mapping _ -> "a mapping"
        | NodeValue.Sequence _ -> "a list"
        | NodeValue.Scalar(text, style) ->
            match Scalar.resolve text style with
            | Scalar.Null -> "null"
            | Scalar.Bool _ -> "a boolean"
            | Scalar.Int _
            | Scalar.Float _ -> "a number"
            | Scalar.Timestamp _ -> "a date-time"
            | Scalar.String s -> sprintf "the string '%s'" s

    /// A string; plain numbers and booleans are read as their text (as a tag named 1234 is a name).
    let text (node: Node) : Result<string, Diagnostic> =
        match node.Value with
        | NodeValue.Scalar(_, _) when isNull node -> Error(wrong "a string" node)
        | NodeValue.Scalar(text, _) -> Ok text
        | _ -> Error(wrong "a string" node)

    /// An integer.
    let int (node: Node) : Result<int, Diagnostic> =
        match scalar node with
        | Some(Scalar.Int i) when i >= int64 System.Int32.MinValue && i <= int64 System.Int32.MaxValue -> Ok(int i)
        | _ -> Error(wrong "an integer" node)

    /// A number.
    let float (node: Node) : Result<float, Diagnostic> =
        match scalar node with
        | Some(Scalar.Int i) -> Ok(float i)
        | Some(Scalar.Float f) -> Ok f
        | _ -> Error(wrong "a number" node)

    /// A boolean.
    let bool (node: Node) : Result<bool, Diagnostic> =
        match scalar node with
        | Some(Scalar.Bool b) -> Ok b
        | _ -> Error(wrong "a boolean (true/false)" node)

    /// A string or null.
    let optionalText (node: Node) : Result<string option, Diagnostic> =
        if isNull node then
            Ok None
        else
            text node |> Result.map Some

    /// One string or a list of strings.
    let texts (node: Node) : Result<string list, Diagnostic> =
        match node.Value with
        | NodeValue.Sequence items ->
            let read = items |> List.map text

            match
                read
                |> List.tryPick (function
                    | Error d -> Some d
                    | Ok _ -> None)
            with
            | Some d -> Error d
            | None -> Ok(read |> List.choose Result.toOption)
        | _ when isNull node -> Ok []
        | _ -> text node |> Result.map List.singleton

    /// Reads `key` of a mapping with a reader, or gives the fallback when the key is absent.
    let field (mapping: Node) (key: string) (read: Node -> Result<'T, Diagnostic>) (fallback: 'T) : Checked<'T> =
        match Node.tryGet key mapping with
        | None -> fallback, []
        | Some node ->
            match read node with
            | Ok value -> value, []
            | Error diagnostic -> fallback, [ diagnostic ]

    /// Like `field`, but null also gives the fallback.
    let optionalField (mapping: Node) (key: string) (read: Node -> Result<'T, Diagnostic>) : Checked<'T option> =
        match Node.tryGet key mapping with
        | Some node when not (isNull node) ->
            match read node with
            | Ok value -> Some value, []
            | Error diagnostic -> None, [ diagnostic ]
        | _ -> None, []

    /// The entries of a mapping, or a diagnostic when the node is something else (null = empty).
    let mapping (node: Node) : Checked<Entry list> =
        match node.Value with
        | NodeValue.Mapping entries -> entries, []
        | _ when isNull node -> [], []
        | _ -> [], [ wrong "a mapping" node ]

    /// Warnings for keys of a mapping that are not in `known` (with a near-miss suggestion).
    let unknownKeys (section: string) (known: string list) (node: Node) : Diagnostic list =
        Node.entries node
        |> Option.defaultValue []
        |> List.filter (fun e -> not (List.contains e.Key known))
        |> List.map (fun e ->
            Problem.atPosition
                e.KeyPosition
                (Node.childPath node.Path e.Key)
                (Problem.UnknownKey(e.Key, section, Suggest.closest known e.Key)))

    /// The entries of a mapping whose keys are not in `known`, as plain values.
    let extra (known: string list) (node: Node) : (string * Value) list =
        Node.entries node
        |> Option.defaultValue []
        |> List.filter (fun e -> not (List.contains e.Key known))
        |> List.map (fun e -> e.Key, Value.ofNode e.Value)
