module Gordo.Tests.Workflow.WorkflowTemplateTests

open Expecto
open Gordo.Workflow
open Gordo.Tests.Workflow.WorkflowSamples

let private builtIn =
    match WorkflowTemplates.parse WorkflowTemplates.BuiltInName (WorkflowTemplates.builtInText ()) with
    | Ok t -> t
    | Error e -> failwith e.Message

let internal render (context: WorkflowContext) : string =
    match WorkflowTemplates.render builtIn context with
    | Ok text -> text
    | Error e -> failwith e.Message

let lint (yaml: string) =
    ManifestLint.validateYaml (SchemaCatalog.standard ()) "generated" yaml
    |> List.map string

[<Tests>]
let tests =
    testList "Workflow.WorkflowTemplate" [
        test "the built-in template renders a workflow that passes the schema lint" {
            Expect.equal (lint (render context)) [] "no schema errors"
        }

        test "every option variant renders schema-valid documents" {
            let variants = [
                { context with WithKeda = true }
                {
                    context with
                        WithKeda = true
                        MlServerHpaType = "keda"
                        PrometheusServerAddress = "http://prom:9090"
                }
                {
                    context with
                        MlServerHpaType = "none"
                }
                {
                    context with
                        WithoutPrometheus = true
                        EnableInflux = false
                        ArgoVersion = 3
                }
                {
                    context with
                        OwnerReferencesJson =
                            """[{"apiVersion":"equinor.com/v1","kind":"Gordo","name":"proj","uid":"u-1"}]"""
                        ResourceLabels = [ { Key = "a.b/c"; Value = "d" } ]
                        BuilderLabels = [ { Key = "key2"; Value = "2" } ]
                        ServerLabels = [ { Key = "s"; Value = "v" } ]
                        SecurityContextJson = """{"runAsNonRoot":true}"""
                        PodSecurityContextJson = """{"fsGroup":2000}"""
                        VolumesJson = [
                            """{"name":"secrets-store","csi":{"driver":"secrets-store.csi.k8s.io","readOnly":true}}"""
                        ]
                        BuilderEnvJson = [ """{"name":"DL_PWD","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}""" ]
                        BuilderVolumeMountsJson = [
                            """{"name":"secrets-store","mountPath":"/kvmnt","readOnly":true}"""
                        ]
                        GordoServerWorkers = 2
                        GordoServerThreads = 4
                        BuilderExceptionsReportFile = ""
                        BuilderExceptionsReportLevel = "EXIT_CODE"
                }
            ]

            for v in variants do
                Expect.equal (lint (render v)) [] $"no schema errors for %A{v.MlServerHpaType}"
        }

        test "--server-api-key-secret: the server and the client read the key from the Secret" {
            let yaml =
                render {
                    context with
                        ServerApiKeySecret = "gordo-api-key"
                }

            Expect.equal (lint yaml) [] "no schema errors"

            let references = yaml.Split("- name: GORDO_SERVER_API_KEY\n").Length - 1

            Expect.equal references 2 "one reference in the server Deployment, one in the client step"
            Expect.stringContains yaml "name: \"gordo-api-key\"" "the Secret's name"
            Expect.stringContains yaml "key: api-key" "the Secret's key"
            Expect.isFalse ((render context).Contains "GORDO_SERVER_API_KEY") "nothing without the option"
        }

        test "the same context renders the same bytes" {
            Expect.equal (render context) (render context) "deterministic"
        }

        test "a schema violation inside an embedded manifest is found" {
            let broken =
                (render context).Replace("targetCPUUtilizationPercentage: 50", "targetCPUUtilizationPercentage: fifty")

            match lint broken with
            | [ e ] ->
                Expect.stringContains e "HorizontalPodAutoscaler gordoserver-scaler-proj" "names the manifest"
                Expect.stringContains e "$.spec.targetCPUUtilizationPercentage" "path"
            | other -> failtestf "expected one error, got %A" other
        }

        test "a broken user template fails with a clear error" {
            match WorkflowTemplates.parse "my.liquid" "kind: {{ kind " with
            | Error e -> Expect.stringStarts e.Message "workflow template my.liquid: syntax error" "syntax"
            | Ok _ -> failtest "must not parse"

            match WorkflowTemplates.parse "my.liquid" "name: {{ project_nam }}" with
            | Ok t ->
                match WorkflowTemplates.render t context with
                | Error e -> Expect.stringContains e.Message "project_nam" "names the undefined variable"
                | Ok _ -> failtest "undefined variables are errors"
            | Error e -> failtest e.Message

            match
                WorkflowTemplates.parse
                    "my.liquid"
                    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec: {entrypoint: a, templates: [{name: a, contaner: {image: b}}]}\n"
            with
            | Ok t ->
                let errors = lint (WorkflowTemplates.render t context |> Result.defaultValue "")
                Expect.equal errors.Length 1 "one lint error"
                Expect.stringContains errors.Head "unknown property 'contaner'" "clear"
            | Error e -> failtest e.Message
        }
    ]
