namespace Gordo.Core.Workflow

open System
open System.Globalization
open System.IO
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open YamlDotNet.Core
open YamlDotNet.RepresentationModel

/// Reads YAML text into `System.Text.Json` nodes, typing plain scalars as the YAML 1.2 core
/// schema does (what the Kubernetes API server and Argo read): quoted and block scalars stay strings.
[<RequireQualifiedAccess>]
module YamlJson =

    exception private ShapeError of line: int64 * column: int64 * message: string

    let private shapeError (node: YamlNode) (message: string) =
        raise (ShapeError(node.Start.Line, node.Start.Column, message))

    let private intPattern = Regex(@"^[-+]?[0-9]+$", RegexOptions.Compiled)

    let private floatPattern =
        Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.Compiled)

    let private number (text: string) : JsonNode =
        match Int64.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, l -> JsonValue.Create l
        | _ -> JsonValue.Create(Double.Parse(text, CultureInfo.InvariantCulture))

    /// The JSON value of a plain (unquoted) scalar.
    let plainScalar (text: string) : JsonNode =
        match text with
        | ""
        | "~"
        | "null"
        | "Null"
        | "NULL" -> null
        | "true"
        | "True"
        | "TRUE" -> JsonValue.Create true
        | "false"
        | "False"
        | "FALSE" -> JsonValue.Create false
        | t when intPattern.IsMatch t || floatPattern.IsMatch t -> number t
        | t when t.StartsWith "0x" -> JsonValue.Create(Convert.ToInt64(t.Substring 2, 16))
        | t when t.StartsWith "0o" -> JsonValue.Create(Convert.ToInt64(t.Substring 2, 8))
        | t -> JsonValue.Create t

    let private scalar (s: YamlScalarNode) : JsonNode =
        match s.Style, s.Tag.IsEmpty with
        | ScalarStyle.Plain, true -> plainScalar (s.Value)
        | _ -> JsonValue.Create(if isNull s.Value then "" else s.Value)

    let rec private convert (node: YamlNode) : JsonNode =
        match node with
        | :? YamlMappingNode as m ->
            let o = JsonObject()

            for kv in m.Children do
                let key =
                    match kv.Key with
                    | :? YamlScalarNode as k -> k.Value
                    | k -> shapeError k "only scalar mapping keys are supported"

                if o.ContainsKey key then
                    shapeError kv.Key $"duplicate key '%s{key}'"

                o[key] <- convert kv.Value

            o
        | :? YamlSequenceNode as s -> JsonArray([| for c in s.Children -> convert c |])
        | :? YamlScalarNode as s -> scalar s
        | other -> shapeError other "unsupported YAML node"

    /// Parses a YAML stream into one JSON node per document, or a message with line and column.
    let parseDocuments (yaml: string) : Result<JsonNode list, string> =
        try
            let stream = YamlStream()
            stream.Load(new StringReader(yaml))
            Ok [ for d in stream.Documents -> convert d.RootNode ]
        with
        | :? YamlException as e -> Error $"line %d{e.Start.Line}, column %d{e.Start.Column}: %s{e.Message}"
        | ShapeError(line, column, message) -> Error $"line %d{line}, column %d{column}: %s{message}"
