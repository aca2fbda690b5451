namespace Gordo.Workflow

open Gordo.Core

open System
open System.IO
open System.Text.Json.Nodes

/// The two adjustments of the published schemas that `shared/schemas/README.md` describes.
type internal SchemaAdjustments = {
    /// IntOrString and Quantity accept integers/numbers, as the API server does (Argo's
    /// `schema.json` types them as plain strings).
    FixIntOrString: bool
    /// `additionalProperties: false` on every definition that declares `properties` and says
    /// nothing about others, so typos (`contaner:`) are errors instead of silently pruned fields.
    Strict: bool
}

/// The schemas embedded in Gordo.Core and the `apiVersion`/`kind` each document is checked against.
[<NoEquality; NoComparison>]
type internal SchemaCatalog = {
    /// Argo Workflows v4.1.2 `schema.json` (closure of the Workflow definition).
    Argo: SchemaBundle
    /// Kubernetes v1.31.6 standalone-strict definitions (Deployment, Service, HPA, StatefulSet, ...).
    Kubernetes: SchemaBundle
    /// gordo-controller CRDs (`equinor.com/v1` Gordo and Model).
    GordoController: SchemaBundle
    /// Minimal schemas of our own for the Istio, Prometheus-operator and KEDA kinds.
    ThirdParty: SchemaBundle
}

/// Loading the embedded schema bundles and choosing the schema of a manifest.
[<RequireQualifiedAccess>]
module internal SchemaCatalog =

    /// Both adjustments on (the default of the workflow lint).
    let defaultAdjustments: SchemaAdjustments = { FixIntOrString = true; Strict = true }

    /// Reads an embedded bundle (`argo-workflow`, `kubernetes`, `gordo-controller`, `third-party-crds`).
    let readEmbedded (name: string) : JsonObject =
        let resource = $"Gordo.Workflow.schemas.%s{name}.schema.json"
        use stream = typeof<SchemaCatalog>.Assembly.GetManifestResourceStream resource

        if isNull stream then
            invalidArg (nameof name) $"no embedded schema bundle '%s{name}'"

        JsonNode.Parse(stream).AsObject()

    let private intOrString = """{"anyOf":[{"type":"string"},{"type":"integer"}]}"""

    let private quantity = """{"anyOf":[{"type":"string"},{"type":"number"}]}"""

    let rec private closeObjects (node: JsonNode) : unit =
        match node with
        | :? JsonObject as o ->
            if o.ContainsKey "properties" && not (o.ContainsKey "additionalProperties") then
                o["additionalProperties"] <- JsonValue.Create false

            for kv in List.ofSeq o do
                match kv.Key with
                | "properties" ->
                    for p in kv.Value.AsObject() do
                        closeObjects p.Value
                | "enum"
                | "const"
                | "required" -> ()
                | _ -> closeObjects kv.Value
        | :? JsonArray as a ->
            for item in a do
                closeObjects item
        | _ -> ()

    /// Applies the adjustments to a bundle document (in place) and returns it.
    let adjust (adjustments: SchemaAdjustments) (document: JsonObject) : JsonObject =
        let definitions = document["definitions"].AsObject()

        if adjustments.FixIntOrString then
            let replace name text =
                if definitions.ContainsKey name then
                    definitions[name] <- JsonNode.Parse(text: string)

            replace "io.k8s.apimachinery.pkg.util.intstr.IntOrString" intOrString
            replace "io.k8s.apimachinery.pkg.api.resource.Quantity" quantity

        if adjustments.Strict then
            for kv in definitions do
                closeObjects kv.Value

        document

    /// Loads and compiles every embedded bundle with the given adjustments.
    let load (adjustments: SchemaAdjustments) : SchemaCatalog =
        let bundle name =
            readEmbedded name |> adjust adjustments |> Schema.bundle name

        {
            Argo = bundle "argo-workflow"
            Kubernetes = bundle "kubernetes"
            GordoController = bundle "gordo-controller"
            ThirdParty = bundle "third-party-crds"
        }

    let private defaultCatalog = lazy (load defaultAdjustments)

    /// The catalog with both adjustments, loaded once per process.
    let standard () : SchemaCatalog = defaultCatalog.Force()

    let private kubernetesDefinition (apiVersion: string) (kind: string) : string option =
        match apiVersion with
        | "v1" -> Some $"io.k8s.api.core.v1.%s{kind}"
        | "apps/v1"
        | "autoscaling/v1"
        | "autoscaling/v2" -> Some $"""io.k8s.api.%s{apiVersion.Replace('/', '.')}.%s{kind}"""
        | "rbac.authorization.k8s.io/v1" -> Some $"io.k8s.api.rbac.v1.%s{kind}"
        | _ -> None

    /// The bundle and definition that a document of this `apiVersion` and `kind` is checked against.
    let definitionFor (catalog: SchemaCatalog) (apiVersion: string) (kind: string) : (SchemaBundle * string) option =
        let within (bundle: SchemaBundle) (name: string) =
            if bundle.Definitions.ContainsKey name then
                Some(bundle, name)
            else
                None

        match apiVersion with
        | "argoproj.io/v1alpha1" -> within catalog.Argo $"io.argoproj.workflow.v1alpha1.%s{kind}"
        | "equinor.com/v1" -> within catalog.GordoController $"equinor.com.v1.%s{kind}"
        | _ ->
            match kubernetesDefinition apiVersion kind with
            | Some name -> within catalog.Kubernetes name
            | None -> within catalog.ThirdParty $"""%s{apiVersion.Replace('/', '.')}.%s{kind}"""

    let private text (node: JsonNode) (key: string) : string =
        match node with
        | :? JsonObject as o ->
            match o[key] with
            | :? JsonValue as v when SchemaValidation.kindOf v = JsonType.String -> v.GetValue<string>()
            | _ -> ""
        | _ -> ""

    /// Validates one manifest against the schema its `apiVersion`/`kind` selects; a manifest
    /// without a known schema is itself an error.
    let validateManifest (catalog: SchemaCatalog) (document: string) (manifest: JsonNode) : SchemaError list =
        let apiVersion, kind = text manifest "apiVersion", text manifest "kind"

        match definitionFor catalog apiVersion kind with
        | Some(bundle, definition) -> SchemaValidation.validateDefinition bundle definition document manifest
        | None -> [
            {
                Document = document
                Path = "$"
                Rule = "apiVersion/kind"
                Message =
                    $"no schema for apiVersion '%s{apiVersion}' kind '%s{kind}' (known: Argo Workflow, Kubernetes core/apps/autoscaling/rbac kinds, equinor.com/v1 Gordo and Model, Istio VirtualService, ServiceMonitor, KEDA ScaledObject)"
            }
          ]
