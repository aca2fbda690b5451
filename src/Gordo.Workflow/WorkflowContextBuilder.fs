namespace Gordo.Workflow

open System
open System.Text.Json.Nodes
open Gordo.Core
open Gordo.Core.Config

/// Lowers a checked project and the options into one `WorkflowContext` per chunk of machines.
[<RequireQualifiedAccess>]
module internal WorkflowContextBuilder =

    /// The value at a path of nested mappings.
    let rec at (path: string list) (value: Value) : Value option =
        match path with
        | [] -> Some value
        | key :: rest -> Value.tryGet key value |> Option.bind (at rest)

    let private scalarText (value: Value) : string =
        match value with
        | Value.String s -> s
        | Value.Int i -> string i
        | Value.Bool b -> if b then "true" else "false"
        | Value.Float f -> f.ToString(Globalization.CultureInfo.InvariantCulture)
        | other -> MachineJson.text (MachineJson.ofValue other)

    let private jsonItems (value: Value option) : string list =
        match value with
        | Some(Value.List items) -> items |> List.map (MachineJson.ofValue >> MachineJson.text)
        | _ -> []

    let private labels (value: Value option) : Label list =
        match value with
        | Some(Value.Map entries) -> entries |> List.map (fun (k, v) -> { Key = k; Value = scalarText v })
        | _ -> []

    let private resourcesOf (value: Value option) : ResourceSpec =
        let amount group key =
            match value |> Option.bind (at [ group; key ]) with
            | Some(Value.Int i) -> i
            | _ -> 0L

        {
            RequestsMemory = amount "requests" "memory"
            RequestsCpu = amount "requests" "cpu"
            LimitsMemory = amount "limits" "memory"
            LimitsCpu = amount "limits" "cpu"
        }

    let private componentResources (c: Component) : ResourceSpec =
        let orZero (v: int64 option) = defaultArg v 0L

        {
            RequestsMemory = orZero c.Resources.Requests.Memory
            RequestsCpu = orZero c.Resources.Requests.Cpu
            LimitsMemory = orZero c.Resources.Limits.Memory
            LimitsCpu = orZero c.Resources.Limits.Cpu
        }

    let private setting (key: string) (c: Component) : Value option =
        c.Settings |> List.tryFind (fst >> (=) key) |> Option.map snd

    /// Whether the machine gets a prediction client (`runtime.influx.enable`, default true).
    let influxEnabled (machine: Machine) : bool =
        match setting "enable" machine.Runtime.Influx with
        | Some(Value.Bool b) -> b
        | _ -> true

    let private remoteLogging (machine: Machine) : bool =
        match
            setting "remote_logging" machine.Runtime.Builder
            |> Option.bind (at [ "enable" ])
        with
        | Some(Value.Bool b) -> b
        | _ -> false

    /// The report levels of `gordo build` (spec §6.5).
    let reportLevels = [ "EXIT_CODE"; "TYPE"; "MESSAGE"; "TRACEBACK" ]

    /// `runtime.builder.exceptions_report_level` of the globals (default TRACEBACK), checked.
    let reportLevel (globals: Value) : Result<string, string> =
        match at [ "runtime"; "builder"; "exceptions_report_level" ] globals with
        | None
        | Some Value.Null -> Ok "TRACEBACK"
        | Some(Value.String s) when List.contains (s.ToUpperInvariant()) reportLevels -> Ok(s.ToUpperInvariant())
        | Some v ->
            let expected = String.concat ", " reportLevels

            Error
                $"Invalid 'runtime.builder.exceptions_report_level' value '%s{scalarText v}' (expected one of %s{expected})"

    /// GORDO_LOG_LEVEL: `globals.runtime.log_level`, else env GORDO_LOG_LEVEL, else `--log-level`, else INFO.
    let logLevel (globals: Value) (environment: string -> string option) (options: WorkflowOptions) : string =
        match at [ "runtime"; "log_level" ] globals with
        | Some(Value.String s) when s.Trim() <> "" -> s
        | _ ->
            environment "GORDO_LOG_LEVEL"
            |> Option.orElse options.LogLevel
            |> Option.defaultValue "INFO"
        |> fun level -> level.Trim().ToUpperInvariant()

    /// The machine's runtime as it goes to the builder, with the reporters the workflow adds.
    let runtimeJson (section: Value option) (machine: Machine) (postgresHost: string option) : JsonObject =
        let runtime =
            match section |> Option.map MachineJson.ofValue with
            | Some(:? JsonObject as o) -> o
            | _ -> JsonObject()

        let reporters =
            match runtime["reporters"] with
            | :? JsonArray as a -> a
            | _ ->
                let a = JsonArray()
                runtime["reporters"] <- a
                a

        match postgresHost with
        | Some host ->
            reporters.Add(JsonNode.Parse $"""{{"gordo.reporters.postgres.PostgresReporter": {{"host": "%s{host}"}}}}""")
        | None -> ()

        if remoteLogging machine then
            reporters.Add(JsonValue.Create "gordo.reporters.mlflow.MlFlowReporter")

        runtime

    let private section (node: Yaml.Node option) : Value option = node |> Option.map Value.ofNode

    /// JSON texts of sections by node identity: the normalizer shares one node between machines
    /// whose section is the same (e.g. the global model and runtime), so each is encoded once.
    type SectionCache = System.Collections.Concurrent.ConcurrentDictionary<obj, string>

    /// A new, empty cache (one per generation).
    let newSectionCache () : SectionCache = SectionCache(HashIdentity.Reference)

    let private cached (cache: SectionCache) (key: obj) (make: unit -> string) : string =
        match key with
        | null -> make ()
        | k -> cache.GetOrAdd(k, fun _ -> make ())

    let private nodeKey (kind: string) (node: Yaml.Node option) : obj =
        match node with
        | Some n -> box n
        | None -> box kind

    /// One machine's entry: its wire JSON and what the DAG needs.
    let machineEntry
        (cache: SectionCache)
        (version: string)
        (project: Project)
        (postgresHost: string option)
        (machine: Machine, tree: MachineTree)
        : MachineEntry =
        let globalMetadata =
            at [ "metadata" ] project.Globals |> Option.defaultValue Value.Null

        let json (node: JsonNode) = MachineJson.text node

        let runtime () =
            json (runtimeJson (section tree.Runtime) machine postgresHost)

        let sections: (string * string) list = [
            "dataset", json (MachineJson.dataset (section tree.Dataset) machine.Dataset)
            "model",
            cached cache (nodeKey "model" tree.Model) (fun () ->
                json (MachineJson.ofValue (section tree.Model |> Option.defaultValue Value.Null)))
            "metadata",
            cached cache (nodeKey "metadata" tree.Metadata) (fun () ->
                json (
                    MachineJson.metadata
                        globalMetadata
                        (section tree.Metadata |> Option.defaultValue Value.Null)
                        version
                ))
            "runtime",
            (match tree.Runtime with
             | Some node when remoteLogging machine = false -> cached cache (box node) runtime
             | _ -> runtime ())
            "evaluation",
            cached cache (nodeKey "evaluation" tree.Evaluation) (fun () ->
                json (MachineJson.ofValue (section tree.Evaluation |> Option.defaultValue (Value.Map []))))
        ]

        // Only machines with an `events` section carry it, so Gordo's configs give Gordo's payload.
        let sections =
            match tree.Events with
            | Some node -> sections @ [ "events", json (MachineJson.ofValue (Value.ofNode node)) ]
            | None -> sections

        {
            Name = machine.Name
            MachineJson = MachineJson.text (MachineJson.wire machine.Name project.Name sections)
            InfluxEnabled = influxEnabled machine
            TrainStartDate = MachineJson.pythonString machine.Dataset.TrainStartDate
            DataProviderJson = MachineJson.text (MachineJson.dataProvider machine.Dataset.DataProvider)
            BuilderResources = componentResources machine.Runtime.Builder
        }

    let private image (globals: Value) (componentName: string) : string =
        match at [ "runtime"; componentName; "image" ] globals with
        | Some(Value.String s) when s <> "" -> s
        | _ -> "gordo-dotnet"

    let private hpaName (hpa: HpaType) =
        match hpa with
        | HpaType.None -> "none"
        | HpaType.K8sCpu -> "k8s_cpu"
        | HpaType.Keda -> "keda"

    let private jsonOrEmpty (node: JsonNode option) : string =
        node |> Option.map MachineJson.text |> Option.defaultValue ""

    let private namesJson (names: string list) : string =
        MachineJson.text (JsonArray([| for n in names -> JsonValue.Create n :> JsonNode |]))

    /// Builder env: `runtime.builder.env`, then `--custom-model-builder-envs` (names not already
    /// set), then MODEL_BUILDER_CLASS when `--model-builder-class` is given.
    let builderEnv (globals: Value) (options: WorkflowOptions) : string list =
        let own = jsonItems (at [ "runtime"; "builder"; "env" ] globals)
        let names = own |> List.map (fun e -> (JsonNode.Parse e)["name"] |> string)

        let custom =
            [ for e in options.CustomModelBuilderEnvs -> MachineJson.text e ]
            |> List.filter (fun e -> not (List.contains ((JsonNode.Parse e)["name"] |> string) names))

        let builderClass =
            options.ModelBuilderClass
            |> Option.map (fun c ->
                MachineJson.text (
                    JsonNode.Parse $"""{{"name": "MODEL_BUILDER_CLASS", "value": %s{WorkflowTemplates.quote c}}}"""
                ))
            |> Option.toList

        own @ custom @ builderClass

    /// The context shared by every chunk (machines and chunk fields are filled per chunk).
    let baseContext
        (options: WorkflowOptions)
        (project: Project)
        (logLevel: string)
        (reportLevel: string)
        : WorkflowContext =
        let g = project.Globals
        let clientTotal = project.Machines |> List.filter influxEnabled |> List.length

        let runtime name =
            at [ "runtime"; name; "resources" ] g |> resourcesOf

        {
            ProjectName = options.ProjectName
            ProjectRevision = options.ProjectRevision
            ProjectWorkflow = "0"
            GordoVersion = options.GordoVersion
            DockerRegistry = options.DockerRegistry
            DockerRepository = options.DockerRepository
            ImagePrefix =
                [ options.DockerRegistry; options.DockerRepository ]
                |> List.map (fun part -> part.Trim '/')
                |> List.filter ((<>) "")
                |> List.map (fun part -> part + "/")
                |> String.concat ""
            ImagePullPolicy = defaultArg options.ImagePullPolicy ""
            DeployerImage = image g "deployer"
            ServerImage = image g "server"
            PrometheusMetricsServerImage = image g "prometheus_metrics_server"
            BuilderImage = image g "builder"
            ClientImage = image g "client"
            LogLevel = logLevel
            ArgoVersion = options.ArgoVersion
            RetryBackoffDuration = options.RetryBackoffDuration
            RetryBackoffFactor = options.RetryBackoffFactor
            OwnerReferencesJson = jsonOrEmpty (options.OwnerReferences |> Option.map (fun a -> a :> JsonNode))
            ResourceLabels = options.ResourceLabels |> List.map (fun (k, v) -> { Key = k; Value = v })
            BuilderLabels =
                labels (at [ "runtime"; "builder"; "metadata"; "labels" ] g)
                @ (options.ModelBuilderLabels |> List.map (fun (k, v) -> { Key = k; Value = v }))
            ServerLabels = options.ServerLabels |> List.map (fun (k, v) -> { Key = k; Value = v })
            SecurityContextJson = jsonOrEmpty (options.SecurityContext |> Option.map (fun o -> o :> JsonNode))
            PodSecurityContextJson = jsonOrEmpty (options.PodSecurityContext |> Option.map (fun o -> o :> JsonNode))
            VolumesJson = jsonItems (at [ "runtime"; "volumes" ] g)
            BuilderEnvJson = builderEnv g options
            BuilderVolumeMountsJson = jsonItems (at [ "runtime"; "builder"; "volumeMounts" ] g)
            BuilderExceptionsReportLevel = reportLevel
            BuilderExceptionsReportFile =
                (if reportLevel = "EXIT_CODE" then
                     ""
                 else
                     "/tmp/exception.json")
            ServerResources = runtime "server"
            PrometheusMetricsServerResources = runtime "prometheus_metrics_server"
            ClientResources = runtime "client"
            InfluxResources = runtime "influx"
            ClientMaxInstances =
                match at [ "runtime"; "client"; "max_instances" ] g with
                | Some(Value.Int i) -> int i
                | _ -> 30
            ClientTotalInstances = clientTotal
            EnableInflux = clientTotal > 0
            PostgresHost = $"gordo-postgres-%s{options.ProjectName}"
            MaxServerReplicas = options.NServers |> Option.defaultValue (10 * project.Machines.Length)
            ServerTargetCpuUtilizationPercentage = options.ServerTargetCpuUtilizationPercentage
            ServerTerminationGracePeriod = options.ServerTerminationGracePeriod
            GordoServerWorkers = defaultArg options.GordoServerWorkers 0
            GordoServerThreads = defaultArg options.GordoServerThreads 0
            GordoServerProbeTimeout = options.GordoServerProbeTimeout
            GordoServerReadinessInitialDelay = options.GordoServerReadinessInitialDelay
            GordoServerLivenessInitialDelay = options.GordoServerLivenessInitialDelay
            WithoutPrometheus = options.WithoutPrometheus
            PrometheusMetricsServerWorkers = options.PrometheusMetricsServerWorkers
            WithKeda = options.WithKeda
            MlServerHpaType = hpaName options.MlServerHpaType
            ServerApiKeySecret = defaultArg options.ServerApiKeySecret ""
            PrometheusServerAddress = defaultArg options.PrometheusServerAddress ""
            KedaPrometheusMetricName = options.KedaPrometheusMetricName
            KedaPrometheusQuery = options.KedaPrometheusQuery
            KedaPrometheusThreshold = options.KedaPrometheusThreshold
            Machines = []
            GordoModelsJson = "[]"
            ExpectedModelsJson = namesJson (project.Machines |> List.map (fun m -> m.Name))
        }

    /// One context per chunk of `--split-workflows` machines.
    let chunks
        (options: WorkflowOptions)
        (baseline: WorkflowContext)
        (entries: MachineEntry list)
        : WorkflowContext list =
        entries
        |> List.chunkBySize options.SplitWorkflows
        |> List.mapi (fun i chunk -> {
            baseline with
                ProjectWorkflow = string i
                Machines = chunk
                GordoModelsJson = namesJson (chunk |> List.map (fun m -> m.Name))
        })
