namespace Gordo.Interop;

/// <summary>
/// The operations of <see cref="GordoClient"/>, for consumers that substitute the client in their
/// tests. <c>services.AddGordoClient(...)</c> registers it with a typed <see cref="HttpClient"/>.
/// </summary>
public interface IGordoClient
{
    /// <summary>The model names of the revision.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    Task<IReadOnlyList<string>> GetModelsAsync(string? revision = null, CancellationToken cancellationToken = default);

    /// <summary>The latest and the available revisions.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    Task<GordoRevisions> GetRevisionsAsync(CancellationToken cancellationToken = default);

    /// <summary>A model's metadata.</summary>
    /// <exception cref="GordoApiException">The server answered with an error status (its message is <see cref="GordoApiException.ServerMessage"/>).</exception>
    /// <exception cref="HttpRequestException">The server cannot be reached.</exception>
    /// <exception cref="System.Text.Json.JsonException">The server's reply is not the JSON of a Gordo server.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (or the request timed out).</exception>
    Task<GordoModelMetadata> GetMetadataAsync(string model, string? revision = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GordoClient.GetExpectedModelsAsync"/>
    Task<IReadOnlyList<string>> GetExpectedModelsAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GordoClient.PredictAsync"/>
    Task<GordoTable> PredictAsync(string model, GordoFrame x, string? revision = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GordoClient.PredictAnomalyAsync"/>
    Task<GordoTable> PredictAnomalyAsync(string model, GordoFrame x, GordoFrame y, bool allColumns = false,
        bool quality = false, string? revision = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GordoClient.GetEventsAsync"/>
    Task<IReadOnlyList<GordoAnomalyEvent>> GetEventsAsync(string model, GordoFrame x, GordoFrame y,
        string? revision = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="GordoClient.DownloadModelAsync"/>
    Task<byte[]> DownloadModelAsync(string model, string? revision = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Predictions for a time range (spec §8.1): for each target (every model of the latest
    /// revision when empty) its data is fetched from the model's data source (or
    /// <paramref name="dataProviderJson"/>), scored in batches and handed to
    /// <paramref name="forwarder"/> in time order. Failures are reported per machine in the result.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="forwarder"/> is null.</exception>
    /// <exception cref="ArgumentException">The start is not before the end, <paramref name="dataProviderJson"/> is not a data provider,
    /// or <see cref="GordoClientOptions.Events"/> is set and the forwarder is no <see cref="IAnomalyEventForwarder"/>.</exception>
    /// <exception cref="InvalidOperationException">The HTTP client has no <c>BaseAddress</c>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<IReadOnlyList<GordoMachineOutcome>> PredictRangeAsync(DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string>? targets, IPredictionForwarder forwarder, string? dataProviderJson = null,
        IProgress<GordoClientProgress>? progress = null, CancellationToken cancellationToken = default);
}
