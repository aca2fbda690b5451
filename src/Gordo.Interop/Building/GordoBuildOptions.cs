namespace Gordo.Interop;

/// <summary>Where and how <see cref="GordoBuilder"/> builds models.</summary>
public sealed class GordoBuildOptions
{
    /// <summary>Creates options writing the models to <paramref name="outputDirectory"/>.</summary>
    /// <param name="outputDirectory">The models directory: one sub-directory per machine.</param>
    /// <exception cref="ArgumentException"><paramref name="outputDirectory"/> is null or empty.</exception>
    public GordoBuildOptions(string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        OutputDirectory = outputDirectory;
    }

    /// <summary>The models directory: one sub-directory per machine.</summary>
    public string OutputDirectory { get; }

    /// <summary>The model registry directory (enables the build cache); null for no cache.</summary>
    public string? ModelRegisterDirectory { get; init; }

    /// <summary>Rebuild even when the cache has the model, and replace the cache entry.</summary>
    public bool ReplaceCache { get; init; }

    /// <summary>Machines built at once (default 1).</summary>
    public int MaxParallelism { get; init; } = 1;

    /// <summary>Only these machines (null or empty: every machine of the config).</summary>
    public IReadOnlyList<string>? Machines { get; init; }

    /// <summary>Project name and default data provider for loading the config; null for the defaults.</summary>
    public ConfigLoadOptions? ConfigOptions { get; init; }
}
