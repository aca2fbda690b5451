using System.Text;
using Gordo.Models;
using Gordo.Models.Anomaly;
using Gordo.Models.Artifacts;
using Gordo.Models.Definitions;
using Gordo.Models.Scoring;
using Microsoft.FSharp.Collections;
using ArtifactJson = Gordo.Models.Artifacts.Json;

namespace Gordo.Interop;

/// <summary>
/// A Gordo model: built from a definition (JSON, the shape of a config's <c>model:</c>), trained,
/// saved as a portable artifact, loaded, used to predict and to score anomalies. Networks run on the
/// TorchSharp back end hold native memory: dispose the model when done with it (its managed-only
/// models hold none, and disposing them is harmless). After <see cref="Dispose"/> every member throws
/// <see cref="ObjectDisposedException"/>.
/// </summary>
/// <remarks>
/// Every method is synchronous: fitting and scoring are CPU work and artifacts are read and written
/// with synchronous file I/O; run them with <c>Task.Run</c> to keep a UI or request thread free.
/// </remarks>
public sealed class GordoModel : IDisposable
{
    private readonly Estimator _model;
    private readonly string _metadataJson;
    private bool _disposed;

    private GordoModel(Estimator model, string metadataJson)
    {
        _model = model;
        _metadataJson = metadataJson;
    }

    /// <summary>The fully expanded model definition as JSON.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public string DefinitionJson => Encoding.UTF8.GetString(ArtifactJson.toBytes(Definition.intoValue(Model)));

    /// <summary>The build metadata stored with the artifact (JSON).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public string MetadataJson
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _metadataJson;
        }
    }

    /// <summary>True for Gordo's anomaly detectors (they can compute anomaly tables).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public bool IsAnomalyDetector => Model is DiffDetector;

    private Estimator Model
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _model;
        }
    }

    /// <summary>
    /// Builds the model of <paramref name="definitionJson"/> and fits it on X and y; an anomaly detector
    /// is cross-validated first so that it has thresholds.
    /// </summary>
    /// <param name="definitionJson">The model definition (JSON, the shape of a config's <c>model:</c>).</param>
    /// <param name="x">Training input, rows × tags.</param>
    /// <param name="y">Training targets, rows × target tags (X for an auto-encoder).</param>
    /// <param name="targetNames">The target tags (the names of y's columns).</param>
    /// <param name="cancellationToken">Checked between cross-validation and the final fit.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="GordoModelDefinitionException">The definition cannot be built (or needs the TorchSharp back end, <c>Gordo.Models.Torch</c>, which is not installed).</exception>
    /// <exception cref="GordoModelInputException">X or y is unusable (NaN, infinity, too few rows).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static GordoModel Fit(string definitionJson, double[,] x, double[,] y, IReadOnlyList<string> targetNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionJson);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(targetNames);
        cancellationToken.ThrowIfCancellationRequested();
        return ModelErrors.Translate(() =>
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
        });
    }

    /// <summary>Loads an artifact directory (checksums and format version are verified).</summary>
    /// <param name="directory">The model's folder (e.g. <c>models/&lt;revision&gt;/&lt;machine&gt;</c>).</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="GordoArtifactException">The folder is missing, corrupt, foreign or of another format version.</exception>
    /// <exception cref="GordoModelDefinitionException">The model needs the TorchSharp back end (<c>Gordo.Models.Torch</c>), which is not installed.</exception>
    public static GordoModel Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return ModelErrors.Translate(() => Wrap(Artifact.load(directory)));
    }

    /// <summary>Loads a model from the single byte stream of <see cref="ToBytes"/> (or a server's <c>download-model</c>).</summary>
    /// <param name="bytes">The artifact as one byte stream.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bytes"/> is null.</exception>
    /// <exception cref="GordoArtifactException">The bytes are not a Gordo model archive, or it is corrupt.</exception>
    /// <exception cref="GordoModelDefinitionException">The model needs the TorchSharp back end (<c>Gordo.Models.Torch</c>), which is not installed.</exception>
    public static GordoModel LoadFromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return ModelErrors.Translate(() => Wrap(Artifact.loads(bytes)));
    }

    /// <summary>Saves the model as an artifact directory (atomically: a killed process leaves the previous one).</summary>
    /// <param name="directory">The model's folder, e.g. <c>models/&lt;revision&gt;/&lt;machine&gt;</c> (a server's layout).</param>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="GordoArtifactException">The folder cannot be written.</exception>
    /// <exception cref="IOException">The folder cannot be written (a full disk, no permission).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var model = Model;
        ModelErrors.Translate(() => Artifact.save(directory, model, ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(_metadataJson))));
    }

    /// <summary>
    /// The same fitted model with other build metadata (JSON), e.g. <c>{"dataset": {"tag_list": [...]}}</c>
    /// so that a Gordo server can serve it. Both share the fitted model: dispose one of them, the
    /// other frees and recreates its native memory as needed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="metadataJson"/> is null.</exception>
    /// <exception cref="System.Text.Json.JsonException"><paramref name="metadataJson"/> is not JSON.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public GordoModel WithMetadataJson(string metadataJson)
    {
        ArgumentNullException.ThrowIfNull(metadataJson);
        using var _ = System.Text.Json.JsonDocument.Parse(metadataJson);
        return new GordoModel(Model, metadataJson);
    }

    /// <summary>The artifact as one byte stream.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public byte[] ToBytes()
    {
        var model = Model;
        return ModelErrors.Translate(() => Artifact.dumps(model, ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(_metadataJson))));
    }

    /// <summary>Model output for X (rows × tags); fewer rows than X for models with an offset.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="GordoModelInputException">X is unusable (another feature count than in training, NaN, too few rows).</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public double[,] Predict(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var model = Model;
        return ModelErrors.Translate(() => model.Output(x));
    }

    /// <summary>Model output for per-tag columns (all of the same length).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="columns"/> is null.</exception>
    /// <exception cref="GordoModelInputException">The columns are unusable (another count than in training, NaN, too few rows).</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
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
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The model has no score (e.g. a bare scaler).</exception>
    /// <exception cref="GordoModelInputException">X or y is unusable.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public double Score(double[,] x, double[,] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var model = Model;
        return ModelErrors.Translate(() => model.Score(x, y));
    }

    /// <summary><see cref="Score(double[,], double[,])"/> for per-tag columns (each list: columns of the same length).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The model has no score (e.g. a bare scaler).</exception>
    /// <exception cref="GordoModelInputException">X or y is unusable.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
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
    /// bits; the model needs a training profile), <paramref name="allColumns"/> keeps the smoothed columns
    /// (<c>smooth-*</c>) of a model with a smoothing window. A server's <c>anomaly/prediction</c> answers the
    /// same table (with <c>all_columns</c> for <paramref name="allColumns"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The model is not an anomaly detector, or <paramref name="quality"/> is asked of a model without a training profile.</exception>
    /// <exception cref="GordoModelInputException">X or y is unusable (another feature count than in training, NaN, too few rows).</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public GordoTable Anomaly(double[,] x, double[,] y, IReadOnlyList<string> inputNames, IReadOnlyList<string> targetNames,
        IReadOnlyList<DateTimeOffset>? timestamps = null, TimeSpan? frequency = null, bool quality = false,
        bool allColumns = false) =>
        GordoTable.Local(AnomalyFrame(x, y, inputNames, targetNames, timestamps, frequency, quality, allColumns));

    /// <summary>The anomaly table for per-tag columns of an auto-encoder (y = X); the options as in <see cref="Anomaly(double[,], double[,], IReadOnlyList{string}, IReadOnlyList{string}, IReadOnlyList{DateTimeOffset}?, TimeSpan?, bool, bool)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="columns"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The model is not an anomaly detector, or <paramref name="quality"/> is asked of a model without a training profile.</exception>
    /// <exception cref="GordoModelInputException">The columns are unusable.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public GordoTable Anomaly(IReadOnlyDictionary<string, double[]> columns, IReadOnlyList<DateTimeOffset>? timestamps = null,
        TimeSpan? frequency = null, bool quality = false, bool allColumns = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = columns.Keys.ToArray();
        var x = MatrixModule.ofColumns(names.Select(n => columns[n]).ToArray());
        return Anomaly(x, x, names, names, timestamps, frequency, quality, allColumns);
    }

    /// <summary>
    /// The anomaly events of X and y at <paramref name="timestamps"/> (docs/events.md), with the
    /// data-quality flags seen in each when the model has a training profile, with the model's own event
    /// settings (its config's <c>events</c> section, else the defaults); the model needs
    /// thresholds (built with cross-validation).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The model is not an anomaly detector or has no thresholds.</exception>
    /// <exception cref="GordoModelInputException">X or y is unusable.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<GordoAnomalyEvent> Events(double[,] x, double[,] y, IReadOnlyList<string> inputNames,
        IReadOnlyList<string> targetNames, IReadOnlyList<DateTimeOffset> timestamps)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        var frame = AnomalyFrame(x, y, inputNames, targetNames, timestamps, null, Profile() is not null, false);
        var times = timestamps.Skip(timestamps.Count - frame.Start.Length).ToArray();
        var settings = AnomalyEvents.ofMetadata(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(_metadataJson)));
        var found = AnomalyEvents.ofColumns(settings, times, frame.Columns);
        if (found.IsError)
            throw new InvalidOperationException(found.ErrorValue);
        return found.ResultValue.Select(GordoAnomalyEvent.Of).ToArray();
    }

    /// <summary>Frees the native memory of networks run on the TorchSharp back end; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var network in Tree(_model).OfType<Gordo.Models.Networks.KerasNetwork>())
            network.ReleaseBackend();
    }

    private static IEnumerable<Estimator> Tree(Estimator root) =>
        root.Children.SelectMany(Tree).Prepend(root);

    private TrainingProfile? Profile()
    {
        var profile = DataQuality.ofMetadata(ArtifactJson.ofBytes(Encoding.UTF8.GetBytes(MetadataJson)));
        return profile is null ? null : profile.Value;
    }

    private AnomalyFrame AnomalyFrame(double[,] x, double[,] y, IReadOnlyList<string> inputNames, IReadOnlyList<string> targetNames,
        IReadOnlyList<DateTimeOffset>? timestamps, TimeSpan? frequency, bool quality, bool allColumns)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        if (Model is not DiffDetector detector)
            throw new InvalidOperationException("This model is not an anomaly detector; wrap it in gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector.");
        var input = new AnomalyInput(
            inputNames.ToArray(),
            targetNames.ToArray(),
            timestamps is null ? null : Microsoft.FSharp.Core.FSharpOption<DateTimeOffset[]>.Some(timestamps.ToArray()),
            frequency is null ? null : Microsoft.FSharp.Core.FSharpOption<TimeSpan>.Some(frequency.Value));
        var scored = ModelErrors.Translate(() => detector.Anomaly(x, y, input));
        var frame = new AnomalyFrame(scored.Start, scored.End, ModelOutput.anomaly(allColumns, scored));
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
