namespace Gordo.Interop;

/// <summary>A normalized, checked machine: one model to build on one set of sensor tags.</summary>
public sealed class Machine
{
    internal Machine(
        string name,
        string projectName,
        IReadOnlyList<string> tags,
        IReadOnlyList<string> targetTags,
        DateTimeOffset trainStartDate,
        DateTimeOffset trainEndDate,
        string? resolution,
        string dataProviderType,
        ModelNode model,
        IReadOnlyDictionary<string, object?> metadata,
        IReadOnlyDictionary<string, object?> globalMetadata)
    {
        Name = name;
        ProjectName = projectName;
        Tags = tags;
        TargetTags = targetTags;
        TrainStartDate = trainStartDate;
        TrainEndDate = trainEndDate;
        Resolution = resolution;
        DataProviderType = dataProviderType;
        Model = model;
        Metadata = metadata;
        GlobalMetadata = globalMetadata;
    }

    /// <summary>The machine's (URL-safe) name.</summary>
    public string Name { get; }

    /// <summary>The project the machine belongs to.</summary>
    public string ProjectName { get; }

    /// <summary>The names of the input tags (<c>dataset.tag_list</c>), in config order.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The names of the target tags (<c>dataset.target_tag_list</c>; the input tags when not given).</summary>
    public IReadOnlyList<string> TargetTags { get; }

    /// <summary>The inclusive start of the training period.</summary>
    public DateTimeOffset TrainStartDate { get; }

    /// <summary>The end of the training period (after the start).</summary>
    public DateTimeOffset TrainEndDate { get; }

    /// <summary>The resampling bucket as a pandas offset alias (e.g. <c>10T</c>), or null for no resampling.</summary>
    public string? Resolution { get; }

    /// <summary>The data provider's full class path, e.g. <c>gordo_core.data_providers.providers.RandomDataProvider</c>.</summary>
    public string DataProviderType { get; }

    /// <summary>The model definition (after falling back to <c>globals.model</c>).</summary>
    public ModelNode Model { get; }

    /// <summary>
    /// The machine's own <c>metadata</c> section (empty when there is none). Values are null,
    /// <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>,
    /// <c>IReadOnlyList&lt;object?&gt;</c> or <c>IReadOnlyDictionary&lt;string, object?&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; }

    /// <summary>The project's <c>globals.metadata</c> section (empty when there is none); values as in <see cref="Metadata"/>.</summary>
    public IReadOnlyDictionary<string, object?> GlobalMetadata { get; }

    /// <summary>The machine's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
