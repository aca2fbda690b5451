module Gordo.Tests.Workflow.WorkflowConformanceTests

open System.IO
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open Expecto
open Gordo.Workflow
open Gordo.Tests.Workflow.WorkflowConformanceSupport

let private count (pattern: string) (text: string) =
    Regex.Matches(text, Regex.Escape pattern).Count

/// Every config INDEX.md marks valid, with the options its reference test used.
let private valid = [
    "examples-config", Path.Combine(configs, "examples__config.yaml"), []
    "examples-test-project", Path.Combine(configs, "examples__test-project.yaml"), []
    "empty-default-data-provider",
    generatorConfig "config-empty-default-data-provider.yml",
    [ "default-data-provider", "RandomDataProvider" ]
    "allowed-timestamps", generatorConfig "config-test-allowed-timestamps.yml", []
    "datasource", generatorConfig "config-test-datasource.yml", []
    "disable-influx", generatorConfig "config-test-disable-influx.yml", []
    "model-builder-spec", generatorConfig "config-test-model-builder-spec.yaml", []
    "quotes", generatorConfig "config-test-quotes.yml", []
    "runtime-images", generatorConfig "config-test-runtime-images.yaml", []
    "runtime-labels", generatorConfig "config-test-runtime-labels.yaml", []
    "runtime-resource", generatorConfig "config-test-runtime-resource.yaml", []
    "selective-influx", generatorConfig "config-test-selective-influx.yml", []
    "simple", generatorConfig "config-test-simple.yml", []
    "simple-keda",
    generatorConfig "config-test-simple.yml",
    [
        "with-keda", "true"
        "ml-server-hpa-type", "keda"
        "prometheus-server-address", "http://prometheus:9090"
    ]
    "simple-argo2-labels-security",
    generatorConfig "config-test-simple.yml",
    [
        "argo-version", "2"
        "resources-labels", """{"team": "gordo"}"""
        "model-builder-labels", """{"builder": "yes"}"""
        "server-labels", """{"server": "yes"}"""
        "security-context", """{"runAsNonRoot": true}"""
        "pod-security-context", """{"runAsUser": 1000}"""
        "owner-references",
        """[{"apiVersion": "equinor.com/v1", "kind": "Gordo", "name": "test-proj-name", "uid": "u-1"}]"""
    ]
    "timestamp-1", generatorConfig "config-test-timestamp-1.yml", []
    "timestamp-2", generatorConfig "config-test-timestamp-2.yml", []
    "timestamp-3", generatorConfig "config-test-timestamp-3.yml", []
    "with-log-key", generatorConfig "config-test-with-log-key.yml", []
    "with-models", generatorConfig "config-test-with-models.yml", []
    "with-models-split", generatorConfig "config-test-with-models.yml", [ "split-workflows", "1" ]
]

let private goldenTests =
    testList "golden files (every document also passes the schema lint)" [
        for name, file, extra in valid ->
            test name {
                let g = generate file extra
                golden name g.Text
                Expect.equal (generate file extra).Text g.Text "deterministic"
            }
    ]

let private simple = generatorConfig "config-test-simple.yml"

let private expectations =
    testList "INDEX.md expectations" [
        test "examples/config.yaml: 3 machines, EXPECTED_MODELS is a JSON list, --log-level upper-cased" {
            let wf =
                generateWith (Some "debug") (Path.Combine(configs, "examples__config.yaml")) []
                |> workflows
                |> List.exactlyOne

            Expect.equal (builderPayloads wf).Length 3 "three builders"

            let server =
                generate (Path.Combine(configs, "examples__config.yaml")) []
                |> fun g -> g.Documents.Head

            Expect.stringContains server "value: \"[\\\"" "EXPECTED_MODELS is a JSON list"
            Expect.equal (env (container (template wf "model-builder")) "GORDO_LOG_LEVEL") (Some "DEBUG") "upper-cased"
        }

        test "allowed timestamps: dates counted, machines named, gordo-models annotation" {
            let g = generate (generatorConfig "config-test-allowed-timestamps.yml") []
            Expect.equal (count "2016-11-07" g.Text) 9 "train start 3 times per machine"
            Expect.equal (count "2017-11-07" g.Text) 6 "train end 2 times per machine"
            let wf = workflows g |> List.exactlyOne

            Expect.equal
                (string (wf["metadata"].["annotations"].["gordo-models"]))
                """["machine-1","machine-2","machine-3"]"""
                "annotation"
        }

        test "datasource: RandomDataProvider normalised with its defaults" {
            let wf =
                generate (generatorConfig "config-test-datasource.yml") []
                |> workflows
                |> List.exactlyOne

            for _, payload in builderPayloads wf do
                let provider = (section payload "dataset").["data_provider"]
                Expect.equal (string (provider["type"])) "gordo_core.data_providers.providers.RandomDataProvider" "type"
                Expect.equal ((provider["max_size"]).GetValue<int>()) 300 "max_size"
                Expect.equal ((provider["min_size"]).GetValue<int>()) 100 "min_size"
        }

        test "disable influx: only influx-cleanup, no client tasks" {
            let wf =
                generate (generatorConfig "config-test-disable-influx.yml") []
                |> workflows
                |> List.exactlyOne

            let names = taskNames wf
            Expect.equal (names |> List.filter (fun n -> n.Contains "influx")) [ "influx-cleanup" ] "influx tasks"
            Expect.isEmpty (names |> List.filter (fun n -> n.StartsWith "gordo-client")) "no clients"
        }

        test "model-builder spec: labels, secret env, CSI volume, read-only mount" {
            let wf =
                generate (generatorConfig "config-test-model-builder-spec.yaml") []
                |> workflows
                |> List.exactlyOne

            for t in [ "model-builder"; "gordo-client" ] do
                let l = labels (template wf t)
                Expect.equal (l.TryFind "key1", l.TryFind "key2") (Some "value1", Some "value2") $"labels on %s{t}"

            let builder = container (template wf "model-builder")

            let pwd =
                (builder["env"]).AsArray() |> Seq.find (fun e -> string (e["name"]) = "DL_PWD")

            Expect.equal (string (pwd["valueFrom"].["secretKeyRef"].["name"])) "deltalake-pwd" "secret env"

            let volume =
                (wf["spec"].["volumes"]).AsArray()
                |> Seq.find (fun v -> string (v["name"]) = "secrets-store")

            Expect.equal (string (volume["csi"].["driver"])) "secrets-store.csi.k8s.io" "csi driver"
            Expect.isTrue ((volume["csi"].["readOnly"]).GetValue<bool>()) "read-only volume"

            Expect.equal
                (string (volume["csi"].["volumeAttributes"].["secretProviderClass"]))
                "kv-sync"
                "provider class"

            let mount =
                (builder["volumeMounts"]).AsArray()
                |> Seq.find (fun m -> string (m["mountPath"]) = "/kvmnt")

            Expect.isTrue ((mount["readOnly"]).GetValue<bool>()) "read-only mount"
        }

        test "quotes: tags and machine metadata keep their quotes" {
            let wf =
                generate (generatorConfig "config-test-quotes.yml") []
                |> workflows
                |> List.exactlyOne

            let _, payload = builderPayloads wf |> List.exactlyOne
            let dataset = section payload "dataset"

            let tags =
                if isNull dataset["tags"] then
                    dataset["tag_list"]
                else
                    dataset["tags"]

            Expect.equal (MachineJson.text tags) """["CT/1","CT\"2","CT'3"]""" "tags"
            let metadata = (section payload "metadata").["user_defined"].["machine-metadata"]

            Expect.equal
                (MachineJson.text metadata)
                """{"withSingle":"a string with ' in it","withDouble":"a string with \" in it","single'in'key":"why not"}"""
                "machine metadata, not double-nested"
        }

        test "runtime images: builder, client and server images with the gordo version tag" {
            let wf =
                // Gordo's registry and repository (ours default to localhost and none).
                generate (generatorConfig "config-test-runtime-images.yaml") [
                    "docker-registry", "ghcr.io"
                    "docker-repository", "equinor"
                ]
                |> workflows
                |> List.exactlyOne

            Expect.equal
                (string ((container (template wf "model-builder")).["image"]))
                "ghcr.io/equinor/new-builder-image:0.1.0"
                "builder"

            Expect.equal
                (string ((container (template wf "gordo-client")).["image"]))
                "ghcr.io/equinor/new-client-image:0.1.0"
                "client"

            let deployment =
                argument (((template wf "gordo-server-deployment").["steps"].[0].[0]).AsObject()) "resource"

            Expect.stringContains deployment "image: \"ghcr.io/equinor/new-server-image:0.1.0\"" "server"
        }

        test "runtime labels: keys with / and . and the numeric-looking value \"2\"" {
            let wf =
                generate (generatorConfig "config-test-runtime-labels.yaml") []
                |> workflows
                |> List.exactlyOne

            let l = labels (template wf "model-builder")
            Expect.equal (l.TryFind "key1") (Some "value1") "key1"
            Expect.equal (l.TryFind "key2") (Some "2") "key2 is the string 2"
            Expect.equal (l.TryFind "key3/withslash") (Some "value3") "key3"
            Expect.equal (l.TryFind "key4/withslash.dot") (Some "value4") "key4"
        }

        test "runtime resources: builder, client, influx strings and the client limit" {
            let wf =
                generate (generatorConfig "config-test-runtime-resource.yaml") []
                |> workflows
                |> List.exactlyOne

            for t in tasks wf |> List.filter (fun t -> string (t["template"]) = "model-builder") do
                Expect.equal
                    (argument t "requests-memory", argument t "limits-memory")
                    ("121M", "121M")
                    "builder memory"

                Expect.equal (argument t "requests-cpu") "1001m" "builder cpu request"

            let client = (container (template wf "gordo-client")).["resources"]

            Expect.equal
                (string (client["requests"].["memory"]), string (client["limits"].["memory"]))
                ("221M", "221M")
                "client memory"

            Expect.equal (string (client["requests"].["cpu"])) "100m" "client cpu"

            let influx =
                (template wf "gordo-influx-statefulset").["resource"].["manifest"] |> string

            Expect.stringContains influx "memory: \"321M\"" "influx memory"
            Expect.equal (count "memory: \"321M\"" influx) 2 "request and limit"
            Expect.stringContains influx "cpu: \"520m\"" "influx cpu request"
            Expect.stringContains influx "cpu: \"10040m\"" "influx cpu limit (2 machines)"

            Expect.equal
                (env (container (template wf "gordo-client-waiter")) "GORDO_MAX_CLIENTS")
                (Some "10")
                "max clients"
        }

        test "selective influx: one client task" {
            let wf =
                generate (generatorConfig "config-test-selective-influx.yml") []
                |> workflows
                |> List.exactlyOne

            let names = taskNames wf

            Expect.equal
                (names |> List.filter (fun n -> n.Contains "influx"))
                [ "influx-cleanup"; "gordo-influx" ]
                "influx tasks"

            Expect.equal
                (names |> List.filter (fun n -> n.StartsWith "gordo-client"))
                [ "gordo-client-ct-23-0002" ]
                "clients"
        }

        test "simple: HPA steps by --ml-server-hpa-type and --with-keda" {
            let serverSteps extra =
                let wf = generate simple extra |> workflows |> List.exactlyOne

                ((template wf "gordo-server").["steps"].[1]).AsArray()
                |> Seq.map (fun s -> string (s["name"]))
                |> List.ofSeq

            let withoutRouting =
                List.filter (fun n ->
                    n <> "gordo-server-svc"
                    && n <> "gordo-server-monitor"
                    && n <> "gordo-server-istio")

            Expect.equal (serverSteps [] |> withoutRouting) [ "gordo-server-hpa" ] "default"

            Expect.equal
                (serverSteps [ "with-keda", "true" ] |> withoutRouting)
                [ "gordo-server-hpa"; "gordo-server-keda-cleanup" ]
                "with keda"

            Expect.equal
                (serverSteps [ "ml-server-hpa-type", "none" ] |> withoutRouting)
                [ "gordo-server-hpa-cleanup" ]
                "none"

            Expect.equal
                (serverSteps [
                    "with-keda", "true"
                    "ml-server-hpa-type", "keda"
                    "prometheus-server-address", "http://p:9090"
                 ]
                 |> withoutRouting)
                [ "gordo-server-keda"; "gordo-server-hpa-cleanup" ]
                "keda"
        }

        test "simple: Argo 3 TTL, Argo 2 TTL, pod security context, labels" {
            let wf3 = generate simple [] |> workflows |> List.exactlyOne
            Expect.equal ((wf3["spec"].["ttlStrategy"].["secondsAfterCompletion"]).GetValue<int64>()) 115200L "argo 3"

            let wf2 =
                generate simple [ "argo-version", "2"; "argo-binary", "argo3" ]
                |> workflows
                |> List.exactlyOne

            Expect.equal ((wf2["spec"].["ttlSecondsAfterFinished"]).GetValue<int64>()) 115200L "argo 2"

            let wf =
                generate simple [
                    "pod-security-context", """{"runAsUser": 1000}"""
                    "resources-labels", """{"team": "gordo"}"""
                    "model-builder-labels", """{"builder": "yes"}"""
                    "server-labels", """{"server": "yes"}"""
                ]
                |> workflows
                |> List.exactlyOne

            Expect.equal ((wf["spec"].["securityContext"].["runAsUser"]).GetValue<int64>()) 1000L "pod security context"
            Expect.equal (string (wf["metadata"].["labels"].["team"])) "gordo" "resource label on the workflow"
            Expect.equal ((labels (template wf "model-builder")).TryFind "builder") (Some "yes") "builder label"

            let deployment =
                argument (((template wf "gordo-server-deployment").["steps"].[0].[0]).AsObject()) "resource"

            Expect.stringContains deployment "\"server\": \"yes\"" "server label"
        }

        test "with-log-key: every GORDO_LOG_LEVEL is DEBUG" {
            let g = generate (generatorConfig "config-test-with-log-key.yml") []

            let values =
                Regex.Matches(g.Text, "name: GORDO_LOG_LEVEL\\s+value: \"([A-Z]+)\"")
                |> Seq.map (fun m -> m.Groups[1].Value)
                |> List.ofSeq

            Expect.isNonEmpty values "found"
            Expect.allEqual values "DEBUG" "all DEBUG"
        }

        test "with-models: two Model CR configs with the model, INFO by default" {
            let g = generate (generatorConfig "config-test-with-models.yml") []
            let wf = workflows g |> List.exactlyOne

            let configsOfModels =
                tasks wf
                |> List.filter (fun t -> string (t["template"]) = "gordo-model")
                |> List.map (fun t -> JsonNode.Parse(argument t "config"))

            Expect.equal configsOfModels.Length 2 "two machines"

            for c in configsOfModels do
                Expect.equal
                    (JsonNode.Parse(string (c["model"])).ToJsonString())
                    """{"sklearn.pipeline.Pipeline":{"steps":["sklearn.preprocessing.MinMaxScaler",{"gordo.machine.model.models.KerasAutoEncoder":{"kind":"feedforward_hourglass"}}]}}"""
                    "model"

            Expect.equal (env (container (template wf "model-builder")) "GORDO_LOG_LEVEL") (Some "INFO") "INFO"
        }

        test "split workflows: one Workflow per machine, every server expects every model" {
            let g =
                generate (generatorConfig "config-test-with-models.yml") [ "split-workflows", "1" ]

            let wfs = workflows g
            Expect.equal wfs.Length 2 "two workflows"

            Expect.equal
                (wfs
                 |> List.map (fun w ->
                     string (w["metadata"].["labels"].["applications.gordo.equinor.com/project-workflow"])))
                [ "0"; "1" ]
                "workflow index"

            Expect.equal (g.Text.Split("\n---\n").Length) 2 "separated by ---"

            for w in wfs do
                let deployment =
                    argument (((template w "gordo-server-deployment").["steps"].[0].[0]).AsObject()) "resource"

                Expect.stringContains deployment "[\\\"ct-23-0001\\\",\\\"ct-23-0002\\\"]" "EXPECTED_MODELS lists both"
        }

        test "empty default data provider: an error without --default-data-provider" {
            match optionsFor (generatorConfig "config-empty-default-data-provider.yml") [] with
            | Ok o ->
                match WorkflowGenerator.generate o (fun _ -> None) with
                | Error(GenerateError.Config d) ->
                    Expect.exists d (fun x -> x.Message.Contains "data_provider") "data_provider is empty"
                | other -> failtestf "expected config errors, got %A" other
            | Error e -> failtestf "%A" e

            let g =
                generate (generatorConfig "config-empty-default-data-provider.yml") [
                    "default-data-provider", "RandomDataProvider"
                ]

            Expect.stringContains g.Text "gordo_core.data_providers.providers.RandomDataProvider" "provider resolved"
        }

        test "invalid configs print the compiler's diagnostics and produce nothing" {
            for name in
                [
                    "config-test-empty-tag-list.yml"
                    "config-test-failing-resource-format.yml"
                    "config-test-missing-timezone-quoted.yml"
                    "config-test-missing-timezone.yml"
                ] do
                match optionsFor (generatorConfig name) [] with
                | Ok o ->
                    match WorkflowGenerator.generate o (fun _ -> None) with
                    | Error(GenerateError.Config d) -> Expect.isNonEmpty d name
                    | other -> failtestf "%s: expected config errors, got %A" name other
                | Error e -> failtestf "%A" e
        }

        test "names over Kubernetes limits are usage errors" {
            let long = String.replicate 41 "a"

            match optionsFor simple [ "project-name", long ] with
            | Ok o ->
                match WorkflowGenerator.generate o (fun _ -> None) with
                | Error(GenerateError.Usage messages as e) ->
                    Expect.equal e.ExitCode 2 "usage"
                    Expect.exists messages (fun m -> m.Contains "gordoserver-prometheus-") "metrics container name"
                | other -> failtestf "expected usage errors, got %A" other
            | Error e -> failtestf "%A" e
        }
    ]

[<Tests>]
let tests = testList "Workflow.Conformance" [ goldenTests; expectations ]
