using System.Text;
using Gordo.Models;
using Gordo.Models.Anomaly;
using Gordo.Models.Artifacts;
using Gordo.Models.Definitions;
using Gordo.Models.Scoring;
using Microsoft.FSharp.Collections;
using ArtifactJson = Gordo.Models.Artifacts.Json;

namespace Gordo.Interop;

/// <summary>The anomaly table of Gordo's diff-based detectors (spec §3.3), in Gordo's column order.</summary>
public sealed class AnomalyResult
{
    internal AnomalyResult(AnomalyFrame frame)
    {
        Start = frame.Start.Select(s => s?.Value).ToArray();
        End = frame.End.Select(s => s?.Value).ToArray();
        Columns = frame.Columns.Select(c => new GordoColumn(c.Item1.Item1, c.Item1.Item2, c.Item2)).ToArray();
    }

    /// <summary>Row start timestamps (ISO 8601), null without timestamps.</summary>
    public IReadOnlyList<string?> Start { get; }

    /// <summary>Row end timestamps (start + frequency), null without a frequency.</summary>
    public IReadOnlyList<string?> End { get; }

    /// <summary>Every column after start/end (the column type of a server's answer, <see cref="GordoPrediction"/>).</summary>
    public IReadOnlyList<GordoColumn> Columns { get; }

    /// <summary>Finds a column by its two-level name ("" as <paramref name="subName"/> for single columns).</summary>
    public bool TryGetColumn(string name, string subName, out IReadOnlyList<double> values)
    {
        var column = Columns.FirstOrDefault(c => c.Name == name && c.SubName == subName);
        values = column?.Values ?? Array.Empty<double>();
        return column is not null;
    }
}

/// <summary>
/// A Gordo model: built from a definition (JSON, the shape of a config's <c>model:</c>), trained,
/// saved as a portable artifact, loaded, used to predict and to score anomalies.
/// </summary>
public sealed class GordoModel
{
    private readonly Estimator _model;

    private GordoModel(Estimator model, string metadataJson)
    {
        _model = model;
        MetadataJson = metadataJson;
    }

    /// <summary>The fully expanded model definition as JSON.</summary>
    public string DefinitionJson => Encoding.UTF8.GetString(ArtifactJson.toBytes(Definition.intoValue(_model)));

    /// <summary>The build metadata stored with the artifact (JSON).</summary>
    public string MetadataJson { get; }

    /// <summary>True for Gordo's anomaly detectors (they can compute anomaly tables).</summary>
    public bool IsAnomalyDetector => _model is DiffDetector;

    /// <summary>
    /// Builds the model of <paramref name="definitionJson"/> and fits it on X and y; an anomaly detector
    /// is cross-validated first so that it has thresholds.
    /// </summary>
    public static Task<GordoModel> FitAsync(string definitionJson, double[,] x, double[,] y, IReadOnlyList<string> targetNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionJson);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(targetNames);
        return Task.Run(() =>
        {
            var model = Definition.fromValue(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(definitionJson)));
            if (model is DiffDetector detector)
            {
                detector.TargetNames = targetNames.ToArray();
                detector.CrossValidate(x, y, null);
            }
            cancellationToken.ThrowIfCancellationRequested();
            model.Fit(x, y);
            return new GordoModel(model, "{}");
        }, cancellationToken);
    }

    /// <summary>Loads an artifact directory (checksums and format version are verified).</summary>
    public static Task<GordoModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Task.Run(() => Wrap(Artifact.load(directory)), cancellationToken);
    }

    /// <summary>Loads a model from the single byte stream of <see cref="ToBytes"/>.</summary>
    public static Task<GordoModel> LoadFromBytesAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Task.Run(() => Wrap(Artifact.loads(bytes)), cancellationToken);
    }

    /// <summary>Saves the model as an artifact directory (atomically).</summary>
    public Task SaveAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Task.Run(() => Artifact.save(directory, _model, ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(MetadataJson))), cancellationToken);
    }

    /// <summary>
    /// The same fitted model with other build metadata (JSON), e.g. <c>{"dataset": {"tag_list": [...]}}</c>
    /// so that a Gordo server can serve it.
    /// </summary>
    public GordoModel WithMetadataJson(string metadataJson)
    {
        ArgumentNullException.ThrowIfNull(metadataJson);
        using var _ = System.Text.Json.JsonDocument.Parse(metadataJson);
        return new GordoModel(_model, metadataJson);
    }

    /// <summary>The artifact as one byte stream.</summary>
    public byte[] ToBytes() => Artifact.dumps(_model, ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(MetadataJson)));

    /// <summary>Model output for X (rows × tags); fewer rows than X for models with an offset.</summary>
    public double[,] Predict(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return _model.Output(x);
    }

    /// <summary>Model output for per-tag columns (all of the same length).</summary>
    public double[,] Predict(IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return Predict(MatrixModule.ofColumns(columns.ToArray()));
    }

    /// <summary>
    /// The model's <c>score(X, y)</c> as Gordo computes it: for Gordo's networks (and detectors and
    /// pipelines ending in one) the explained variance score of the last rows of y (as many as the
    /// output has) against the output; for regressors r2; for PCA the average log-likelihood of X.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has no score (e.g. a bare scaler).</exception>
    public double Score(double[,] x, double[,] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return _model.Score(x, y);
    }

    /// <summary><see cref="Score(double[,], double[,])"/> for per-tag columns (each list: columns of the same length).</summary>
    public double Score(IReadOnlyList<double[]> xColumns, IReadOnlyList<double[]> yColumns)
    {
        ArgumentNullException.ThrowIfNull(xColumns);
        ArgumentNullException.ThrowIfNull(yColumns);
        return Score(MatrixModule.ofColumns(xColumns.ToArray()), MatrixModule.ofColumns(yColumns.ToArray()));
    }

    /// <summary>
    /// The anomaly table for X and y (for an auto-encoder y is X), with optional row timestamps and
    /// the data frequency (end = start + frequency); <paramref name="quality"/> adds the data-quality
    /// columns (<c>data-quality|&lt;tag&gt;</c>, <c>total-data-quality</c>: <see cref="GordoQualityFlags"/>
    /// bits; the model needs a training profile).
    /// </summary>
    public AnomalyResult Anomaly(double[,] x, double[,] y, IReadOnlyList<string> inputNames, IReadOnlyList<string> targetNames,
        IReadOnlyList<DateTimeOffset>? timestamps = null, TimeSpan? frequency = null, bool quality = false) =>
        new(AnomalyFrame(x, y, inputNames, targetNames, timestamps, frequency, quality));

    /// <summary>The anomaly table for per-tag columns of an auto-encoder (y = X).</summary>
    public AnomalyResult Anomaly(IReadOnlyDictionary<string, double[]> columns, IReadOnlyList<DateTimeOffset>? timestamps = null,
        TimeSpan? frequency = null, bool quality = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = columns.Keys.ToArray();
        var x = MatrixModule.ofColumns(names.Select(n => columns[n]).ToArray());
        return Anomaly(x, x, names, names, timestamps, frequency, quality);
    }

    /// <summary>
    /// The anomaly events of X and y at <paramref name="timestamps"/> (docs/events.md), with the
    /// data-quality flags seen in each when the model has a training profile, with the model's own event
    /// settings (its config's <c>events</c> section, else the defaults); the model needs
    /// thresholds (built with cross-validation).
    /// </summary>
    public IReadOnlyList<GordoAnomalyEvent> Events(double[,] x, double[,] y, IReadOnlyList<string> inputNames,
        IReadOnlyList<string> targetNames, IReadOnlyList<DateTimeOffset> timestamps)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        var frame = AnomalyFrame(x, y, inputNames, targetNames, timestamps, null, Profile() is not null);
        var times = timestamps.Skip(timestamps.Count - frame.Start.Length).ToArray();
        var settings = AnomalyEvents.ofMetadata(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(MetadataJson)));
        var found = AnomalyEvents.ofColumns(settings, times, frame.Columns);
        if (found.IsError)
            throw new InvalidOperationException(found.ErrorValue);
        return found.ResultValue.Select(GordoAnomalyEvent.Of).ToArray();
    }

    private TrainingProfile? Profile()
    {
        var profile = DataQuality.ofMetadata(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(MetadataJson)));
        return profile is null ? null : profile.Value;
    }

    private AnomalyFrame AnomalyFrame(double[,] x, double[,] y, IReadOnlyList<string> inputNames, IReadOnlyList<string> targetNames,
        IReadOnlyList<DateTimeOffset>? timestamps, TimeSpan? frequency, bool quality)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        if (_model is not DiffDetector detector)
            throw new InvalidOperationException("This model is not an anomaly detector; wrap it in gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector.");
        var input = new AnomalyInput(
            inputNames.ToArray(),
            targetNames.ToArray(),
            timestamps is null ? null : Microsoft.FSharp.Core.FSharpOption<DateTimeOffset[]>.Some(timestamps.ToArray()),
            frequency is null ? null : Microsoft.FSharp.Core.FSharpOption<TimeSpan>.Some(frequency.Value));
        var frame = detector.Anomaly(x, y, input);
        if (!quality)
            return frame;
        var profile = Profile()
            ?? throw new InvalidOperationException("The model has no training profile (it was built before data-quality flags); rebuild it to ask for quality.");
        var rows = frame.Start.Length;
        var skip = x.GetLength(0) - rows;
        var columns = Enumerable.Range(0, inputNames.Count)
            .Select(j => Enumerable.Range(skip, rows).Select(i => x[i, j]).ToArray())
            .ToArray();
        var flags = DataQuality.columns(profile, inputNames.ToArray(), columns);
        return new AnomalyFrame(frame.Start, frame.End, ListModule.Append(frame.Columns, flags));
    }

    private static GordoModel Wrap(LoadedModel loaded) =>
        new(loaded.Model, Encoding.UTF8.GetString(ArtifactJson.toBytes(loaded.Metadata)));
}
