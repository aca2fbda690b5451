module Gordo.Tests.Workflow.WorkflowOptionsTests

open System
open System.Collections.Generic
open Expecto
open Gordo.Workflow

let private sources (args: (string * string) list) (env: (string * string) list) : WorkflowOptionSources =
    let environment = Map.ofList env

    {
        Arguments = dict args |> fun d -> Dictionary(d) :> IReadOnlyDictionary<_, _>
        Environment = environment.TryFind
        Now = DateTimeOffset.FromUnixTimeMilliseconds 1700000000000L
        InstalledVersion = "0.1.0+abc"
        LogLevel = None
    }

let private required = [ "machine-config", "config.yaml"; "project-name", "test-proj-name" ]

let private parse args env =
    WorkflowOptions.parse (sources (required @ args) env)

let private ok args env =
    match parse args env with
    | Ok o -> o
    | Error e -> failtestf "unexpected errors %A" (e |> List.map (fun x -> x.Message))

let private messages args env =
    match parse args env with
    | Ok _ -> failtest "expected a usage error"
    | Error e -> e |> List.map (fun x -> x.Message)

[<Tests>]
let tests =
    testList "Workflow.WorkflowOptions" [
        test "defaults of spec §7.1" {
            let o = ok [] []
            Expect.equal o.ProjectRevision "1700000000000" "revision = unix ms"
            Expect.equal o.GordoVersion "0.1.0_abc" "installed version, + -> _"
            Expect.equal o.Namespace "kubeflow" "namespace"
            Expect.equal o.SplitWorkflows 30 "split"
            Expect.equal o.NServers None "n-servers"
            Expect.equal o.DockerRepository "" "repository: none (Gordo's is equinor)"
            Expect.equal o.DockerRegistry "localhost" "registry: podman's local name (Gordo's is ghcr.io)"
            Expect.equal o.RetryBackoffDuration "15s" "duration"
            Expect.equal o.RetryBackoffFactor 2 "factor"
            Expect.equal o.GordoServerWorkers None "workers"
            Expect.equal o.GordoServerProbeTimeout 5 "probe timeout"
            Expect.isFalse o.WithoutPrometheus "prometheus on"
            Expect.equal o.PrometheusMetricsServerWorkers 1 "metrics workers"
            Expect.equal o.ImagePullPolicy (Some "IfNotPresent") "X.Y.Z -> IfNotPresent"
            Expect.equal o.MlServerHpaType HpaType.K8sCpu "hpa"
            Expect.equal o.KedaPrometheusMetricName "gordo_server_request_duration_seconds_count" "metric"

            Expect.equal
                o.KedaPrometheusQuery
                "sum(rate(gordo_server_request_duration_seconds_count{project=~\"test-proj-name\",path=~\".*prediction\"}[30s]))"
                "query"

            Expect.equal o.KedaPrometheusThreshold "1.0" "threshold"
            Expect.equal o.ServerTerminationGracePeriod 60 "grace"
            Expect.equal o.ServerTargetCpuUtilizationPercentage 50 "cpu %"
            Expect.equal o.GordoServerReadinessInitialDelay 5 "readiness"
            Expect.equal o.GordoServerLivenessInitialDelay 600 "liveness"
            Expect.equal o.ArgoVersion 3 "argo 3"
            Expect.equal o.CustomModelBuilderEnvs.Count 0 "no envs"
            Expect.isTrue o.Validate "lint on"
        }

        test "environment variables are read, the command line wins" {
            let env = [
                "WORKFLOW_GENERATOR_SPLIT_WORKFLOWS", "5"
                "WORKFLOW_GENERATOR_DOCKER_REGISTRY", "env.io"
                "WORKFLOW_GENERATOR_RESOURCE_LABELS", """{"a": "b"}"""
                "WORKFLOW_GENERATOR_WITH_KEDA", "true"
                "MODEL_BUILDER_CLASS", "x.Y"
            ]

            let o = ok [ "docker-registry", "cli.io" ] env
            Expect.equal o.SplitWorkflows 5 "env"
            Expect.equal o.DockerRegistry "cli.io" "cli wins"
            Expect.equal o.ResourceLabels [ "a", "b" ] "singular env name"
            Expect.isTrue o.WithKeda "flag from env"
            Expect.equal o.ModelBuilderClass (Some "x.Y") "MODEL_BUILDER_CLASS"
        }

        test "required options" {
            match WorkflowOptions.parse (sources [] []) with
            | Error e ->
                Expect.equal
                    (e |> List.map (fun x -> x.Message))
                    [
                        "Missing option '--project-name' (or environment variable WORKFLOW_GENERATOR_PROJECT_NAME)."
                        "Missing option '--machine-config' (or environment variable WORKFLOW_GENERATOR_MACHINE_CONFIG)."
                    ]
                    "both reported"
            | Ok _ -> failtest "must fail"
        }

        test "KEDA needs --with-keda and a Prometheus address" {
            Expect.equal
                (messages [ "ml-server-hpa-type", "keda" ] [])
                [
                    "\"--ml-server-hpa-type=keda\" is only be supported with \"--with-keda\" flag"
                    "--prometheus-server-address should be specified for \"--ml-server-hpa-type=keda\""
                ]
                "both messages"

            let o =
                ok [
                    "ml-server-hpa-type", "keda"
                    "with-keda", "true"
                    "prometheus-server-address", "http://p:9090"
                ] []

            Expect.equal o.MlServerHpaType HpaType.Keda "keda"
        }

        test "--server-api-key-secret: a Secret name, none by default" {
            Expect.isNone (ok [] []).ServerApiKeySecret "default"
            Expect.equal (ok [ "server-api-key-secret", "gordo-keys" ] []).ServerApiKeySecret (Some "gordo-keys") "set"

            Expect.stringContains
                (messages [ "server-api-key-secret", "Bad_Name" ] [] |> String.concat "\n")
                "must be a Kubernetes Secret name"
                "invalid"
        }
        test "--split-workflows 0 and bad integers" {
            Expect.equal
                (messages [ "split-workflows", "0"; "n-servers", "x" ] [])
                [
                    "Invalid value for '--split-workflows': \"0\": must be between 1 and 2147483647"
                    "Invalid value for '--n-servers': \"x\": is not a valid integer"
                ]
                "messages"
        }

        test "label options: invalid JSON, not a dict, bad label" {
            let errs =
                messages [
                    "resources-labels", "{bad"
                    "model-builder-labels", "[1]"
                    "server-labels", """{"k": "has space"}"""
                ] []

            Expect.stringContains errs[0] "\"--resources-labels={bad\" contains invalid JSON value" "invalid JSON"

            Expect.stringContains
                errs[1]
                "\"--model-builder-labels=[1]\" contains value with type list instead of dict"
                "type"

            Expect.stringContains errs[2] "not a valid Kubernetes label value" "label syntax"
        }

        test "security contexts are checked against the Kubernetes schema (unknown keys rejected)" {
            let o =
                ok [
                    "security-context", """{"runAsNonRoot": true, "runAsUser": 1000}"""
                    "pod-security-context", """{"fsGroup": 2000}"""
                ] []

            Expect.equal
                (o.SecurityContext |> Option.map (fun s -> s.ToJsonString()))
                (Some """{"runAsNonRoot":true,"runAsUser":1000}""")
                "kept"

            let errs =
                messages [ "security-context", """{"runAsNonRoot": true, "someUnknownKey": 1}""" ] []

            Expect.stringContains errs.Head "unknown property 'someUnknownKey'" "unknown key"
            Expect.stringContains errs.Head "not a valid Kubernetes SecurityContext" "which type"
        }

        test "owner references must be a non-empty list of complete references" {
            let good =
                """[{"apiVersion": "equinor.com/v1", "kind": "Gordo", "name": "p", "uid": "1-2"}]"""

            Expect.equal
                ((ok [ "owner-references", good ] []).OwnerReferences
                 |> Option.map (fun a -> a.Count))
                (Some 1)
                "one"

            Expect.stringContains (messages [ "owner-references", "[]" ] []).Head "at least one element" "empty"

            Expect.stringContains
                (messages [ "owner-references", """[{"name": "p"}]""" ] []).Head
                "missing required property 'uid'"
                "incomplete"
        }

        test "custom builder envs are Kubernetes EnvVars" {
            let o = ok [ "custom-model-builder-envs", """[{"name": "A", "value": "1"}]""" ] []
            Expect.equal o.CustomModelBuilderEnvs.Count 1 "one"

            Expect.stringContains
                (messages [ "custom-model-builder-envs", """[{"value": "1"}]""" ] []).Head
                "'name'"
                "name required"
        }

        test "image pull policy derived from the gordo version" {
            let policy v = WorkflowOptions.pullPolicyFor v

            for v, expected in
                [
                    "1", "Always"
                    "1.2", "Always"
                    "latest", "Always"
                    "stable", "Always"
                    "pr-12", "Always"
                    "1.2.3", "IfNotPresent"
                    "1.2.3rc1", "IfNotPresent"
                    "0a1b2c3d4e", "IfNotPresent"
                ] do
                Expect.equal (policy v) (Ok expected) v

            Expect.isError (policy "pr-x") "malformed PR"
            Expect.isError (policy "Not_A_Version!") "malformed"

            Expect.equal
                (ok [ "gordo-version", "latest"; "image-pull-policy", "Never" ] []).ImagePullPolicy
                (Some "Never")
                "explicit wins"
        }

        test "argo version and binary" {
            Expect.equal (ok [ "argo-version", "2" ] []).ArgoVersion 2 "2"
            Expect.equal (ok [ "argo-version", "v3.4.1" ] []).ArgoVersion 3 "v3.4.1"
            Expect.equal (ok [ "argo-binary", "argo3" ] []).ArgoBinary "argo3" "argo3"
            Expect.stringContains (messages [ "argo-binary", "kubectl" ] []).Head "must match" "pattern"
            Expect.stringContains (messages [ "argo-version", "1" ] []).Head "Argo major version" "too old"
        }

        test "project name and revision must be DNS labels" {
            Expect.stringContains (messages [ "project-name", "Bad_Name" ] []).Head "DNS label" "name"
            Expect.stringContains (messages [ "project-revision", "R1" ] []).Head "DNS label" "revision"
        }
    ]
