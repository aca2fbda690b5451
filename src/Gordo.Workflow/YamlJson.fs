namespace Gordo.Workflow

open Gordo.Core

open System
open System.IO
open System.Text.Json.Nodes
open YamlDotNet.Core

/// Reads YAML text into `System.Text.Json` nodes, typing plain scalars as the YAML 1.2 core
/// schema does (what the Kubernetes API server and Argo read): quoted and block scalars stay strings.
/// Works on YamlDotNet's event stream (no intermediate YAML tree).
[<RequireQualifiedAccess>]
module internal YamlJson =

    exception private ShapeError of line: int64 * column: int64 * message: string

    /// The JSON value of a plain (unquoted) scalar.
    let plainScalar (text: string) : JsonNode = YamlScalar.plain text

    let private scalarValue (s: Events.Scalar) : JsonNode =
        match s.Style, s.Tag.IsEmpty with
        | ScalarStyle.Plain, true -> plainScalar s.Value
        | _ -> JsonValue.Create(if isNull s.Value then "" else s.Value)

    let private fail (e: Events.ParsingEvent) (message: string) : 'T =
        raise (ShapeError(e.Start.Line, e.Start.Column, message))

    let private next (parser: IParser) : Events.ParsingEvent =
        if parser.MoveNext() then
            parser.Current
        else
            raise (ShapeError(0L, 0L, "unexpected end of the YAML stream"))

    /// Reads one node whose first event is `first` (its events are consumed up to its end).
    let rec private node (parser: IParser) (first: Events.ParsingEvent) : JsonNode =
        match first with
        | :? Events.Scalar as s -> scalarValue s
        | :? Events.SequenceStart ->
            let a = JsonArray()
            let mutable e = next parser

            while not (e :? Events.SequenceEnd) do
                a.Add(node parser e)
                e <- next parser

            a
        | :? Events.MappingStart ->
            let o = JsonObject()
            let mutable e = next parser

            while not (e :? Events.MappingEnd) do
                let key =
                    match e with
                    | :? Events.Scalar as k -> k.Value
                    | other -> fail other "only scalar mapping keys are supported"

                if o.ContainsKey key then
                    fail e $"duplicate key '%s{key}'"

                o[key] <- node parser (next parser)
                e <- next parser

            o
        | :? Events.AnchorAlias as a -> fail a "YAML aliases are not supported here"
        | other -> fail other $"unexpected YAML event %s{other.GetType().Name}"

    let private documents (parser: IParser) : JsonNode list =
        let docs = ResizeArray<JsonNode>()
        next parser |> ignore // StreamStart
        let mutable e = next parser

        while not (e :? Events.StreamEnd) do
            match e with
            | :? Events.DocumentStart ->
                let first = next parser

                if first :? Events.DocumentEnd then
                    docs.Add null
                else
                    docs.Add(node parser first)
                    next parser |> ignore // DocumentEnd
            | other -> fail other "expected a YAML document"

            e <- next parser

        List.ofSeq docs

    /// Parses a YAML stream with the full YAML parser (YamlDotNet) into one JSON node per
    /// document, or a message with line and column.
    let parseDocumentsFull (yaml: string) : Result<JsonNode list, string> =
        try
            Ok(documents (Parser(new StringReader(yaml))))
        with
        | :? YamlException as e -> Error $"line %d{e.Start.Line}, column %d{e.Start.Column}: %s{e.Message}"
        | ShapeError(line, column, message) -> Error $"line %d{line}, column %d{column}: %s{message}"

    /// Parses a YAML stream into one JSON node per document, or a message with line and column:
    /// the fast reader when the text is in its subset (`YamlFast`), else the full parser.
    let parseDocuments (yaml: string) : Result<JsonNode list, string> =
        match YamlFast.tryParse yaml with
        | Some documents -> Ok documents
        | None -> parseDocumentsFull yaml
