using System.Globalization;
using System.Text.Json;
using Microsoft.FSharp.Core;
using Wf = Gordo.Workflow;

namespace Gordo.Interop;

/// <summary>How the ML server scales (<c>--ml-server-hpa-type</c>).</summary>
public enum GordoServerScaling
{
    /// <summary>A Kubernetes CPU HorizontalPodAutoscaler (Gordo's default).</summary>
    KubernetesCpu,

    /// <summary>No autoscaler; existing ones (and KEDA ScaledObjects with <see cref="WorkflowGenerateOptions.WithKeda"/>) are deleted.</summary>
    None,

    /// <summary>A KEDA ScaledObject driven by a Prometheus query (needs <see cref="WorkflowGenerateOptions.WithKeda"/> and <see cref="WorkflowGenerateOptions.PrometheusServerAddress"/>).</summary>
    Keda,
}

/// <summary>
/// Options of <see cref="GordoWorkflow.Generate"/>: the options of <c>gordo workflow generate</c>
/// (spec §7.1) as typed properties; an unset (null) property takes the command's default.
/// Environment variables are not read.
/// </summary>
public sealed class WorkflowGenerateOptions
{
    /// <summary>Path of the project config (<c>--machine-config</c>).</summary>
    public required string MachineConfig { get; init; }

    /// <summary>Project name, a lower-case DNS label (<c>--project-name</c>).</summary>
    public required string ProjectName { get; init; }

    /// <summary>Project revision (<c>--project-revision</c>); default: the current unix time in milliseconds.</summary>
    public string? ProjectRevision { get; init; }

    /// <summary>Docker tag of the gordo images (<c>--gordo-version</c>); default: this library's version.</summary>
    public string? GordoVersion { get; init; }

    /// <summary>Machines per Workflow (<c>--split-workflows</c>); default 30.</summary>
    public int? SplitWorkflows { get; init; }

    /// <summary>Validate every generated document against the embedded schemas (default true; <c>--no-validate</c>).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>A Liquid template file to render instead of the built-in one (<c>--workflow-template</c>).</summary>
    public string? WorkflowTemplate { get; init; }

    /// <summary>Owner references put on every resource: a JSON or YAML list of objects with uid, name, kind, apiVersion (<c>--owner-references</c>).</summary>
    public string? OwnerReferencesJson { get; init; }

    /// <summary>Namespace (<c>--namespace</c>, default <c>kubeflow</c>; kept for compatibility, unused).</summary>
    public string? Namespace { get; init; }

    /// <summary>Maximum number of ML server replicas (<c>--n-servers</c>); default 10 × the number of machines.</summary>
    public int? MaxServers { get; init; }

    /// <summary>Docker repository of the gordo images (<c>--docker-repository</c>); default none.</summary>
    public string? DockerRepository { get; init; }

    /// <summary>Docker registry of the gordo images (<c>--docker-registry</c>); default <c>localhost</c>.</summary>
    public string? DockerRegistry { get; init; }

    /// <summary>The first retry delay of workflow steps (<c>--retry-backoff-duration</c>); default 15 s.</summary>
    public TimeSpan? RetryBackoffDuration { get; init; }

    /// <summary>The factor of each further retry delay (<c>--retry-backoff-factor</c>); default 2.</summary>
    public int? RetryBackoffFactor { get; init; }

    /// <summary>Worker processes of the ML server, 1 to 4 (<c>--gordo-server-workers</c>).</summary>
    public int? ServerWorkers { get; init; }

    /// <summary>Threads per worker of the ML server (<c>--gordo-server-threads</c>).</summary>
    public int? ServerThreads { get; init; }

    /// <summary>Timeout of the ML server probes, whole seconds (<c>--gordo-server-probe-timeout</c>); default 5 s.</summary>
    public TimeSpan? ServerProbeTimeout { get; init; }

    /// <summary>Do not serve <c>/metrics</c> and deploy no ServiceMonitor (<c>--without-prometheus</c>).</summary>
    public bool WithoutPrometheus { get; init; }

    /// <summary>Accepted for compatibility, unused (<c>--prometheus-metrics-server-workers</c>).</summary>
    public int? PrometheusMetricsServerWorkers { get; init; }

    /// <summary>imagePullPolicy of gordo containers (<c>--image-pull-policy</c>); default derived from the gordo version.</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>KEDA is installed: allows <see cref="GordoServerScaling.Keda"/> and cleans up ScaledObjects (<c>--with-keda</c>).</summary>
    public bool WithKeda { get; init; }

    /// <summary>How the ML server scales (<c>--ml-server-hpa-type</c>); default <see cref="GordoServerScaling.KubernetesCpu"/>.</summary>
    public GordoServerScaling? ServerScaling { get; init; }

    /// <summary>Kubernetes EnvVar objects added to model builders, as a JSON list (<c>--custom-model-builder-envs</c>).</summary>
    public string? CustomModelBuilderEnvsJson { get; init; }

    /// <summary>The Secret whose key <c>api-key</c> is the ML server's API key (<c>--server-api-key-secret</c>).</summary>
    public string? ServerApiKeySecret { get; init; }

    /// <summary>
    /// The log level of the workflow's steps, as the root command's <c>gordo --log-level</c> gives it
    /// (default: the config's <c>globals.runtime.log_level</c>, else <c>GORDO_LOG_LEVEL</c>, else <c>INFO</c>).
    /// </summary>
    public string? LogLevel { get; init; }

    /// <summary>Prometheus address for the KEDA trigger (<c>--prometheus-server-address</c>; required for KEDA).</summary>
    public string? PrometheusServerAddress { get; init; }

    /// <summary>KEDA metric name (<c>--keda-prometheus-metric-name</c>).</summary>
    public string? KedaPrometheusMetricName { get; init; }

    /// <summary>KEDA Prometheus query (<c>--keda-prometheus-query</c>); default the request rate of the project's prediction routes.</summary>
    public string? KedaPrometheusQuery { get; init; }

    /// <summary>KEDA threshold (<c>--keda-prometheus-threshold</c>); default 1.0.</summary>
    public double? KedaPrometheusThreshold { get; init; }

    /// <summary>Labels put on every resource (<c>--resources-labels</c>).</summary>
    public IDictionary<string, string> ResourceLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra labels on model-builder pods (<c>--model-builder-labels</c>).</summary>
    public IDictionary<string, string> ModelBuilderLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra labels on the ML server's pods (<c>--server-labels</c>).</summary>
    public IDictionary<string, string> ServerLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>terminationGracePeriodSeconds of the ML server, whole seconds (<c>--server-termination-grace-period</c>); default 60 s.</summary>
    public TimeSpan? ServerTerminationGracePeriod { get; init; }

    /// <summary>Target CPU percentage of the ML server's autoscaler, 1 to 100 (<c>--server-target-cpu-utilization-percentage</c>); default 50.</summary>
    public int? ServerTargetCpuUtilizationPercentage { get; init; }

    /// <summary>initialDelaySeconds of the ML server's readiness probe, whole seconds (<c>--gordo-server-readiness-initial-delay</c>); default 5 s.</summary>
    public TimeSpan? ServerReadinessInitialDelay { get; init; }

    /// <summary>initialDelaySeconds of the ML server's liveness probe, whole seconds (<c>--gordo-server-liveness-initial-delay</c>); default 600 s.</summary>
    public TimeSpan? ServerLivenessInitialDelay { get; init; }

    /// <summary>Kubernetes SecurityContext of gordo containers, as JSON (<c>--security-context</c>).</summary>
    public string? SecurityContextJson { get; init; }

    /// <summary>Kubernetes PodSecurityContext of the workflow's pods, as JSON (<c>--pod-security-context</c>).</summary>
    public string? PodSecurityContextJson { get; init; }

    /// <summary>Data provider type for datasets that name none (<c>--default-data-provider</c>).</summary>
    public string? DefaultDataProvider { get; init; }

    /// <summary>ModelBuilder class for the builders (<c>--model-builder-class</c>).</summary>
    public string? ModelBuilderClass { get; init; }

    /// <summary>Major version of the Argo installation (<c>--argo-version</c>); default 3 (2 uses ttlSecondsAfterFinished).</summary>
    public int? ArgoVersion { get; init; }
}

/// <summary>The outcome of <see cref="GordoWorkflow.Generate"/>.</summary>
public enum WorkflowGenerationStatus
{
    /// <summary>The workflows were generated (and validated).</summary>
    Succeeded,

    /// <summary>An option is invalid or options conflict (<c>gordo workflow generate</c> exits with 2); diagnostic code <c>GORDOWF01</c>.</summary>
    InvalidOptions,

    /// <summary>The config has errors (exit code 1); the config's own diagnostics.</summary>
    InvalidConfig,

    /// <summary>The template failed to parse or render (exit code 1); diagnostic code <c>GORDOWF02</c>.</summary>
    TemplateError,

    /// <summary>A generated document failed the schema validation (exit code 1); diagnostic code <c>GORDOWF03</c>.</summary>
    SchemaError,
}

/// <summary>The outcome of <see cref="GordoWorkflow.Generate"/>: the YAML or what went wrong, as diagnostics.</summary>
public sealed class WorkflowGenerationResult
{
    internal WorkflowGenerationResult(WorkflowGenerationStatus status, string? yaml, IReadOnlyList<string> documents, IReadOnlyList<Diagnostic> diagnostics)
    {
        Status = status;
        Yaml = yaml;
        Documents = documents;
        Diagnostics = diagnostics;
    }

    /// <summary>What happened.</summary>
    public WorkflowGenerationStatus Status { get; }

    /// <summary>True when the workflows were generated (and validated).</summary>
    public bool Succeeded => Status == WorkflowGenerationStatus.Succeeded;

    /// <summary>The whole output (Workflows separated by lines <c>---</c>); null on failure.</summary>
    public string? Yaml { get; }

    /// <summary>One YAML document per Workflow.</summary>
    public IReadOnlyList<string> Documents { get; }

    /// <summary>
    /// Every problem: the config's diagnostics (errors and warnings, with file, line and path) and
    /// the option, template and schema errors (codes <c>GORDOWF01</c> to <c>GORDOWF03</c>, file: the config or template).
    /// </summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The errors among <see cref="Diagnostics"/>; empty on success.</summary>
    public IReadOnlyList<Diagnostic> Errors => Diagnostics.Where(d => d.IsError).ToList();

    /// <summary>The warnings among <see cref="Diagnostics"/> (e.g. the config's).</summary>
    public IReadOnlyList<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError).ToList();
}

/// <summary>The workflow compiler: a Gordo config into Argo Workflows (<c>gordo workflow generate</c>).</summary>
public static class GordoWorkflow
{
    /// <summary>Generates the Argo Workflow YAML of a config (synchronously: it reads the config and renders in memory).</summary>
    /// <param name="options">The config, the project and the options of <c>gordo workflow generate</c>.</param>
    /// <returns>The YAML, or the diagnostics of what is wrong (nothing is thrown for bad options or configs).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static WorkflowGenerationResult Generate(WorkflowGenerateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arguments = WorkflowArguments.Of(options, out var problems);
        if (problems.Count > 0)
            return Failed(WorkflowGenerationStatus.InvalidOptions, problems.Select(p => Problem("GORDOWF01", options.MachineConfig, p)));
        var noEnvironment = FSharpFunc<string, FSharpOption<string>>.FromConverter(_ => FSharpOption<string>.None);
        var version = typeof(GordoWorkflow).Assembly.GetName().Version ?? new Version(0, 0, 0);
        var sources = new Wf.WorkflowOptionSources(
            arguments, noEnvironment, DateTimeOffset.UtcNow, $"{version.Major}.{version.Minor}.{version.Build}",
            options.LogLevel is null ? null : FSharpOption<string>.Some(options.LogLevel));
        var parsed = Wf.WorkflowOptionsModule.parse(sources);
        if (parsed.IsError)
            return Failed(WorkflowGenerationStatus.InvalidOptions, parsed.ErrorValue.Select(e => Problem("GORDOWF01", options.MachineConfig, e.Message)));
        var generated = Wf.WorkflowGenerator.generate(parsed.ResultValue, noEnvironment);
        if (generated.IsError)
            return Failure(generated.ErrorValue, options);
        var ok = generated.ResultValue;
        return new WorkflowGenerationResult(WorkflowGenerationStatus.Succeeded, ok.Text, ok.Documents.ToList(),
            ok.Warnings.Select(Boundary.Diagnostic).ToList());
    }

    private static WorkflowGenerationResult Failure(Wf.GenerateError error, WorkflowGenerateOptions options) => error switch
    {
        Wf.GenerateError.Config config => Failed(WorkflowGenerationStatus.InvalidConfig, config.diagnostics.Select(Boundary.Diagnostic)),
        Wf.GenerateError.Usage usage => Failed(WorkflowGenerationStatus.InvalidOptions, usage.messages.Select(m => Problem("GORDOWF01", options.MachineConfig, m))),
        Wf.GenerateError.Template => Failed(WorkflowGenerationStatus.TemplateError,
            error.Messages.Select(m => Problem("GORDOWF02", options.WorkflowTemplate ?? "built-in template", m))),
        _ => Failed(WorkflowGenerationStatus.SchemaError, error.Messages.Select(m => Problem("GORDOWF03", options.MachineConfig, m))),
    };

    private static WorkflowGenerationResult Failed(WorkflowGenerationStatus status, IEnumerable<Diagnostic> diagnostics) =>
        new(status, null, [], diagnostics.ToList());

    private static Diagnostic Problem(string code, string file, string message) =>
        new(code, DiagnosticSeverity.Error, message, null, file, 0, 0, "", $"{file}: error {code}: {message}");
}

/// <summary>The typed options as the option table's long names and texts (what the parser reads).</summary>
internal static class WorkflowArguments
{
    /// <summary>Every option name a typed property sets; the rest of the table (output file, argo binary) does not apply to a library.</summary>
    internal static readonly IReadOnlyList<string> Covered =
    [
        "machine-config", "project-name", "project-revision", "gordo-version", "split-workflows", "no-validate",
        "workflow-template", "owner-references", "namespace", "n-servers", "docker-repository", "docker-registry",
        "retry-backoff-duration", "retry-backoff-factor", "gordo-server-workers", "gordo-server-threads",
        "gordo-server-probe-timeout", "without-prometheus", "prometheus-metrics-server-workers", "image-pull-policy",
        "with-keda", "ml-server-hpa-type", "custom-model-builder-envs", "server-api-key-secret",
        "prometheus-server-address", "keda-prometheus-metric-name", "keda-prometheus-query", "keda-prometheus-threshold",
        "resources-labels", "model-builder-labels", "server-labels", "server-termination-grace-period",
        "server-target-cpu-utilization-percentage", "gordo-server-readiness-initial-delay",
        "gordo-server-liveness-initial-delay", "security-context", "pod-security-context", "default-data-provider",
        "model-builder-class", "argo-version",
    ];

    /// <summary>The levels of <c>gordo --log-level</c> (Python logging's names).</summary>
    private static readonly string[] LogLevels = ["debug", "info", "warning", "error", "critical"];

    public static Dictionary<string, string> Of(WorkflowGenerateOptions o, out List<string> problems)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = new List<string>();
        void Set(string name, string? value)
        {
            if (value is not null) args[name] = value;
        }
        void Number(string name, long? value) => Set(name, value?.ToString(CultureInfo.InvariantCulture));
        void Switch(string name, bool value) => Set(name, value ? "true" : null);
        void Seconds(string name, string property, TimeSpan? value)
        {
            if (value is not TimeSpan span) return;
            if (span.Ticks % TimeSpan.TicksPerSecond != 0 || span < TimeSpan.Zero)
                found.Add($"{property} must be a whole number of seconds (not negative), got {span}");
            else
                Number(name, span.Ticks / TimeSpan.TicksPerSecond);
        }
        void Labels(string name, IDictionary<string, string> labels) =>
            Set(name, labels.Count == 0 ? null : JsonSerializer.Serialize(labels));

        if (o.LogLevel is not null && !LogLevels.Contains(o.LogLevel.Trim(), StringComparer.OrdinalIgnoreCase))
            found.Add($"LogLevel must be one of {string.Join(", ", LogLevels)}, got '{o.LogLevel}'");
        Set("machine-config", o.MachineConfig);
        Set("project-name", o.ProjectName);
        Set("project-revision", o.ProjectRevision);
        Set("gordo-version", o.GordoVersion);
        Number("split-workflows", o.SplitWorkflows);
        Switch("no-validate", !o.Validate);
        Set("workflow-template", o.WorkflowTemplate);
        Set("owner-references", o.OwnerReferencesJson);
        Set("namespace", o.Namespace);
        Number("n-servers", o.MaxServers);
        Set("docker-repository", o.DockerRepository);
        Set("docker-registry", o.DockerRegistry);
        Set("retry-backoff-duration", o.RetryBackoffDuration is TimeSpan backoff ? Duration(backoff) : null);
        Number("retry-backoff-factor", o.RetryBackoffFactor);
        Number("gordo-server-workers", o.ServerWorkers);
        Number("gordo-server-threads", o.ServerThreads);
        Seconds("gordo-server-probe-timeout", nameof(o.ServerProbeTimeout), o.ServerProbeTimeout);
        Switch("without-prometheus", o.WithoutPrometheus);
        Number("prometheus-metrics-server-workers", o.PrometheusMetricsServerWorkers);
        Set("image-pull-policy", o.ImagePullPolicy);
        Switch("with-keda", o.WithKeda);
        Set("ml-server-hpa-type", o.ServerScaling switch
        {
            null => null,
            GordoServerScaling.None => "none",
            GordoServerScaling.Keda => "keda",
            _ => "k8s_cpu",
        });
        Set("custom-model-builder-envs", o.CustomModelBuilderEnvsJson);
        Set("server-api-key-secret", o.ServerApiKeySecret);
        Set("prometheus-server-address", o.PrometheusServerAddress);
        Set("keda-prometheus-metric-name", o.KedaPrometheusMetricName);
        Set("keda-prometheus-query", o.KedaPrometheusQuery);
        Set("keda-prometheus-threshold", o.KedaPrometheusThreshold?.ToString("R", CultureInfo.InvariantCulture));
        Labels("resources-labels", o.ResourceLabels);
        Labels("model-builder-labels", o.ModelBuilderLabels);
        Labels("server-labels", o.ServerLabels);
        Seconds("server-termination-grace-period", nameof(o.ServerTerminationGracePeriod), o.ServerTerminationGracePeriod);
        Number("server-target-cpu-utilization-percentage", o.ServerTargetCpuUtilizationPercentage);
        Seconds("gordo-server-readiness-initial-delay", nameof(o.ServerReadinessInitialDelay), o.ServerReadinessInitialDelay);
        Seconds("gordo-server-liveness-initial-delay", nameof(o.ServerLivenessInitialDelay), o.ServerLivenessInitialDelay);
        Set("security-context", o.SecurityContextJson);
        Set("pod-security-context", o.PodSecurityContextJson);
        Set("default-data-provider", o.DefaultDataProvider);
        Set("model-builder-class", o.ModelBuilderClass);
        Number("argo-version", o.ArgoVersion);
        problems = found;
        return args;
    }

    /// <summary>An Argo duration: whole seconds as <c>30s</c>, else milliseconds.</summary>
    private static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{span.Ticks / TimeSpan.TicksPerSecond}s"
            : $"{(long)span.TotalMilliseconds}ms";
}
