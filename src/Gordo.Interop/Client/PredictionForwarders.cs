using System.Text;
using System.Text.Json;
using Gordo.Client;
using Gordo.Models.Scoring;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using FsForwarder = Gordo.Client.IPredictionForwarder;
using ArtifactJson = Gordo.Models.Artifacts.Json;

namespace Gordo.Interop;

/// <summary>The machine a forwarder is sending for.</summary>
public sealed class GordoForwardedMachine
{
    internal GordoForwardedMachine(string name, IReadOnlyList<string> tags, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        Tags = tags;
        Metadata = metadata;
    }

    /// <summary>Machine name.</summary>
    public string Name { get; }

    /// <summary>The machine's input tag names.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Extra tags given to the client (e.g. <c>version</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}

/// <summary>
/// Where predictions go: InfluxDB (<see cref="InfluxPredictionForwarder"/>), files
/// (<see cref="FilePredictionForwarder"/>) or your own (a historian, a message bus). Per machine,
/// calls arrive in time order; different machines call concurrently.
/// </summary>
public interface IPredictionForwarder
{
    /// <summary>One chunk of a machine's predictions; columns are named <c>top|sub</c> (<c>top</c> for single columns).</summary>
    Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken);

    /// <summary>A machine's resampled sensor data (only when the client forwards it).</summary>
    Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken);

    /// <summary>Called once when a machine is finished.</summary>
    Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken);
}

/// <summary>
/// Where a machine's anomaly events go when <see cref="GordoClientOptions.Events"/> is set
/// (docs/events.md): implement it beside <see cref="IPredictionForwarder"/> on your own forwarder.
/// </summary>
public interface IAnomalyEventForwarder
{
    /// <summary>The events of a machine's whole predicted range (called once per machine, after <see cref="IPredictionForwarder.CompleteAsync"/>).</summary>
    Task ForwardEventsAsync(GordoForwardedMachine machine, IReadOnlyList<GordoAnomalyEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// Writes predictions into InfluxDB 1.x (spec §8.2): a measurement per top-level column, tags
/// <c>sensor_name</c>, <c>machine</c> and the client's metadata, rows with NaN or ±inf dropped.
/// </summary>
/// <remarks>Events (<see cref="GordoClientOptions.Events"/>) go to the measurement <c>anomaly-events</c>: one point per event at its start.</remarks>
public sealed class InfluxPredictionForwarder : IPredictionForwarder, IAnomalyEventForwarder
{
    internal FsForwarder Inner { get; }

    /// <summary>
    /// A forwarder for <paramref name="uri"/> (<c>user:password@host:port/optional-path/db</c>);
    /// an API key is sent as <c>Ocp-Apim-Subscription-Key</c> and switches TLS on; without
    /// <paramref name="recreateDatabase"/> the database must exist.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is not an InfluxDB URI of that form.</exception>
    public InfluxPredictionForwarder(string uri, string? apiKey = null, bool recreateDatabase = false, int retries = 5)
    {
        var options = InfluxForwarder.Options(uri, apiKey is null ? null : Microsoft.FSharp.Core.FSharpOption<string>.Some(apiKey), recreateDatabase);
        if (options.IsError) throw new ArgumentException(options.ErrorValue, nameof(uri));
        var o = options.ResultValue;
        Inner = new InfluxForwarder(new InfluxForwarderOptions(o.Connection, o.RecreateDatabase, retries, o.BackoffBase, o.BatchSize));
    }

    /// <inheritdoc />
    public Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken) =>
        Inner.ForwardPredictionsAsync(ForwarderBridge.Machine(machine), ForwarderBridge.Table(predictions), cancellationToken);

    /// <inheritdoc />
    public Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken) =>
        Inner.ForwardResampledAsync(ForwarderBridge.Machine(machine), ForwarderBridge.Frame(sensors), cancellationToken);

    /// <inheritdoc />
    public Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ForwardEventsAsync(GordoForwardedMachine machine, IReadOnlyList<GordoAnomalyEvent> events, CancellationToken cancellationToken) =>
        ((IEventForwarder)Inner).ForwardEventsAsync(ForwarderBridge.Machine(machine), ForwarderBridge.Events(events), cancellationToken);
}

/// <summary>
/// Writes each machine's predictions to <c>directory/&lt;machine&gt;.csv.gz</c>, streaming, and its
/// events (<see cref="GordoClientOptions.Events"/>) to <c>directory/&lt;machine&gt;.events.json</c>
/// (the JSON array of <c>gordo anomaly --events</c>).
/// </summary>
/// <remarks>
/// Predictions stream into a hidden temporary file beside the target that
/// <see cref="CompleteAsync"/> renames over it; when the client's run of a machine fails or is
/// cancelled, the previous files stay and the temporary one is deleted.
/// </remarks>
public sealed class FilePredictionForwarder : IPredictionForwarder, IAnomalyEventForwarder
{
    internal FsForwarder Inner { get; }

    /// <summary>A forwarder writing into <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or blank.</exception>
    public FilePredictionForwarder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Inner = new FileForwarder(directory);
    }

    /// <inheritdoc />
    public Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken) =>
        Inner.ForwardPredictionsAsync(ForwarderBridge.Machine(machine), ForwarderBridge.Table(predictions), cancellationToken);

    /// <inheritdoc />
    public Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken) =>
        Inner.CompleteAsync(ForwarderBridge.Machine(machine), cancellationToken);

    /// <inheritdoc />
    public Task ForwardEventsAsync(GordoForwardedMachine machine, IReadOnlyList<GordoAnomalyEvent> events, CancellationToken cancellationToken) =>
        ((IEventForwarder)Inner).ForwardEventsAsync(ForwarderBridge.Machine(machine), ForwarderBridge.Events(events), cancellationToken);
}

/// <summary>Conversions between the C# forwarder types and the F# client's.</summary>
internal static class ForwarderBridge
{
    public static ForwardedMachine Machine(GordoForwardedMachine m) =>
        new(m.Name, ListModule.OfSeq(m.Tags),
            ListModule.OfSeq(m.Metadata.Select(kv => Tuple.Create(kv.Key, kv.Value))));

    public static GordoForwardedMachine Machine(ForwardedMachine m) =>
        new(m.Name, m.Tags.ToList(), m.Metadata.ToDictionary(t => t.Item1, t => t.Item2));

    public static GordoFrame Frame(PredictionTable t)
    {
        var values = new double[t.Index.Length, t.Columns.Length];
        for (var c = 0; c < t.Columns.Length; c++)
        for (var r = 0; r < t.Index.Length; r++)
            values[r, c] = t.Columns[c].Item2[r];
        return new GordoFrame(t.Index, t.Columns.Select(c => PredictionTableModule.flatName(c.Item1.Item1, c.Item1.Item2)).ToList(), values);
    }

    public static GordoFrame Frame(Gordo.Data.Frame f)
    {
        var values = new double[f.Index.Length, f.Columns.Length];
        for (var c = 0; c < f.Columns.Length; c++)
        for (var r = 0; r < f.Index.Length; r++)
            values[r, c] = f.Data[c][r];
        return new GordoFrame(f.Index.Select(t => new DateTimeOffset(t, TimeSpan.Zero)).ToList(), f.Columns, values);
    }

    private static double[] Column(GordoFrame f, int c) =>
        Enumerable.Range(0, f.Index.Count).Select(r => f[r, c]).ToArray();

    public static PredictionTable Table(GordoFrame f) =>
        new(f.Index.ToArray(),
            f.Columns.Select((name, c) =>
            {
                var bar = name.IndexOf('|');
                var key = bar < 0 ? Tuple.Create(name, "") : Tuple.Create(name[..bar], name[(bar + 1)..]);
                return Tuple.Create(key, Column(f, c));
            }).ToArray());

    public static Gordo.Data.Frame Frame(GordoFrame f) =>
        new(f.Index.Select(t => t.UtcTicks).ToArray(), TimeSpan.Zero, f.Columns.ToArray(),
            f.Columns.Select((_, c) => Column(f, c)).ToArray());

    public static FSharpList<ForwardedEvent> Events(IReadOnlyList<GordoAnomalyEvent> events) =>
        ListModule.OfSeq(events.Select(e => new ForwardedEvent(e.Start, e.End, e.Peak,
            ListModule.OfSeq(e.Tags.Select(t => Tuple.Create(t.Tag, t.Share))), (int)e.Quality)));

    /// <summary>
    /// A forwarder that keeps each machine's predictions, cuts its events with the model's own
    /// settings (<c>build_metadata.model.event_settings</c> of the server's metadata reply; the
    /// defaults without them) when it is finished and hands them to <paramref name="sink"/>.
    /// </summary>
    public static FsForwarder Events(IAnomalyEventForwarder sink) =>
        new EventsForwarder(
            FuncConvert.FromFunc<FSharpOption<JsonElement>, PredictionTable, FSharpResult<FSharpList<ForwardedEvent>, string>>(Cut),
            ListModule.OfArray(new IEventForwarder[] { new EventSink(sink) }));

    private static FSharpResult<FSharpList<ForwardedEvent>, string> Cut(FSharpOption<JsonElement> metadata, PredictionTable table)
    {
        var settings = FSharpOption<JsonElement>.get_IsSome(metadata)
            ? AnomalyEvents.ofMetadata(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(metadata.Value.GetRawText())))
            : AnomalyEvents.defaults;
        var cut = AnomalyEvents.ofColumns(settings, table.Index, ListModule.OfArray(table.Columns));
        return cut.IsError
            ? FSharpResult<FSharpList<ForwardedEvent>, string>.NewError(cut.ErrorValue)
            : FSharpResult<FSharpList<ForwardedEvent>, string>.NewOk(Events(cut.ResultValue.Select(GordoAnomalyEvent.Of).ToList()));
    }

    private sealed class EventSink(IAnomalyEventForwarder inner) : IEventForwarder
    {
        public Task ForwardEventsAsync(ForwardedMachine machine, FSharpList<ForwardedEvent> events, CancellationToken cancel) =>
            inner.ForwardEventsAsync(Machine(machine),
                events.Select(e => new GordoAnomalyEvent(e.Start, e.End, e.Peak,
                    e.Tags.Select(t => new GordoEventTag(t.Item1, t.Item2)).ToArray(), (GordoQualityFlags)e.Quality)).ToList(),
                cancel);
    }

    /// <summary>The F# forwarder of a C# one: the built-in ones directly, others through an adapter.</summary>
    public static FsForwarder ToFSharp(IPredictionForwarder forwarder) => forwarder switch
    {
        InfluxPredictionForwarder i => i.Inner,
        FilePredictionForwarder f => f.Inner,
        _ => new Adapter(forwarder),
    };

    private sealed class Adapter(IPredictionForwarder inner) : FsForwarder
    {
        public Task ForwardPredictionsAsync(ForwardedMachine machine, PredictionTable predictions, CancellationToken cancel) =>
            inner.ForwardPredictionsAsync(Machine(machine), Frame(predictions), cancel);

        public Task ForwardResampledAsync(ForwardedMachine machine, Gordo.Data.Frame sensors, CancellationToken cancel) =>
            inner.ForwardResampledAsync(Machine(machine), Frame(sensors), cancel);

        public Task CompleteAsync(ForwardedMachine machine, CancellationToken cancel) => inner.CompleteAsync(Machine(machine), cancel);
    }
}
