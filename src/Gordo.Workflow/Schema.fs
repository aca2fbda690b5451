namespace Gordo.Workflow

open Gordo.Core

open System
open System.Collections.Generic
open System.Text.Json.Nodes
open System.Text.RegularExpressions

/// The JSON value kinds a schema's `type` keyword can name.
[<RequireQualifiedAccess>]
type internal JsonType =
    | Object
    | Array
    | String
    | Integer
    | Number
    | Boolean
    | Null

/// What a schema says about properties that it does not declare.
[<RequireQualifiedAccess; NoEquality; NoComparison>]
type internal Additional =
    /// Any undeclared property is accepted (no `additionalProperties`, or `true`).
    | Any
    /// `additionalProperties: false`: undeclared properties are errors.
    | Forbidden
    /// `additionalProperties: {schema}`: undeclared properties must match the schema.
    | Matching of Schema

/// One compiled validation keyword of a JSON schema.
and [<RequireQualifiedAccess; NoEquality; NoComparison>] internal Rule =
    /// `type` (one or several kinds); `nullable` (OpenAPI) additionally admits null.
    | Type of JsonType list * nullable: bool
    /// `x-kubernetes-int-or-string: true`.
    | IntOrString
    /// `$ref` to a named definition of the same bundle (resolved lazily: definitions may recurse).
    | Ref of name: string * target: Lazy<Schema>
    /// `properties` with the bundle's `additionalProperties` policy.
    | Properties of declared: IReadOnlyDictionary<string, Schema> * additional: Additional
    /// `additionalProperties` on a schema without `properties` (a map).
    | Map of Schema
    /// `items`.
    | Items of Schema
    /// `required`.
    | Required of string list
    /// `enum`.
    | Enum of JsonNode list
    /// `const`.
    | Const of JsonNode
    /// `anyOf`.
    | AnyOf of Schema list
    /// `oneOf`.
    | OneOf of Schema list
    /// `allOf`.
    | AllOf of Schema list
    /// `minLength`.
    | MinLength of int
    /// `maxLength`.
    | MaxLength of int
    /// `pattern`.
    | Pattern of Regex
    /// `minimum`.
    | Minimum of decimal
    /// `maximum`.
    | Maximum of decimal
    /// `minItems`.
    | MinItems of int
    /// `maxItems`.
    | MaxItems of int

/// A compiled JSON schema: the list of its validation keywords (annotations are dropped).
and [<NoEquality; NoComparison>] internal Schema = { Rules: Rule list }

/// A schema bundle: named definitions that refer to each other with `#/definitions/<name>`.
[<NoEquality; NoComparison>]
type internal SchemaBundle = {
    /// The bundle's name, used in error messages (e.g. `argo-workflow`).
    Name: string
    /// The compiled definitions by name.
    Definitions: IReadOnlyDictionary<string, Lazy<Schema>>
}

/// Compiles JSON-schema documents (the subset of draft 2020-12 / draft-07 / OpenAPI v3 that the
/// Argo, Kubernetes and gordo-controller schemas use) into `Schema` values.
[<RequireQualifiedAccess>]
module internal Schema =

    /// A schema that accepts everything.
    let any: Schema = { Rules = [] }

    let private jsonType (name: string) : JsonType =
        match name with
        | "object" -> JsonType.Object
        | "array" -> JsonType.Array
        | "string" -> JsonType.String
        | "integer" -> JsonType.Integer
        | "number" -> JsonType.Number
        | "boolean" -> JsonType.Boolean
        | "null" -> JsonType.Null
        | other -> invalidArg "schema" $"unknown JSON schema type '%s{other}'"

    let private types (node: JsonNode) : JsonType list =
        match node with
        | :? JsonArray as names -> [ for n in names -> jsonType (n.GetValue<string>()) ]
        | n -> [ jsonType (n.GetValue<string>()) ]

    let private flag (o: JsonObject) (key: string) : bool =
        match o[key] with
        | null -> false
        | n -> n.GetValue<bool>()

    let private refName (reference: string) : string =
        let prefix = "#/definitions/"

        if reference.StartsWith prefix then
            reference.Substring prefix.Length
        else
            invalidArg "schema" $"unsupported $ref '%s{reference}' (only #/definitions/<name> is supported)"

    /// Compiles one schema node; `resolve` maps a definition name to its lazily compiled schema.
    let rec compile (resolve: string -> Lazy<Schema>) (node: JsonNode) : Schema =
        match node with
        | :? JsonObject as o -> {
            Rules = List.collect (rulesOf resolve o) (List.ofSeq o |> List.map (fun kv -> kv.Key))
          }
        | :? JsonValue as v when v.GetValue<bool>() -> any
        | _ -> { Rules = [ Rule.Enum [] ] }

    and private additional (resolve: string -> Lazy<Schema>) (o: JsonObject) : Additional =
        match o["additionalProperties"] with
        | null -> Additional.Any
        | :? JsonValue as v when v.GetValue<bool>() -> Additional.Any
        | :? JsonValue -> Additional.Forbidden
        | schema -> Additional.Matching(compile resolve schema)

    and private properties (resolve: string -> Lazy<Schema>) (o: JsonObject) : Rule =
        let declared = Dictionary<string, Schema>(StringComparer.Ordinal)

        for kv in o["properties"].AsObject() do
            declared[kv.Key] <- compile resolve kv.Value

        Rule.Properties(declared, additional resolve o)

    and private schemas (resolve: string -> Lazy<Schema>) (node: JsonNode) : Schema list = [
        for n in node.AsArray() -> compile resolve n
    ]

    and private rulesOf (resolve: string -> Lazy<Schema>) (o: JsonObject) (key: string) : Rule list =
        let value = o[key]
        let int () = value.GetValue<int>()
        let number () = decimal (value.GetValue<double>())

        match key with
        | "type" -> [ Rule.Type(types value, flag o "nullable") ]
        | "x-kubernetes-int-or-string" when value.GetValue<bool>() -> [ Rule.IntOrString ]
        | "$ref" ->
            let name = refName (value.GetValue<string>())
            [ Rule.Ref(name, resolve name) ]
        | "properties" -> [ properties resolve o ]
        | "additionalProperties" when isNull o["properties"] ->
            match additional resolve o with
            | Additional.Matching s -> [ Rule.Map s ]
            | Additional.Forbidden -> [ Rule.Properties(Dictionary(), Additional.Forbidden) ]
            | Additional.Any -> []
        | "items" -> [ Rule.Items(compile resolve value) ]
        | "required" -> [ Rule.Required [ for n in value.AsArray() -> n.GetValue<string>() ] ]
        | "enum" -> [ Rule.Enum(List.ofSeq (value.AsArray())) ]
        | "const" -> [ Rule.Const value ]
        | "anyOf" -> [ Rule.AnyOf(schemas resolve value) ]
        | "oneOf" -> [ Rule.OneOf(schemas resolve value) ]
        | "allOf" -> [ Rule.AllOf(schemas resolve value) ]
        | "minLength" -> [ Rule.MinLength(int ()) ]
        | "maxLength" -> [ Rule.MaxLength(int ()) ]
        | "pattern" -> [ Rule.Pattern(Regex(value.GetValue<string>(), RegexOptions.CultureInvariant)) ]
        | "minimum" -> [ Rule.Minimum(number ()) ]
        | "maximum" -> [ Rule.Maximum(number ()) ]
        | "minItems" -> [ Rule.MinItems(int ()) ]
        | "maxItems" -> [ Rule.MaxItems(int ()) ]
        | _ -> []

    /// Compiles a bundle document `{"definitions": {...}}`; definitions compile on first use.
    let bundle (name: string) (document: JsonObject) : SchemaBundle =
        let definitions = Dictionary<string, Lazy<Schema>>(StringComparer.Ordinal)

        let resolve (target: string) : Lazy<Schema> =
            lazy
                (match definitions.TryGetValue target with
                 | true, s -> s.Force()
                 | _ -> invalidArg "schema" $"bundle '%s{name}' has no definition '%s{target}'")

        for kv in document["definitions"].AsObject() do
            let node = kv.Value
            definitions[kv.Key] <- lazy (compile resolve node)

        {
            Name = name
            Definitions = definitions
        }
