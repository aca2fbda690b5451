namespace Gordo.Core.Yaml

open Gordo.Core

/// How a scalar was written: the YAML type of a plain scalar depends on its text, a quoted or
/// block scalar is always a string.
[<RequireQualifiedAccess>]
type ScalarStyle =
    /// Unquoted.
    | Plain
    /// Single- or double-quoted, or a block scalar (`|`, `>`).
    | Quoted

/// A YAML node that remembers where it was written: nothing of the source is lost.
type Node = {
    /// The node's content.
    Value: NodeValue
    /// Where the node starts.
    Position: Position
    /// Its YAML path from the document root, e.g. machines[2].dataset.tags[0].
    Path: string
}

/// The content of a node.
and [<RequireQualifiedAccess>] NodeValue =
    /// A scalar with its source text.
    | Scalar of text: string * style: ScalarStyle
    /// A sequence, in source order.
    | Sequence of items: Node list
    /// A mapping, in source order (keys are unique: duplicates are diagnosed by the parser).
    | Mapping of entries: Entry list

/// One key/value pair of a mapping; the key keeps its own position.
and Entry = {
    /// The key text.
    Key: string
    /// Where the key is written.
    KeyPosition: Position
    /// The value node.
    Value: Node
}

/// A mapping's entries as a reader collects them, with a key index once there are more than
/// eight, so that checking n keys for duplicates costs O(n) rather than O(n²).
[<Sealed>]
type internal EntryList() =
    inherit System.Collections.Generic.List<Entry>()
    let mutable index: System.Collections.Generic.Dictionary<string, int> = null

    /// The position of the entry with this key, or -1.
    member this.IndexOfKey(key: string) : int =
        if isNull index && this.Count > 8 then
            index <- System.Collections.Generic.Dictionary(this.Count * 2, System.StringComparer.Ordinal)

            for i in 0 .. this.Count - 1 do
                index.TryAdd(this.[i].Key, i) |> ignore

        if isNull index then
            this.FindIndex(fun e -> e.Key = key)
        else
            match index.TryGetValue key with
            | true, i -> i
            | _ -> -1

    /// Adds an entry, keeping the index.
    member this.Append(entry: Entry) : unit =
        if not (isNull index) then
            index.TryAdd(entry.Key, this.Count) |> ignore

        this.Add entry

/// Where parsed text sits in its file: maps a (1-based) line and column of the parsed text to a
/// position in the file (identity for a whole file; shifted for a block-string section).
type PositionMap = int -> int -> Position

/// Limits that keep hostile input (deep nesting, alias bombs) bounded in time and memory.
type ParseLimits = {
    /// Deepest nesting of collections.
    MaxDepth: int
    /// Most nodes the document may expand to (aliases counted at every use).
    MaxNodes: int
}

/// Building, reading and rewriting positioned nodes.
[<RequireQualifiedAccess>]
module internal Node =
    /// The path of a mapping entry below `parent`.
    let childPath (parent: string) (key: string) : string =
        let mutable simple = key <> ""

        for c in key do
            simple <- simple && (System.Char.IsLetterOrDigit c || c = '_' || c = '-')

        let key =
            if simple then
                key
            else
                sprintf "\"%s\"" (key.Replace("\"", "\\\""))

        if parent = "" then key else parent + "." + key

    /// The path of a sequence item below `parent`.
    let itemPath (parent: string) (index: int) : string = parent + "[" + string index + "]"

    /// A synthetic node (not from a file), e.g. a default value.
    let synthetic (path: string) (value: NodeValue) : Node = {
        Value = value
        Position = Position.none
        Path = path
    }

    /// A synthetic plain scalar.
    let scalar (path: string) (text: string) : Node =
        synthetic path (NodeValue.Scalar(text, ScalarStyle.Plain))

    /// A synthetic string scalar (always a string, whatever its text).
    let text (path: string) (value: string) : Node =
        synthetic path (NodeValue.Scalar(value, ScalarStyle.Quoted))

    /// A synthetic empty mapping.
    let emptyMapping (path: string) : Node = synthetic path (NodeValue.Mapping [])

    /// The entries of a mapping node, or None.
    let entries (node: Node) : Entry list option =
        match node.Value with
        | NodeValue.Mapping entries -> Some entries
        | _ -> None

    /// The value of `key` in a mapping node.
    let tryGet (key: string) (node: Node) : Node option =
        match node.Value with
        | NodeValue.Mapping entries -> entries |> List.tryFind (fun e -> e.Key = key) |> Option.map _.Value
        | _ -> None

    /// The entry of `key` in a mapping node (to point at the key).
    let tryEntry (key: string) (node: Node) : Entry option =
        node |> entries |> Option.bind (List.tryFind (fun e -> e.Key = key))

    /// Sets (or appends) `key` in a mapping node; other nodes are returned unchanged.
    let set (key: string) (value: Node) (node: Node) : Node =
        match node.Value with
        | NodeValue.Mapping entries ->
            let replaced =
                if entries |> List.exists (fun e -> e.Key = key) then
                    entries
                    |> List.map (fun e -> if e.Key = key then { e with Value = value } else e)
                else
                    entries
                    @ [
                        {
                            Key = key
                            KeyPosition = value.Position
                            Value = value
                        }
                    ]

            {
                node with
                    Value = NodeValue.Mapping replaced
            }
        | _ -> node

    /// Removes `key` from a mapping node.
    let remove (key: string) (node: Node) : Node =
        match node.Value with
        | NodeValue.Mapping entries -> {
            node with
                Value = NodeValue.Mapping(entries |> List.filter (fun e -> e.Key <> key))
          }
        | _ -> node

    /// Rewrites every path in the tree so that it starts at `path` (used when a section is moved).
    let rec rebase (path: string) (node: Node) : Node =
        let value =
            match node.Value with
            | NodeValue.Scalar _ -> node.Value
            | NodeValue.Sequence items ->
                items |> List.mapi (fun i n -> rebase (itemPath path i) n) |> NodeValue.Sequence
            | NodeValue.Mapping entries ->
                entries
                |> List.map (fun e -> {
                    e with
                        Value = rebase (childPath path e.Key) e.Value
                })
                |> NodeValue.Mapping

        { node with Value = value; Path = path }

    /// A short name of the node's YAML kind, for messages ("a mapping", "a list", "the string 'x'").
    let describe (node: Node) : string =
        match node.Value with
        | NodeValue.Mapping _ -> "a mapping"
        | NodeValue.Sequence _ -> "a list"
        | NodeValue.Scalar(text, ScalarStyle.Quoted) -> sprintf "the string '%s'" text
        | NodeValue.Scalar(text, ScalarStyle.Plain) when text = "" || text = "~" || text = "null" -> "null"
        | NodeValue.Scalar(text, ScalarStyle.Plain) -> sprintf "'%s'" text
