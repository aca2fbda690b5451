using Gordo.Client;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Gordo.Interop;

/// <summary>Settings of <see cref="GordoClient"/> and <c>services.AddGordoClient(...)</c>.</summary>
public sealed class GordoClientOptions
{
    /// <summary>The server root, e.g. <c>http://gordo-srv-proj/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The project.</summary>
    public string Project { get; set; } = "";

    /// <summary>Rows per prediction request (100,000 as Gordo).</summary>
    public int BatchSize { get; set; } = 100_000;

    /// <summary>Requests in flight at once over all machines (10 as Gordo).</summary>
    public int Parallelism { get; set; } = 10;

    /// <summary>Retries of a failed request: 5xx, I/O errors, timeouts (5 as Gordo).</summary>
    public int Retries { get; set; } = 5;

    /// <summary>The first retry waits 4 × this, then 8 ×, 16 × ... (at most 300 ×); 1 s as Gordo.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The server's API key, sent as <c>X-API-Key</c> with every request (null: none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Send Parquet rather than JSON.</summary>
    public bool UseParquet { get; set; } = true;

    /// <summary>Forward the resampled sensor data too.</summary>
    public bool ForwardResampledSensors { get; set; }

    /// <summary>
    /// Ask anomaly models for every column, the smoothed ones (<c>smooth-*</c>) included, as the CLI's
    /// <c>--all-columns</c> (<c>?all_columns=true</c>).
    /// </summary>
    public bool AllColumns { get; set; }

    /// <summary>
    /// Ask the server for the data-quality columns (<c>data-quality|&lt;tag&gt;</c>,
    /// <c>total-data-quality</c>: <see cref="GordoQualityFlags"/> bits) and forward them with the
    /// predictions, as the CLI's <c>--quality</c> (docs/quality.md).
    /// </summary>
    public bool Quality { get; set; }

    /// <summary>
    /// Cut each machine's anomaly events from its whole predicted range (with the model's own event
    /// settings, else the defaults: docs/events.md) and hand them to the forwarder, which must then implement
    /// <see cref="IAnomalyEventForwarder"/> (the InfluxDB and file forwarders do), as the CLI's <c>--events</c>.
    /// With <see cref="Quality"/>, each event carries the data-quality flags seen in it.
    /// </summary>
    public bool Events { get; set; }

    /// <summary>Extra tags written with every forwarded point (e.g. <c>version</c>).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();
}

/// <summary>The outcome of one machine's range prediction.</summary>
public sealed class GordoMachineOutcome
{
    internal GordoMachineOutcome(string name, int rows, IReadOnlyList<string> errors)
    {
        Name = name;
        Rows = rows;
        Errors = errors;
    }

    /// <summary>Machine name.</summary>
    public string Name { get; }

    /// <summary>Prediction rows forwarded.</summary>
    public int Rows { get; }

    /// <summary>Error messages; empty when everything succeeded.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>True when there are no errors.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Progress of a range prediction: a machine's chunks done of its total.</summary>
public sealed class GordoClientProgress
{
    internal GordoClientProgress(string machine, int chunksDone, int chunksTotal, string? error)
    {
        Machine = machine;
        ChunksDone = chunksDone;
        ChunksTotal = chunksTotal;
        Error = error;
    }

    /// <summary>Machine name.</summary>
    public string Machine { get; }

    /// <summary>Chunks scored and forwarded.</summary>
    public int ChunksDone { get; }

    /// <summary>Chunks of the machine.</summary>
    public int ChunksTotal { get; }

    /// <summary>The failure this report is about, if any.</summary>
    public string? Error { get; }
}

public sealed partial class GordoClient
{
    private GordoClientOptions _options = new();

    /// <summary>
    /// Creates a client from options (the typed client of <c>AddGordoClient</c>): the project and
    /// the batch size, parallelism and retries of <see cref="PredictRangeAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options' project is blank.</exception>
    public GordoClient(HttpClient httpClient, GordoClientOptions options)
        : this(httpClient, options?.Project ?? throw new ArgumentNullException(nameof(options)))
    {
        _options = options;
        if (options.ApiKey is not null)
        {
            _http.DefaultRequestHeaders.Remove(ApiKeyHeader);
            _http.DefaultRequestHeaders.Add(ApiKeyHeader, options.ApiKey);
        }
    }

    private const string ApiKeyHeader = "X-API-Key";

    private ClientOptions RangeOptions(string? dataProviderJson)
    {
        var root = _http.BaseAddress ?? _options.BaseAddress
            ?? throw new InvalidOperationException("the HttpClient needs a BaseAddress (the server root) for range predictions");
        var provider = dataProviderJson is null ? null : FSharpOption<Gordo.Core.Config.DataProvider>.Some(Boundary.DataProvider(dataProviderJson));
        return new ClientOptions(_project, root.Host, root.Port, root.Scheme,
            ListModule.OfSeq(_options.Metadata.Select(kv => Tuple.Create(kv.Key, kv.Value))), provider,
            _options.BatchSize, _options.Parallelism, _options.ForwardResampledSensors, _options.Retries,
            _options.BackoffBase, _options.UseParquet, _options.AllColumns, _options.Quality, FSharpList<Tuple<string, string>>.Empty,
            _http.Timeout, root.AbsolutePath.TrimEnd('/'));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GordoMachineOutcome>> PredictRangeAsync(DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string>? targets, IPredictionForwarder forwarder, string? dataProviderJson = null,
        IProgress<GordoClientProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(forwarder);
        if (start >= end) throw new ArgumentException($"the start ({start:O}) must be before the end ({end:O})", nameof(end));
        var sink = ForwarderBridge.ToFSharp(forwarder);
        if (_options.Events)
        {
            var events = forwarder as IAnomalyEventForwarder
                ?? throw new ArgumentException(
                    $"GordoClientOptions.Events needs a forwarder that takes events: {forwarder.GetType().Name} does not implement IAnomalyEventForwarder",
                    nameof(forwarder));
            sink = new CompositeForwarder(ListModule.OfArray(new[] { sink, ForwarderBridge.Events(events) }));
        }
        using var client = new Gordo.Client.GordoClient(RangeOptions(dataProviderJson), _http);
        var report = FuncConvert.FromAction<ClientEvent>(e => Report(progress, e));
        var outcomes = await client.PredictAsync(start, end, ListModule.OfSeq(targets ?? []), null,
            sink, report, cancellationToken).ConfigureAwait(false);
        return outcomes.Select(o => new GordoMachineOutcome(o.Name, o.Rows, o.Errors.ToList())).ToList();
    }

    private static void Report(IProgress<GordoClientProgress>? progress, ClientEvent e)
    {
        if (progress is null) return;
        switch (e)
        {
            case ClientEvent.Started s: progress.Report(new GordoClientProgress(s.machine, 0, s.chunks, null)); break;
            case ClientEvent.ChunkDone d: progress.Report(new GordoClientProgress(d.machine, d.done, d.total, null)); break;
            case ClientEvent.ChunkFailed f: progress.Report(new GordoClientProgress(f.machine, 0, 0, f.message)); break;
        }
    }
}
