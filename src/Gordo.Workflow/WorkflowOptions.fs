namespace Gordo.Workflow

open Gordo.Core

open System.Text.Json.Nodes

/// How the ML server scales (`--ml-server-hpa-type`).
[<RequireQualifiedAccess>]
type HpaType =
    /// No autoscaler; existing HPAs (and ScaledObjects with `--with-keda`) are deleted.
    | None
    /// A Kubernetes CPU HorizontalPodAutoscaler (the default).
    | K8sCpu
    /// A KEDA ScaledObject driven by a Prometheus query (needs `--with-keda`).
    | Keda

/// Every option of `gordo workflow generate` (spec §7.1), resolved from arguments, the
/// `WORKFLOW_GENERATOR_*` environment variables and the defaults, and checked.
[<NoEquality; NoComparison>]
type WorkflowOptions = {
    /// `--machine-config`: path of the project config (required).
    MachineConfig: string
    /// `--workflow-template`: a user's Liquid template instead of the built-in one.
    WorkflowTemplate: string option
    /// `--owner-references`: owner references put on every created resource.
    OwnerReferences: JsonArray option
    /// `--gordo-version`: docker tag of every gordo image (`+` replaced by `_`).
    GordoVersion: string
    /// `--project-name` (required).
    ProjectName: string
    /// `--project-revision` (default: unix time in milliseconds).
    ProjectRevision: string
    /// `--output-file` (default: stdout).
    OutputFile: string option
    /// `--namespace` (default `kubeflow`; not used by the template, kept for compatibility).
    Namespace: string
    /// `--split-workflows`: machines per Workflow (≥ 1, default 30).
    SplitWorkflows: int
    /// `--n-servers`: HPA max replicas (default 10 × number of machines).
    NServers: int option
    /// `--docker-repository` (default `equinor`).
    DockerRepository: string
    /// `--docker-registry` (default `ghcr.io`).
    DockerRegistry: string
    /// `--retry-backoff-duration` (default `15s`).
    RetryBackoffDuration: string
    /// `--retry-backoff-factor` (default 2).
    RetryBackoffFactor: int
    /// `--gordo-server-workers` (env var omitted when unset).
    GordoServerWorkers: int option
    /// `--gordo-server-threads` (env var omitted when unset).
    GordoServerThreads: int option
    /// `--gordo-server-probe-timeout` in seconds (default 5).
    GordoServerProbeTimeout: int
    /// `--without-prometheus`.
    WithoutPrometheus: bool
    /// `--prometheus-metrics-server-workers` (default 1).
    PrometheusMetricsServerWorkers: int
    /// `--image-pull-policy` (default derived from the gordo version; none when it says nothing).
    ImagePullPolicy: string option
    /// `--with-keda`.
    WithKeda: bool
    /// `--ml-server-hpa-type`.
    MlServerHpaType: HpaType
    /// `--custom-model-builder-envs`: Kubernetes EnvVar objects added to builder pods.
    CustomModelBuilderEnvs: JsonArray
    /// `--server-api-key-secret`: the Secret (key `api-key`) of the ML server's API key.
    ServerApiKeySecret: string option
    /// `--prometheus-server-address` (required for KEDA).
    PrometheusServerAddress: string option
    /// `--keda-prometheus-metric-name`.
    KedaPrometheusMetricName: string
    /// `--keda-prometheus-query` (default: the request rate of this project's prediction routes).
    KedaPrometheusQuery: string
    /// `--keda-prometheus-threshold` (default `1.0`).
    KedaPrometheusThreshold: string
    /// `--resources-labels` (env `WORKFLOW_GENERATOR_RESOURCE_LABELS`): labels on every resource.
    ResourceLabels: (string * string) list
    /// `--model-builder-labels`: extra labels on model-builder pods.
    ModelBuilderLabels: (string * string) list
    /// `--server-labels`: extra labels on the server Deployment's pods.
    ServerLabels: (string * string) list
    /// `--server-termination-grace-period` seconds (default 60).
    ServerTerminationGracePeriod: int
    /// `--server-target-cpu-utilization-percentage` (default 50).
    ServerTargetCpuUtilizationPercentage: int
    /// `--gordo-server-readiness-initial-delay` seconds (default 5).
    GordoServerReadinessInitialDelay: int
    /// `--gordo-server-liveness-initial-delay` seconds (default 600).
    GordoServerLivenessInitialDelay: int
    /// `--security-context`: container SecurityContext of gordo pods.
    SecurityContext: JsonObject option
    /// `--pod-security-context`: PodSecurityContext of the Workflow's pods.
    PodSecurityContext: JsonObject option
    /// `--default-data-provider`: provider `type` for datasets that name none.
    DefaultDataProvider: string option
    /// `--model-builder-class` (env `MODEL_BUILDER_CLASS`).
    ModelBuilderClass: string option
    /// `--argo-version`: major version of the Argo installation (default 3; 2 uses `ttlSecondsAfterFinished`).
    ArgoVersion: int
    /// `--argo-binary`: accepted for compatibility (must match `^argo\d*$`); never run.
    ArgoBinary: string
    /// The log level given to the root command (`gordo --log-level`), if any.
    LogLevel: string option
    /// Validate every generated document against the embedded schemas (`--no-validate` turns it off).
    Validate: bool
}

/// A usage error in the options (exit code 2, nothing written).
[<RequireQualifiedAccess>]
type WorkflowOptionError =
    /// A required option has no value from the command line or the environment.
    | Missing of option: string * environment: string
    /// An option's value is unusable.
    | Invalid of option: string * value: string * reason: string
    /// Options that do not go together.
    | Conflict of message: string

    /// The message printed to the user.
    member this.Message: string =
        match this with
        | Missing(option, env) -> $"Missing option '--%s{option}' (or environment variable %s{env})."
        | Invalid(option, value, reason) -> $"Invalid value for '--%s{option}': \"%s{value}\": %s{reason}"
        | Conflict message -> message

/// One option of `gordo workflow generate`: its name, environment variable, default and help.
type WorkflowOptionSpec = {
    /// Long name without the leading `--`.
    Name: string
    /// Environment variable read when the option is not given.
    Environment: string option
    /// Default value (as text) when neither is given.
    Default: string option
    /// A switch (takes no value).
    IsFlag: bool
    /// One-line help.
    Help: string
}
