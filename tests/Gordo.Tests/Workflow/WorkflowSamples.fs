module internal Gordo.Tests.Workflow.WorkflowSamples

open Gordo.Workflow

let resources (rm: int64) (rc: int64) (lm: int64) (lc: int64) : ResourceSpec = {
    RequestsMemory = rm
    RequestsCpu = rc
    LimitsMemory = lm
    LimitsCpu = lc
}

let machine (name: string) : MachineEntry = {
    Name = name
    MachineJson =
        $"""{{"name": "%s{name}", "dataset": "{{\"tag_list\": [\"CT/1\", \"CT\\\"2\"]}}", "model": "{{}}", "metadata": "{{}}", "runtime": "{{}}", "project_name": "proj", "evaluation": "{{}}"}}"""
    InfluxEnabled = true
    TrainStartDate = "2016-11-07 09:11:30+01:00"
    DataProviderJson = """{"type": "gordo_core.data_providers.providers.RandomDataProvider"}"""
    BuilderResources = resources 3900L 1001L 31200L 1001L
}

/// A context as the generator builds it for a two-machine project with Influx on.
let context: WorkflowContext = {
    ProjectName = "proj"
    ProjectRevision = "1700000000000"
    ProjectWorkflow = "0"
    GordoVersion = "0.1.0"
    DockerRegistry = "ghcr.io"
    DockerRepository = "equinor"
    ImagePrefix = "ghcr.io/equinor/"
    ImagePullPolicy = "IfNotPresent"
    DeployerImage = "gordo-base"
    ServerImage = "gordo-base"
    PrometheusMetricsServerImage = "gordo-base"
    BuilderImage = "gordo-base"
    ClientImage = "gordo-base"
    LogLevel = "INFO"
    ArgoVersion = 3
    RetryBackoffDuration = "15s"
    RetryBackoffFactor = 2
    OwnerReferencesJson = ""
    ResourceLabels = []
    BuilderLabels = []
    ServerLabels = []
    SecurityContextJson = ""
    PodSecurityContextJson = ""
    VolumesJson = []
    BuilderEnvJson = []
    BuilderVolumeMountsJson = []
    BuilderExceptionsReportLevel = "TRACEBACK"
    BuilderExceptionsReportFile = "/tmp/exception.json"
    ServerResources = resources 3000L 1000L 6000L 2000L
    PrometheusMetricsServerResources = resources 200L 100L 1000L 200L
    ClientResources = resources 3500L 100L 4000L 2000L
    InfluxResources = resources 3440L 520L 3440L 10040L
    ClientMaxInstances = 30
    ClientTotalInstances = 2
    EnableInflux = true
    PostgresHost = "gordo-postgres-proj"
    MaxServerReplicas = 20
    ServerTargetCpuUtilizationPercentage = 50
    ServerTerminationGracePeriod = 60
    GordoServerWorkers = 0
    GordoServerThreads = 0
    GordoServerProbeTimeout = 5
    GordoServerReadinessInitialDelay = 5
    GordoServerLivenessInitialDelay = 600
    WithoutPrometheus = false
    PrometheusMetricsServerWorkers = 1
    WithKeda = false
    MlServerHpaType = "k8s_cpu"
    ServerApiKeySecret = ""
    PrometheusServerAddress = ""
    KedaPrometheusMetricName = "gordo_server_request_duration_seconds_count"
    KedaPrometheusQuery = "sum(rate(x{project=~\"proj\"}[30s]))"
    KedaPrometheusThreshold = "1.0"
    Machines = [ machine "m-1"; machine "m-2" ]
    GordoModelsJson = """["m-1","m-2"]"""
    ExpectedModelsJson = """["m-1","m-2"]"""
}
