namespace Gordo.Workflow

open Gordo.Core

/// The table of `gordo workflow generate` options (spec §7.1): the single source of the names,
/// environment variables, defaults and help texts that the CLI and the parser use.
[<RequireQualifiedAccess>]
module WorkflowOptionSpecs =

    /// Environment variable prefix of the options.
    [<Literal>]
    let Prefix = "WORKFLOW_GENERATOR_"

    let private env (name: string) =
        Some(Prefix + name.ToUpperInvariant().Replace('-', '_'))

    let private opt name dflt help = {
        Name = name
        Environment = env name
        Default = dflt
        IsFlag = false
        Help = help
    }

    let private flag name help = {
        Name = name
        Environment = env name
        Default = Some "false"
        IsFlag = true
        Help = help
    }

    /// The default KEDA query; `{project}` is replaced by the project name.
    [<Literal>]
    let DefaultKedaQuery =
        "sum(rate(gordo_server_request_duration_seconds_count{project=~\"{project}\",path=~\".*prediction\"}[30s]))"

    /// Every option, in the order of spec §7.1.
    let all: WorkflowOptionSpec list = [
        opt "machine-config" None "Machine configuration file (required)."
        {
            opt "workflow-template" None "Liquid template to render instead of the built-in one." with
                Environment = None
        }
        opt
            "owner-references"
            None
            "Owner references (YAML/JSON list with uid, name, kind, apiVersion) for every resource."
        opt "gordo-version" None "Docker tag of the gordo images (default: this tool's version)."
        opt "project-name" None "Name of the project that owns the workflow (required)."
        opt "project-revision" None "Revision of the project (default: unix time in milliseconds)."
        opt "output-file" None "File to write the workflow(s) to (default: stdout)."
        opt "namespace" (Some "kubeflow") "Namespace (kept for compatibility; unused)."
        opt "split-workflows" (Some "30") "Machines per workflow; several workflows are separated by '---'."
        opt "n-servers" None "Maximum number of ML servers (default: 10 x number of machines)."
        opt "docker-repository" (Some "") "Docker repository of the gordo images (default: none)."
        opt
            "docker-registry"
            (Some "localhost")
            "Docker registry of the gordo images (localhost: podman's name of a local image)."
        opt "retry-backoff-duration" (Some "15s") "retryStrategy.backoff.duration of workflow steps."
        opt "retry-backoff-factor" (Some "2") "retryStrategy.backoff.factor of workflow steps."
        opt "gordo-server-workers" None "Worker processes of the ML server."
        opt "gordo-server-threads" None "Threads per worker of the ML server."
        opt "gordo-server-probe-timeout" None "Timeout in seconds of the ML server probes (default 5)."
        flag "without-prometheus" "Do not serve /metrics (ENABLE_PROMETHEUS=false) and deploy no ServiceMonitor."
        opt
            "prometheus-metrics-server-workers"
            (Some "1")
            "Accepted for compatibility; unused (the server serves /metrics itself)."
        opt "image-pull-policy" None "imagePullPolicy of gordo containers (default: derived from --gordo-version)."
        flag "with-keda" "KEDA is installed: allow --ml-server-hpa-type keda and clean up ScaledObjects."
        opt "ml-server-hpa-type" (Some "k8s_cpu") "ML server autoscaling: none, k8s_cpu or keda."
        opt "custom-model-builder-envs" None "JSON list of Kubernetes EnvVar added to model builders."
        opt
            "server-api-key-secret"
            None
            "Kubernetes Secret whose key api-key is the ML server's API key: the server requires it (metrics stay open), the client sends it."
        opt "prometheus-server-address" None "Prometheus address for the KEDA trigger (required for keda)."
        opt "keda-prometheus-metric-name" (Some "gordo_server_request_duration_seconds_count") "KEDA metric name."
        opt
            "keda-prometheus-query"
            None
            "KEDA Prometheus query (default: request rate of the project's prediction routes)."
        opt "keda-prometheus-threshold" (Some "1.0") "KEDA threshold."
        {
            opt "resources-labels" (Some "") "JSON object of labels put on every resource." with
                Environment = Some(Prefix + "RESOURCE_LABELS")
        }
        opt "model-builder-labels" (Some "") "JSON object of extra labels on model-builder pods."
        opt "server-labels" (Some "") "JSON object of extra labels on ML server pods."
        opt "server-termination-grace-period" (Some "60") "terminationGracePeriodSeconds of the ML server."
        opt "server-target-cpu-utilization-percentage" (Some "50") "Target CPU % of the ML server HPA."
        opt "gordo-server-readiness-initial-delay" (Some "5") "initialDelaySeconds of the ML server readiness probe."
        opt "gordo-server-liveness-initial-delay" (Some "600") "initialDelaySeconds of the ML server liveness probe."
        opt "security-context" None "JSON Kubernetes SecurityContext of gordo containers."
        opt "pod-security-context" None "JSON Kubernetes PodSecurityContext of the workflow's pods."
        opt "default-data-provider" None "Data provider type for datasets that name none."
        {
            opt "model-builder-class" None "ModelBuilder class for the builders." with
                Environment = Some "MODEL_BUILDER_CLASS"
        }
        opt "argo-version" (Some "3") "Major version of the Argo installation (2 uses ttlSecondsAfterFinished)."
        {
            opt "argo-binary" (Some "argo") "Accepted for compatibility (must match ^argo\\d*$); never run." with
                Environment = None
        }
        {
            flag "no-validate" "Skip the offline schema validation of the generated documents." with
                Environment = None
        }
    ]

    /// The spec of the named option.
    let find (name: string) : WorkflowOptionSpec =
        match all |> List.tryFind (fun s -> s.Name = name) with
        | Some spec -> spec
        | None -> invalidArg (nameof name) $"unknown workflow option '%s{name}'"
