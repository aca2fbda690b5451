namespace Gordo.Interop;

/// <summary>The outcome of loading a config: every diagnostic and, when it has no errors, the normalized project.</summary>
public sealed class GordoConfigResult
{
    private readonly Lazy<string?> _yaml;
    private readonly Lazy<string?> _json;

    internal GordoConfigResult(
        string? projectName,
        IReadOnlyList<Machine> machines,
        IReadOnlyList<Diagnostic> diagnostics,
        Func<string?> yaml,
        Func<string?> json)
    {
        ProjectName = projectName;
        Machines = machines;
        Diagnostics = diagnostics;
        Errors = diagnostics.Where(d => d.IsError).ToList().AsReadOnly();
        Warnings = diagnostics.Where(d => !d.IsError).ToList().AsReadOnly();
        IsValid = Errors.Count == 0;
        _yaml = new Lazy<string?>(yaml);
        _json = new Lazy<string?>(json);
    }

    /// <summary>True when there are no errors (warnings allowed).</summary>
    public bool IsValid { get; }

    /// <summary>Every diagnostic (errors and warnings), ordered by position.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The errors only.</summary>
    public IReadOnlyList<Diagnostic> Errors { get; }

    /// <summary>The warnings only.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>The project name, or null when the config has errors.</summary>
    public string? ProjectName { get; }

    /// <summary>The normalized machines in config order (empty when the config has errors).</summary>
    public IReadOnlyList<Machine> Machines { get; }

    /// <summary>
    /// The normalized config (<c>globals</c> + <c>machines</c>) as YAML, as printed by
    /// <c>gordo config normalize</c>; null when the document could not be read.
    /// </summary>
    public string? NormalizedYaml => _yaml.Value;

    /// <summary>The normalized config as JSON (<c>gordo config normalize --format json</c>); null when the document could not be read.</summary>
    public string? NormalizedJson => _json.Value;

    /// <summary>Throws when the config has errors, listing them.</summary>
    /// <returns>This result, for chaining.</returns>
    /// <exception cref="GordoConfigException">The config has errors.</exception>
    public GordoConfigResult ThrowIfInvalid() =>
        IsValid ? this : throw new GordoConfigException(Errors);
}
