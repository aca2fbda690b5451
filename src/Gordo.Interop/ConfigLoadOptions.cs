namespace Gordo.Interop;

/// <summary>Options for loading a Gordo project config (the same as the CLI's flags).</summary>
public sealed class ConfigLoadOptions
{
    /// <summary>A default instance: project name from the config, no default data provider.</summary>
    public static ConfigLoadOptions Default { get; } = new();

    /// <summary>
    /// The project name (<c>--project-name</c>). When null, the custom resource's
    /// <c>metadata.name</c> is used, else <c>"project"</c>.
    /// </summary>
    public string? ProjectName { get; init; }

    /// <summary>
    /// The data provider used by datasets that name none (<c>--default-data-provider</c>),
    /// e.g. <c>RandomDataProvider</c>. When null, a dataset without a provider is an error.
    /// </summary>
    public string? DefaultDataProvider { get; init; }
}
