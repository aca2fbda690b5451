module Gordo.Tests.Workflow.ManifestLintTests

open Expecto
open Gordo.Workflow

let private workflow (deploymentExtra: string) =
    $"""apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: proj-1-
spec:
  entrypoint: do-all
  templates:
  - name: apply
    inputs:
      parameters:
      - name: resource
    container:
      image: busybox
  - name: server
    inputs:
      parameters:
      - name: host-name
    steps:
    - - name: apply
        template: apply
        arguments:
          parameters:
          - name: resource
            value: |
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: "{{{{inputs.parameters.host-name}}}}"
              spec:
                replicas: 1
                selector:
                  matchLabels:
                    app: "{{{{inputs.parameters.host-name}}}}"
                template:
                  metadata:
                    labels:
                      app: "{{{{inputs.parameters.host-name}}}}"
                  spec:
                    containers:
                    - name: c
                      image: i%s{deploymentExtra}
  - name: do-all
    dag:
      tasks:
      - name: server
        template: server
        arguments:
          parameters:
          - name: host-name
            value: gordo-srv-proj
"""

[<Tests>]
let tests =
    testList "Workflow.ManifestLint" [
        test "a valid workflow with an embedded Deployment passes" {
            Expect.isEmpty (ManifestLint.validateYaml (SchemaCatalog.standard ()) "wf.yaml" (workflow "")) "valid"
        }

        test "an error inside an embedded manifest names the template, step, manifest and path" {
            let errs =
                ManifestLint.validateYaml
                    (SchemaCatalog.standard ())
                    "wf.yaml"
                    (workflow "\n                      imagePullPolcy: Always")

            match errs with
            | [ e ] ->
                Expect.equal
                    e.Document
                    "wf.yaml document 1 (Workflow proj-1-) template 'server' (server) step 'apply' parameter 'resource': Deployment gordo-srv-proj"
                    "document names the chain, with the placeholder resolved from the DAG task"

                Expect.equal e.Path "$.spec.template.spec.containers[0].imagePullPolcy" "path"
                Expect.equal e.Rule "io.k8s.api.core.v1.Container: additionalProperties" "rule"
            | other -> failtestf "expected one error, got %A" other
        }

        test "unparsable YAML is one error" {
            let errs =
                ManifestLint.validateYaml (SchemaCatalog.standard ()) "bad.yaml" "a: [1\n"

            Expect.equal (errs |> List.map (fun e -> e.Rule)) [ "yaml" ] "yaml error"
        }
    ]
