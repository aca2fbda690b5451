namespace Gordo.Interop;

/// <summary>
/// The operations of <see cref="GordoClient"/>, for consumers that substitute the client in their
/// tests. <c>services.AddGordoClient(...)</c> registers it with a typed <see cref="HttpClient"/>.
/// </summary>
public interface IGordoClient
{
    /// <summary>The model names of the revision.</summary>
    Task<IReadOnlyList<string>> GetModelsAsync(string? revision = null, CancellationToken cancellationToken = default);

    /// <summary>The latest and the available revisions.</summary>
    Task<GordoRevisions> GetRevisionsAsync(CancellationToken cancellationToken = default);

    /// <summary>A model's metadata.</summary>
    Task<GordoModelMetadata> GetMetadataAsync(string model, string? revision = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Predictions for a time range (spec §8.1): for each target (every model of the latest
    /// revision when empty) its data is fetched from the model's data source (or
    /// <paramref name="dataProviderJson"/>), scored in batches and handed to
    /// <paramref name="forwarder"/> in time order. Failures are reported per machine in the result.
    /// </summary>
    Task<IReadOnlyList<GordoMachineOutcome>> PredictRangeAsync(DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string>? targets, IPredictionForwarder forwarder, string? dataProviderJson = null,
        IProgress<GordoClientProgress>? progress = null, CancellationToken cancellationToken = default);
}
