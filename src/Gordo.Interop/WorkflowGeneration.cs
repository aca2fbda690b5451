using Microsoft.FSharp.Core;
using Wf = Gordo.Workflow;

namespace Gordo.Interop;

/// <summary>Options of <see cref="GordoWorkflow.GenerateAsync"/>: the options of <c>gordo workflow generate</c>.</summary>
public sealed class WorkflowGenerateOptions
{
    /// <summary>Path of the project config (<c>--machine-config</c>).</summary>
    public required string MachineConfig { get; init; }

    /// <summary>Project name (<c>--project-name</c>).</summary>
    public required string ProjectName { get; init; }

    /// <summary>Project revision (<c>--project-revision</c>); default: the current unix time in milliseconds.</summary>
    public string? ProjectRevision { get; init; }

    /// <summary>Docker tag of the gordo images (<c>--gordo-version</c>); default: this library's version.</summary>
    public string? GordoVersion { get; init; }

    /// <summary>Machines per Workflow (<c>--split-workflows</c>); default 30.</summary>
    public int? SplitWorkflows { get; init; }

    /// <summary>Validate every generated document against the embedded schemas (default true).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>
    /// Any other option of <c>gordo workflow generate</c> by its long name without <c>--</c>
    /// (e.g. <c>["ml-server-hpa-type"] = "none"</c>; switches take <c>"true"</c>).
    /// Environment variables are not read. A key that names no option is an error of the result.
    /// </summary>
    public IDictionary<string, string> Options { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The outcome of <see cref="GordoWorkflow.GenerateAsync"/>.</summary>
public sealed class WorkflowGenerationResult
{
    internal WorkflowGenerationResult(string? yaml, IReadOnlyList<string> documents, IReadOnlyList<string> errors, int exitCode)
    {
        Yaml = yaml;
        Documents = documents;
        Errors = errors;
        ExitCode = exitCode;
    }

    /// <summary>True when the workflows were generated (and validated).</summary>
    public bool Succeeded => Yaml is not null;

    /// <summary>The whole output (Workflows separated by lines <c>---</c>); null on failure.</summary>
    public string? Yaml { get; }

    /// <summary>One YAML document per Workflow.</summary>
    public IReadOnlyList<string> Documents { get; }

    /// <summary>Every problem (usage errors, config diagnostics, template or schema errors); empty on success.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The exit code <c>gordo workflow generate</c> would return: 0, 1 (config, template, schema) or 2 (usage).</summary>
    public int ExitCode { get; }
}

/// <summary>The workflow compiler: a Gordo config into Argo Workflows (<c>gordo workflow generate</c>).</summary>
public static class GordoWorkflow
{
    /// <summary>Generates the Argo Workflow YAML of a config.</summary>
    public static Task<WorkflowGenerationResult> GenerateAsync(
        WorkflowGenerateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.Run(() => Generate(options), cancellationToken);
    }

    private static Dictionary<string, string> Arguments(WorkflowGenerateOptions options)
    {
        var args = new Dictionary<string, string>(options.Options, StringComparer.Ordinal)
        {
            ["machine-config"] = options.MachineConfig,
            ["project-name"] = options.ProjectName,
        };
        if (options.ProjectRevision is not null) args["project-revision"] = options.ProjectRevision;
        if (options.GordoVersion is not null) args["gordo-version"] = options.GordoVersion;
        if (options.SplitWorkflows is int split) args["split-workflows"] = split.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!options.Validate) args["no-validate"] = "true";
        return args;
    }

    /// <summary>An error per key of <see cref="WorkflowGenerateOptions.Options"/> that names no option.</summary>
    private static List<string> UnknownOptions(WorkflowGenerateOptions options)
    {
        var known = Wf.WorkflowOptionSpecs.all.Select(spec => spec.Name).ToList();
        return options.Options.Keys
            .Where(key => !known.Contains(key, StringComparer.Ordinal))
            .Select(key => $"unknown workflow option '{key}' (options: {string.Join(", ", known)})")
            .ToList();
    }

    private static WorkflowGenerationResult Generate(WorkflowGenerateOptions options)
    {
        var noEnvironment = FSharpFunc<string, FSharpOption<string>>.FromConverter(_ => FSharpOption<string>.None);
        var version = typeof(GordoWorkflow).Assembly.GetName().Version ?? new Version(0, 0, 0);
        var sources = new Wf.WorkflowOptionSources(
            Arguments(options), noEnvironment, DateTimeOffset.UtcNow, $"{version.Major}.{version.Minor}.{version.Build}", null);
        var unknown = UnknownOptions(options);
        if (unknown.Count > 0)
            return new WorkflowGenerationResult(null, [], unknown, 2);
        var parsed = Wf.WorkflowOptionsModule.parse(sources);
        if (parsed.IsError)
            return new WorkflowGenerationResult(null, [], parsed.ErrorValue.Select(e => e.Message).ToList(), 2);
        var generated = Wf.WorkflowGenerator.generate(parsed.ResultValue, noEnvironment);
        if (generated.IsError)
            return new WorkflowGenerationResult(null, [], generated.ErrorValue.Messages.ToList(), generated.ErrorValue.ExitCode);
        var ok = generated.ResultValue;
        return new WorkflowGenerationResult(ok.Text, ok.Documents.ToList(), [], 0);
    }
}
