namespace Gordo.Workflow

open System.Text.Json.Nodes
open Gordo.Core
open Gordo.Core.Yaml

/// The fast YAML reader (`Parse.tryBlockDocuments`) for the lint: reads the block-structured YAML that workflow
/// templates produce into `System.Text.Json` nodes, typing plain scalars as `YamlScalar` does. It
/// gives up (None) on text outside the reader's subset, which the caller reads with the full
/// parser; on the subset the result equals the full parser's (tests compare the two).
[<RequireQualifiedAccess>]
module internal YamlFast =

    let rec private toJson (node: Node) : JsonNode =
        match node.Value with
        | NodeValue.Scalar(text, ScalarStyle.Plain) -> YamlScalar.plain text
        | NodeValue.Scalar(text, ScalarStyle.Quoted) -> JsonValue.Create text
        | NodeValue.Sequence items ->
            let a = JsonArray()

            for item in items do
                a.Add(toJson item)

            a
        | NodeValue.Mapping entries ->
            let o = JsonObject()

            for e in entries do
                o[e.Key] <- toJson e.Value

            o

    /// The documents of a YAML stream, or None when the text leaves the subset the fast reader handles.
    let tryParse (text: string) : JsonNode list option =
        Parse.tryBlockDocuments text
        |> Option.map (List.map (Option.map toJson >> Option.toObj))
