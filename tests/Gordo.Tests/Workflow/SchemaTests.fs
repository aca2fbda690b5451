module Gordo.Tests.Workflow.SchemaTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open Gordo.Workflow

let private docs = Path.Combine(__SOURCE_DIRECTORY__, "schema-docs")

let private load (name: string) : JsonNode =
    let text = File.ReadAllText(Path.Combine(docs, name))

    match YamlJson.parseDocuments text with
    | Ok [ d ] -> d
    | other -> failwithf "cannot read %s: %A" name other

let private standard = SchemaCatalog.standard ()

let private published =
    SchemaCatalog.load {
        FixIntOrString = false
        Strict = false
    }

let private errors (catalog: SchemaCatalog) (name: string) =
    SchemaCatalog.validateManifest catalog name (load name)

let private rules (errs: SchemaError list) =
    errs |> List.map (fun e -> e.Path, e.Rule) |> List.sort

let private valid (name: string) =
    test $"%s{name} is valid" { Expect.isEmpty (errors standard name) $"%A{errors standard name}" }

[<Tests>]
let tests =
    testList "Workflow.Schema" [
        valid "wf-valid.json"
        valid "wf-valid.yaml"
        valid "wf-gordo-style-ints.json"
        valid "wf-gordo-style-strings.json"
        valid "deploy-valid.json"
        valid "service-valid.json"
        valid "hpa-v1-valid.json"
        valid "gordo-valid.json"
        valid "model-valid.json"

        test "templates given as a string is a type error at $.spec.templates" {
            let errs = errors standard "wf-invalid-templates-string.json"

            Expect.equal
                (rules errs)
                [ "$.spec.templates", "io.argoproj.workflow.v1alpha1.WorkflowSpec: type" ]
                "one type error"

            Expect.stringContains errs.Head.Message "expected array, got string" "says what was expected"
            Expect.equal errs.Head.Document "wf-invalid-templates-string.json" "names the document"
        }

        test "an integer image is a type error naming the Container definition" {
            let errs = errors standard "wf-invalid-container-no-image-type.json"

            Expect.equal
                (rules errs)
                [ "$.spec.templates[0].container.image", "io.k8s.api.core.v1.Container: type" ]
                "one type error"
        }

        test "a wrong kind fails the const rule" {
            let errs = errors published "wf-invalid-wrong-kind.json"
            // An unknown kind has no schema at all; against the Workflow definition it fails `const`.
            let wf = load "wf-invalid-wrong-kind.json"

            let direct =
                SchemaValidation.validateDefinition standard.Argo "io.argoproj.workflow.v1alpha1.Workflow" "wf" wf

            Expect.equal (rules direct) [ "$.kind", "io.argoproj.workflow.v1alpha1.Workflow: const" ] "const"
            Expect.equal (rules errs) [ "$", "apiVersion/kind" ] "no schema for kind Workflw"
        }

        test "integers where IntOrString/Quantity belong fail the published schema, pass the adjusted one" {
            let errs = errors published "wf-gordo-style-ints.json"

            Expect.equal
                (errs |> List.map (fun e -> e.Path))
                [
                    "$.spec.templates[0].retryStrategy.limit"
                    "$.spec.templates[0].retryStrategy.backoff.factor"
                    "$.spec.templates[0].container.resources.limits.cpu"
                ]
                "three int-or-string errors"
        }

        test "unknown fields are errors with the strict adjustment only" {
            Expect.isEmpty (errors published "wf-unknown-field.json") "published schema prunes silently"

            Expect.equal
                (rules (errors standard "wf-unknown-field.json"))
                [
                    "$.spec.templates[0].contaner", "io.argoproj.workflow.v1alpha1.Template: additionalProperties"
                    "$.spec.ttlSecondsAfterFinished", "io.argoproj.workflow.v1alpha1.WorkflowSpec: additionalProperties"
                ]
                "contaner and ttlSecondsAfterFinished"
        }

        test "invalid Deployment: string replicas and a misspelt imagePullPolicy" {
            Expect.equal
                (rules (errors standard "deploy-invalid.json"))
                [
                    "$.spec.replicas", "io.k8s.api.apps.v1.DeploymentSpec: type"
                    "$.spec.template.spec.containers[0].imagePullPolcy",
                    "io.k8s.api.core.v1.Container: additionalProperties"
                ]
                "two errors"
        }

        test "invalid Gordo: missing deploy-version, dataset as an object" {
            Expect.equal
                (rules (errors standard "gordo-invalid.json"))
                [
                    "$.spec", "equinor.com.v1.Gordo: required"
                    "$.spec.config.machines[0].dataset", "equinor.com.v1.Gordo: type"
                ]
                "two errors"
        }

        test "invalid Model: missing gordo-version, unknown phase" {
            let errs = errors standard "model-invalid.json"

            Expect.equal
                (rules errs)
                [
                    "$.spec", "equinor.com.v1.Model: required"
                    "$.status.phase", "equinor.com.v1.Model: enum"
                ]
                "two errors"

            Expect.stringContains
                (string errs.[0])
                "model-invalid.json: $.spec: equinor.com.v1.Model: required"
                "format"
        }

        test "keys that are not identifiers are bracketed in paths" {
            let doc =
                JsonNode.Parse """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","labels":{"a.b/c":1}}}"""

            Expect.equal
                (rules (SchemaCatalog.validateManifest standard "svc" doc))
                [
                    "$.metadata.labels['a.b/c']", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta: type"
                ]
                "bracketed key"
        }

        test "x-kubernetes-int-or-string accepts integers and strings only" {
            let bundle =
                Schema.bundle
                    "test"
                    (JsonNode
                        .Parse(
                            """{"definitions":{"t.Port":{"type":"object","properties":{"port":{"x-kubernetes-int-or-string":true}}}}}"""
                        )
                        .AsObject())

            let check (json: string) =
                SchemaValidation.validateDefinition bundle "t.Port" "doc" (JsonNode.Parse json)

            Expect.isEmpty (check """{"port":8080}""") "integer"
            Expect.isEmpty (check """{"port":"50%"}""") "string"
            Expect.isEmpty (check """{"port":2.0}""") "an integral number is an integer"

            for bad, kind in [ "1.5", "number"; "true", "boolean"; "[1]", "array" ] do
                match check $"""{{"port":%s{bad}}}""" with
                | [ e ] ->
                    Expect.equal (e.Path, e.Rule) ("$.port", "t.Port: x-kubernetes-int-or-string") bad
                    Expect.equal e.Message $"expected integer or string, got %s{kind}" bad
                | other -> failtestf "%s: expected one error, got %A" bad other
        }

        test "OpenAPI nullable admits null where it is set, and only there" {
            let bundle =
                Schema.bundle
                    "test"
                    (JsonNode
                        .Parse(
                            """{"definitions":{"t.N":{"type":"object","properties":{"a":{"type":"string","nullable":true},"b":{"type":"string"},"nullable":{"type":"integer"}}}}}"""
                        )
                        .AsObject())

            let check (json: string) =
                SchemaValidation.validateDefinition bundle "t.N" "doc" (JsonNode.Parse json)

            Expect.isEmpty (check """{"a":null,"b":"x","nullable":1}""") "a is nullable"

            Expect.equal
                (check """{"a":"x","b":null}""" |> List.map (fun e -> e.Path, e.Message))
                [ "$.b", "expected string, got null null" ]
                "b is not"
        }

        test "a value matching no anyOf alternative is one error that gives each alternative's reason" {
            let doc = load "wf-gordo-style-ints.json"
            let retry = doc.["spec"].["templates"].[0].["retryStrategy"]

            retry["limit"] <- JsonValue.Create true

            match SchemaCatalog.validateManifest standard "wf" doc with
            | [ e ] ->
                Expect.equal e.Path "$.spec.templates[0].retryStrategy.limit" "path"
                Expect.equal e.Rule "io.k8s.apimachinery.pkg.util.intstr.IntOrString: anyOf" "rule"

                Expect.equal
                    e.Message
                    "value matches none of the 2 alternatives (io.k8s.apimachinery.pkg.util.intstr.IntOrString: type: expected string, got boolean true; io.k8s.apimachinery.pkg.util.intstr.IntOrString: type: expected integer, got boolean true)"
                    "reasons"
            | other -> failtestf "expected one error, got %A" other
        }
    ]
