namespace Gordo.Workflow

open Gordo.Core

open System
open System.Text.Json
open System.Text.Json.Nodes

/// One schema violation: which document, where in it, which rule, and what is wrong.
type SchemaError = {
    /// The document that failed (e.g. `workflow 1 (proj-1700000000000-)`).
    Document: string
    /// JSON path of the offending value inside the document (e.g. `$.spec.templates[0].name`).
    Path: string
    /// The schema keyword that failed (`type`, `required`, `additionalProperties`, ...),
    /// prefixed by the definition that holds it when known (`io.k8s.api.core.v1.Container: required`).
    Rule: string
    /// What is wrong, in words.
    Message: string
} with

    /// `document: path: rule: message`.
    override this.ToString() =
        $"%s{this.Document}: %s{this.Path}: %s{this.Rule}: %s{this.Message}"

/// Validates `System.Text.Json` nodes against compiled schemas.
[<RequireQualifiedAccess>]
module internal SchemaValidation =

    /// A step of a JSON path (kept reversed while descending; formatted only on error).
    [<RequireQualifiedAccess>]
    type private Step =
        | Key of string
        | Index of int

    let private simpleKey (key: string) =
        key.Length > 0
        && (Char.IsLetter key[0] || key[0] = '_')
        && key |> Seq.forall (fun c -> Char.IsLetterOrDigit c || c = '_' || c = '-')

    let private formatPath (steps: Step list) : string =
        let text =
            steps
            |> List.rev
            |> List.map (fun step ->
                match step with
                | Step.Index i -> $"[%d{i}]"
                | Step.Key k when simpleKey k -> "." + k
                | Step.Key k -> "['" + k.Replace("'", "\\'") + "']")

        "$" + String.concat "" text

    /// The numeric value of a JSON number node, whatever .NET type backs it.
    let numberOf (node: JsonNode) : double =
        let v = node.AsValue()

        match v.TryGetValue<double>() with
        | true, d -> d
        | _ ->
            match v.TryGetValue<int64>() with
            | true, l -> double l
            | _ ->
                match v.TryGetValue<int>() with
                | true, i -> double i
                | _ ->
                    match v.TryGetValue<decimal>() with
                    | true, m -> double m
                    | _ -> invalidArg (nameof node) $"not a JSON number: %s{node.ToJsonString()}"

    /// The JSON kind of a node (integral numbers are `Integer`).
    let kindOf (node: JsonNode) : JsonType =
        match node with
        | null -> JsonType.Null
        | :? JsonObject -> JsonType.Object
        | :? JsonArray -> JsonType.Array
        | v ->
            match v.GetValueKind() with
            | JsonValueKind.String -> JsonType.String
            | JsonValueKind.True
            | JsonValueKind.False -> JsonType.Boolean
            | JsonValueKind.Null -> JsonType.Null
            | _ ->
                let d = numberOf v

                if Double.IsFinite d && Math.Floor d = d then
                    JsonType.Integer
                else
                    JsonType.Number

    let private kindName (kind: JsonType) =
        match kind with
        | JsonType.Object -> "object"
        | JsonType.Array -> "array"
        | JsonType.String -> "string"
        | JsonType.Integer -> "integer"
        | JsonType.Number -> "number"
        | JsonType.Boolean -> "boolean"
        | JsonType.Null -> "null"

    let private typeMatches (actual: JsonType) (expected: JsonType) =
        actual = expected || (expected = JsonType.Number && actual = JsonType.Integer)

    let private show (node: JsonNode) =
        match node with
        | null -> "null"
        | n -> n.ToJsonString()

    /// A raw violation: reversed path, rule, message.
    type private Violation = Step list * string * string

    /// `definition: keyword`, or the keyword alone outside any definition.
    let private ruleName (definition: string) (keyword: string) =
        if definition = "" then
            keyword
        else
            definition + ": " + keyword

    let rec private validate (definition: string) (path: Step list) (schema: Schema) (node: JsonNode) : Violation list =
        schema.Rules |> List.collect (fun rule -> check definition path rule node)

    and private check (definition: string) (path: Step list) (rule: Rule) (node: JsonNode) : Violation list =
        let fail (keyword: string) (message: string) : Violation list = [ path, ruleName definition keyword, message ]

        let kind = kindOf node

        match rule with
        | Rule.Type(expected, nullable) ->
            if (nullable && kind = JsonType.Null) || List.exists (typeMatches kind) expected then
                []
            else
                let names = expected |> List.map kindName |> String.concat " or "
                fail "type" $"expected %s{names}, got %s{kindName kind} %s{show node}"
        | Rule.IntOrString ->
            if kind = JsonType.Integer || kind = JsonType.String then
                []
            else
                fail "x-kubernetes-int-or-string" $"expected integer or string, got %s{kindName kind}"
        | Rule.Ref(name, target) -> validate name path (target.Force()) node
        | Rule.Properties(declared, additional) -> checkProperties definition path declared additional node
        | Rule.Map valueSchema ->
            match node with
            | :? JsonObject as o -> [
                for kv in o do
                    yield! validate definition (Step.Key kv.Key :: path) valueSchema kv.Value
              ]
            | _ -> []
        | Rule.Items itemSchema ->
            match node with
            | :? JsonArray as a ->
                a
                |> Seq.indexed
                |> Seq.toList
                |> List.collect (fun (i, item) -> validate definition (Step.Index i :: path) itemSchema item)
            | _ -> []
        | Rule.Required names ->
            match node with
            | :? JsonObject as o ->
                names
                |> List.filter (fun n -> not (o.ContainsKey n))
                |> List.collect (fun n -> fail "required" $"missing required property '%s{n}'")
            | _ -> []
        | Rule.Enum allowed ->
            if allowed |> List.exists (fun a -> JsonNode.DeepEquals(a, node)) then
                []
            else
                let names = allowed |> List.map show |> String.concat ", "
                fail "enum" $"%s{show node} is not one of [%s{names}]"
        | Rule.Const expected ->
            if JsonNode.DeepEquals(expected, node) then
                []
            else
                fail "const" $"expected %s{show expected}, got %s{show node}"
        | Rule.AllOf schemas -> schemas |> List.collect (fun s -> validate definition path s node)
        | Rule.AnyOf schemas -> alternatives definition path "anyOf" schemas node (fun matched -> matched >= 1)
        | Rule.OneOf schemas -> alternatives definition path "oneOf" schemas node (fun matched -> matched = 1)
        | Rule.MinLength n -> lengthCheck fail kind node (fun l -> l >= n) "minLength" $"shorter than %d{n} characters"
        | Rule.MaxLength n -> lengthCheck fail kind node (fun l -> l <= n) "maxLength" $"longer than %d{n} characters"
        | Rule.Pattern regex ->
            if kind = JsonType.String && not (regex.IsMatch(node.GetValue<string>())) then
                fail "pattern" $"%s{show node} does not match /%s{regex.ToString()}/"
            else
                []
        | Rule.Minimum m -> numberCheck fail kind node (fun v -> v >= m) "minimum" $"less than %M{m}"
        | Rule.Maximum m -> numberCheck fail kind node (fun v -> v <= m) "maximum" $"greater than %M{m}"
        | Rule.MinItems n -> itemsCheck fail node (fun c -> c >= n) "minItems" $"fewer than %d{n} items"
        | Rule.MaxItems n -> itemsCheck fail node (fun c -> c <= n) "maxItems" $"more than %d{n} items"

    and private checkProperties definition path declared additional node =
        match node with
        | :? JsonObject as o -> [
            for kv in o do
                let here = Step.Key kv.Key :: path

                match declared.TryGetValue kv.Key, additional with
                | (true, s), _ -> yield! validate definition here s kv.Value
                | _, Additional.Any -> ()
                | _, Additional.Matching s -> yield! validate definition here s kv.Value
                | _, Additional.Forbidden ->
                    yield here, ruleName definition "additionalProperties", $"unknown property '%s{kv.Key}'"
          ]
        | _ -> []

    and private alternatives definition path keyword schemas node accept =
        let results = schemas |> List.map (fun s -> validate definition path s node)
        let matched = results |> List.filter List.isEmpty |> List.length

        if accept matched then
            []
        elif matched > 1 then
            [
                path, ruleName definition keyword, $"value matches %d{matched} alternatives, exactly one is allowed"
            ]
        else
            let reasons =
                results
                |> List.choose List.tryHead
                |> List.map (fun (_, rule, message) -> $"%s{rule}: %s{message}")
                |> List.distinct
                |> String.concat "; "

            [
                path,
                ruleName definition keyword,
                $"value matches none of the %d{List.length schemas} alternatives (%s{reasons})"
            ]

    and private lengthCheck fail kind node ok keyword message =
        if kind = JsonType.String && not (ok ((node.GetValue<string>()).Length)) then
            fail keyword message
        else
            []

    and private numberCheck fail kind node ok keyword message =
        if
            (kind = JsonType.Integer || kind = JsonType.Number)
            && not (ok (decimal (numberOf node)))
        then
            fail keyword message
        else
            []

    and private itemsCheck fail node ok keyword message =
        match node with
        | :? JsonArray as a when not (ok a.Count) -> fail keyword message
        | _ -> []

    /// Validates `node` against the named definition of `bundle`; the errors name `document`.
    let validateDefinition
        (bundle: SchemaBundle)
        (definition: string)
        (document: string)
        (node: JsonNode)
        : SchemaError list =
        match bundle.Definitions.TryGetValue definition with
        | true, schema ->
            validate definition [] (schema.Force()) node
            |> List.map (fun (path, rule, message) -> {
                Document = document
                Path = formatPath path
                Rule = rule
                Message = message
            })
        | _ -> invalidArg (nameof definition) $"schema bundle '%s{bundle.Name}' has no definition '%s{definition}'"
