namespace Gordo.Interop;

/// <summary>The revisions a Gordo server can answer for (<c>GET /gordo/v0/{project}/revisions</c>).</summary>
public sealed class GordoRevisions
{
    internal GordoRevisions(string latest, IReadOnlyList<string> available)
    {
        Latest = latest;
        Available = available;
    }

    /// <summary>The current revision.</summary>
    public string Latest { get; }

    /// <summary>Every revision directory next to the current one, sorted.</summary>
    public IReadOnlyList<string> Available { get; }
}

/// <summary>A model's metadata (<c>GET /gordo/v0/{project}/{model}/metadata</c>).</summary>
public sealed class GordoModelMetadata
{
    internal GordoModelMetadata(string revision, IReadOnlyList<string> tags, IReadOnlyList<string> targetTags, string metadataJson)
    {
        Revision = revision;
        Tags = tags;
        TargetTags = targetTags;
        MetadataJson = metadataJson;
    }

    /// <summary>The revision that answered.</summary>
    public string Revision { get; }

    /// <summary>Input tag names (<c>dataset.tag_list</c>).</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Target tag names (<c>dataset.target_tag_list</c>; the input tags when empty).</summary>
    public IReadOnlyList<string> TargetTags { get; }

    /// <summary>The whole <c>metadata</c> document as JSON.</summary>
    public string MetadataJson { get; }
}
