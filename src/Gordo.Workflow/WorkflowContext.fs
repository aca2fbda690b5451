namespace Gordo.Workflow

open Gordo.Core

/// Requests and limits of a container: memory in megabytes (rendered `<n>M`), cpu in millicores (`<n>m`).
type internal ResourceSpec = {
    /// Requested memory, MB.
    RequestsMemory: int64
    /// Requested cpu, millicores.
    RequestsCpu: int64
    /// Memory limit, MB.
    LimitsMemory: int64
    /// Cpu limit, millicores.
    LimitsCpu: int64
}

/// A Kubernetes label.
type internal Label = {
    /// Label key.
    Key: string
    /// Label value.
    Value: string
}

/// One machine of the workflow being rendered.
type internal MachineEntry = {
    /// Machine name (DAG task suffix, model name).
    Name: string
    /// The machine in Gordo's wire format (spec §1.9), compact JSON on one line: the builder's
    /// `MACHINE` and the Model CR's `spec.config`.
    MachineJson: string
    /// Whether this machine gets a prediction-client task (`runtime.influx.enable`).
    InfluxEnabled: bool
    /// `train_start_date` as Python's `str(datetime)` writes it (`2016-11-07 09:11:30+01:00`).
    TrainStartDate: string
    /// The dataset's data provider as compact JSON (the client's `DATA_PROVIDER`).
    DataProviderJson: string
    /// This machine's builder pod resources (its own `runtime.builder.resources`).
    BuilderResources: ResourceSpec
}

/// Everything a workflow template can use (one value per rendered Workflow, i.e. per chunk of
/// `--split-workflows` machines). Templates see the fields in snake_case (`project_name`,
/// `machines[0].machine_json`, `server_resources.requests_memory`); templates/README.md
/// documents each one.
type internal WorkflowContext = {
    /// `--project-name`.
    ProjectName: string
    /// `--project-revision`.
    ProjectRevision: string
    /// Index of this Workflow among the split workflows ("0", "1", ...).
    ProjectWorkflow: string
    /// `--gordo-version` (docker tag of gordo images).
    GordoVersion: string
    /// `--docker-registry`.
    DockerRegistry: string
    /// `--docker-repository`.
    DockerRepository: string
    /// `<registry>/<repository>/` of every image of ours, empty parts left out.
    ImagePrefix: string
    /// imagePullPolicy of gordo containers; "" = not set.
    ImagePullPolicy: string
    /// Image name of utility script steps (`runtime.deployer.image`).
    DeployerImage: string
    /// Image name of the ML server (`runtime.server.image`).
    ServerImage: string
    /// Image name of the Prometheus metrics sidecar (`runtime.prometheus_metrics_server.image`).
    PrometheusMetricsServerImage: string
    /// Image name of model builders (`runtime.builder.image`).
    BuilderImage: string
    /// Image name of prediction clients (`runtime.client.image`).
    ClientImage: string
    /// GORDO_LOG_LEVEL of every pod (upper case).
    LogLevel: string
    /// Major Argo version (2: `ttlSecondsAfterFinished`; ≥ 3: `ttlStrategy`).
    ArgoVersion: int
    /// `--retry-backoff-duration`.
    RetryBackoffDuration: string
    /// `--retry-backoff-factor`.
    RetryBackoffFactor: int
    /// Owner references as a JSON list; "" = none.
    OwnerReferencesJson: string
    /// `--resources-labels`: labels on every resource.
    ResourceLabels: Label list
    /// Extra model-builder (and client) pod labels: `runtime.builder.metadata.labels`, then `--model-builder-labels`.
    BuilderLabels: Label list
    /// `--server-labels`: extra ML server pod labels.
    ServerLabels: Label list
    /// `--security-context` as JSON; "" = none.
    SecurityContextJson: string
    /// `--pod-security-context` as JSON; "" = none.
    PodSecurityContextJson: string
    /// `runtime.volumes`, each a JSON object.
    VolumesJson: string list
    /// Builder env vars (`runtime.builder.env`, `--custom-model-builder-envs`, MODEL_BUILDER_CLASS), each a JSON EnvVar.
    BuilderEnvJson: string list
    /// `runtime.builder.volumeMounts`, each a JSON VolumeMount.
    BuilderVolumeMountsJson: string list
    /// EXCEPTIONS_REPORT_LEVEL of builders.
    BuilderExceptionsReportLevel: string
    /// EXCEPTIONS_REPORTER_FILE and terminationMessagePath of builders; "" = none (level EXIT_CODE).
    BuilderExceptionsReportFile: string
    /// ML server resources.
    ServerResources: ResourceSpec
    /// Metrics sidecar resources.
    PrometheusMetricsServerResources: ResourceSpec
    /// Client resources.
    ClientResources: ResourceSpec
    /// Influx resources.
    InfluxResources: ResourceSpec
    /// `runtime.client.max_instances`.
    ClientMaxInstances: int
    /// Number of machines with a client task in the whole project.
    ClientTotalInstances: int
    /// Whether Influx, Grafana and Postgres are deployed.
    EnableInflux: bool
    /// Postgres service name (`gordo-postgres-<project>`).
    PostgresHost: string
    /// HPA max replicas (`--n-servers`, default 10 × machines).
    MaxServerReplicas: int
    /// `--server-target-cpu-utilization-percentage`.
    ServerTargetCpuUtilizationPercentage: int
    /// `--server-termination-grace-period`.
    ServerTerminationGracePeriod: int
    /// `--gordo-server-workers`; 0 = unset.
    GordoServerWorkers: int
    /// `--gordo-server-threads`; 0 = unset.
    GordoServerThreads: int
    /// `--gordo-server-probe-timeout`.
    GordoServerProbeTimeout: int
    /// `--gordo-server-readiness-initial-delay`.
    GordoServerReadinessInitialDelay: int
    /// `--gordo-server-liveness-initial-delay`.
    GordoServerLivenessInitialDelay: int
    /// `--without-prometheus`.
    WithoutPrometheus: bool
    /// `--prometheus-metrics-server-workers`.
    PrometheusMetricsServerWorkers: int
    /// `--with-keda`.
    WithKeda: bool
    /// `none`, `k8s_cpu` or `keda`.
    MlServerHpaType: string
    /// `--server-api-key-secret`; "" = none.
    ServerApiKeySecret: string
    /// `--prometheus-server-address`; "" = none.
    PrometheusServerAddress: string
    /// `--keda-prometheus-metric-name`.
    KedaPrometheusMetricName: string
    /// `--keda-prometheus-query`.
    KedaPrometheusQuery: string
    /// `--keda-prometheus-threshold`.
    KedaPrometheusThreshold: string
    /// The machines of this Workflow.
    Machines: MachineEntry list
    /// JSON list of this Workflow's machine names (annotation `gordo-models`).
    GordoModelsJson: string
    /// JSON list of every machine name of the project (server `EXPECTED_MODELS`).
    ExpectedModelsJson: string
}
