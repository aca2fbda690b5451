namespace Gordo.Workflow

open Gordo.Core

open System.Collections.Concurrent
open System.Collections.Generic
open System.Text.Json.Nodes
open System.Text.RegularExpressions

/// Offline lint of generated manifests: every document of a YAML stream is checked against its
/// schema, and so is every manifest a Workflow embeds (in `resource.manifest` or in a step
/// argument), with its `{{inputs.parameters.x}}` placeholders replaced by the values the
/// calling DAG task or step passes, as Argo would.
[<RequireQualifiedAccess>]
module internal ManifestLint =

    let private placeholder =
        Regex(@"\{\{\s*inputs\.parameters\.([A-Za-z0-9_.-]+)\s*\}\}", RegexOptions.Compiled)

    /// What an unresolved placeholder is replaced by.
    [<Literal>]
    let SampleValue = "sample"

    let private substitute (parameters: Map<string, string>) (text: string) : string =
        if not (text.Contains "{{") then
            text
        else
            placeholder.Replace(
                text,
                fun m ->
                    match parameters.TryFind m.Groups[1].Value with
                    | Some v -> v
                    | None -> SampleValue
            )

    let private field (node: JsonNode) (key: string) : JsonNode =
        match node with
        | :? JsonObject as o -> o[key]
        | _ -> null

    let private str (node: JsonNode) : string option =
        match node with
        | :? JsonValue as v when SchemaValidation.kindOf v = JsonType.String -> Some(v.GetValue<string>())
        | _ -> None

    let private array (node: JsonNode) : JsonNode list =
        match node with
        | :? JsonArray as a -> List.ofSeq a
        | _ -> []

    let private arguments (parameters: Map<string, string>) (call: JsonNode) : Map<string, string> =
        field (field call "arguments") "parameters"
        |> array
        |> List.choose (fun p ->
            match str (field p "name"), str (field p "value") with
            | Some name, Some value -> Some(name, substitute parameters value)
            | _ -> None)
        |> Map.ofList

    let private looksLikeManifest (text: string) =
        text.Contains "apiVersion" && text.Contains "kind"

    /// Validates the manifests of one YAML text (an embedded manifest); parse errors are reported too.
    let private embeddedUncached (catalog: SchemaCatalog) (document: string) (text: string) : SchemaError list =
        match YamlJson.parseDocuments text with
        | Error message -> [
            {
                Document = document
                Path = "$"
                Rule = "yaml"
                Message = message
            }
          ]
        | Ok docs ->
            docs
            |> List.filter (fun d -> not (isNull (field d "apiVersion")) && not (isNull (field d "kind")))
            |> List.collect (fun d ->
                let name = defaultArg (str (field (field d "metadata") "name")) "?"
                let kind = defaultArg (str (field d "kind")) "?"
                SchemaCatalog.validateManifest catalog $"%s{document}: %s{kind} %s{name}" d)

    /// Texts found valid and how many (ConcurrentDictionary.Count takes every lock).
    type private ValidTexts() =
        let mutable count = 0

        member val Texts = ConcurrentDictionary<string, byte>(System.StringComparer.Ordinal)

        /// Remembers a valid text while fewer than `limit` are remembered.
        member this.Remember(text: string, limit: int) =
            if count < limit && this.Texts.TryAdd(text, 0uy) then
                System.Threading.Interlocked.Increment &count |> ignore

    /// Embedded manifest texts already found valid, per catalog (the same manifest recurs in
    /// every split workflow, e.g. the server Deployment); only valid texts are remembered.
    let private knownValid =
        System.Runtime.CompilerServices.ConditionalWeakTable<SchemaCatalog, ValidTexts>()

    let private embedded (catalog: SchemaCatalog) (document: string) (text: string) : SchemaError list =
        let valid = knownValid.GetValue(catalog, fun _ -> ValidTexts())

        if valid.Texts.ContainsKey text then
            []
        else
            let errors = embeddedUncached catalog document text

            if errors.IsEmpty then
                valid.Remember(text, 1000)

            errors

    /// Walks the Workflow's templates from its entrypoint and exit handler (then any template not
    /// reached), validating the manifests each embeds.
    let private embeddedManifests (catalog: SchemaCatalog) (document: string) (workflow: JsonNode) : SchemaError list =
        let spec = field workflow "spec"

        let templates =
            array (field spec "templates")
            |> List.choose (fun t -> str (field t "name") |> Option.map (fun n -> n, t))
            |> dict

        let seen = HashSet<struct (string * Map<string, string>)>(HashIdentity.Structural)

        let reached = HashSet<string>()
        let errors = ResizeArray<SchemaError>()

        let rec visit (name: string) (parameters: Map<string, string>) (via: string) =
            match templates.TryGetValue name with
            | true, template when seen.Add(struct (name, parameters)) ->
                reached.Add name |> ignore
                let where = $"%s{document} template '%s{name}' (%s{via})"

                match str (field (field template "resource") "manifest") with
                | Some manifest ->
                    errors.AddRange(embedded catalog $"%s{where} resource" (substitute parameters manifest))
                | None -> ()

                for group in array (field template "steps") do
                    for step in array group do
                        call parameters where step

                for task in array (field (field template "dag") "tasks") do
                    call parameters where task
            | _ -> ()

        and call parameters where step =
            let args = arguments parameters step
            let stepName = defaultArg (str (field step "name")) "?"

            for kv in args do
                if looksLikeManifest kv.Value then
                    errors.AddRange(embedded catalog $"%s{where} step '%s{stepName}' parameter '%s{kv.Key}'" kv.Value)

            match str (field step "template") with
            | Some target -> visit target args stepName
            | None -> ()

        for root in [ str (field spec "entrypoint"); str (field spec "onExit") ] |> List.choose id do
            visit root Map.empty "entrypoint"

        for kv in templates do
            if not (reached.Contains kv.Key) then
                visit kv.Key Map.empty "not referenced"

        List.ofSeq errors

    /// Validates one parsed document and, for a Workflow, the manifests it embeds.
    let validateDocument (catalog: SchemaCatalog) (document: string) (node: JsonNode) : SchemaError list =
        let own = SchemaCatalog.validateManifest catalog document node

        match str (field node "kind") with
        | Some "Workflow" -> own @ embeddedManifests catalog document node
        | _ -> own

    let private describe (source: string) (index: int) (node: JsonNode) : string =
        let metadata = field node "metadata"

        let name =
            str (field metadata "name")
            |> Option.orElse (str (field metadata "generateName"))
            |> Option.defaultValue "?"

        let kind = defaultArg (str (field node "kind")) "?"
        $"%s{source} document %d{index + 1} (%s{kind} %s{name})"

    /// Parses a YAML stream and validates each of its documents (see `validateDocument`).
    let validateYaml (catalog: SchemaCatalog) (source: string) (yaml: string) : SchemaError list =
        match YamlJson.parseDocuments yaml with
        | Error message -> [
            {
                Document = source
                Path = "$"
                Rule = "yaml"
                Message = message
            }
          ]
        | Ok docs ->
            docs
            |> List.filter (isNull >> not)
            |> List.mapi (fun i d -> validateDocument catalog (describe source i d) d)
            |> List.concat
