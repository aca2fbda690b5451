namespace Gordo.Interop.Tests.Models;

public class GordoModelTests
{
    private const string Definition = """
        {"gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector": {
            "base_estimator": {"sklearn.pipeline.Pipeline": {"steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"gordo.machine.model.models.KerasAutoEncoder": {"kind": "feedforward_hourglass", "epochs": 3}}]}},
            "window": 6}}
        """;

    private static readonly string[] Tags = ["tag-1", "tag-2", "tag-3"];

    private static double[,] Data(int rows)
    {
        var x = new double[rows, 3];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < 3; j++)
                x[i, j] = Math.Sin(i / 6.0 + j) + 0.1 * j;
        return x;
    }

    [Fact]
    public void FitSaveLoadPredictAndScoreAnomalies()
    {
        var x = Data(150);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        Assert.True(model.IsAnomalyDetector);
        var directory = Path.Combine(Path.GetTempPath(), "gordo-interop-tests", Guid.NewGuid().ToString("N"));
        model.Save(directory);

        using var loaded = GordoModel.Load(directory);
        Assert.Equal(model.Predict(x), loaded.Predict(x));
        Assert.Contains("KerasAutoEncoder", loaded.DefinitionJson);

        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var timestamps = Enumerable.Range(0, 150).Select(i => start.AddMinutes(10 * i)).ToArray();
        var result = loaded.Anomaly(x, x, Tags, Tags, timestamps, TimeSpan.FromMinutes(10));
        Assert.Equal(start, result.Start[0]);
        Assert.Equal(start.AddMinutes(10), result.End[0]);
        Assert.Equal(timestamps.Select(t => (DateTimeOffset?)t), result.Index);
        Assert.True(result.TryGetColumn("total-anomaly-confidence", "", out var confidence));
        Assert.Equal(150, confidence.Count);
        Assert.All(confidence, v => Assert.True(v >= 0));
        Assert.Equal("model-input", result.Columns[0].Name);
    }

    [Fact]
    public void The_smoothed_columns_come_only_with_allColumns_as_from_the_server()
    {
        var x = Data(120);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        static bool Smoothed(GordoTable t) => t.Columns.Any(c => c.Name.StartsWith("smooth-", StringComparison.Ordinal));

        var table = model.Anomaly(x, x, Tags, Tags);
        var all = model.Anomaly(x, x, Tags, Tags, allColumns: true);

        Assert.False(Smoothed(table), string.Join(", ", table.Columns.Select(c => c.Name).Distinct()));
        Assert.True(all.TryGetColumn("smooth-total-anomaly-scaled", "", out var smoothed));
        Assert.Equal(120, smoothed.Count);
        Assert.Equal(table.Columns.Count, all.Columns.Count(c => !c.Name.StartsWith("smooth-", StringComparison.Ordinal)));
        foreach (var column in table.Columns)
        {
            Assert.True(all.TryGetColumn(column.Name, column.SubName, out var values), $"{column.Name}|{column.SubName}");
            Assert.Equal(column.Values, values);
        }
    }

    [Fact]
    public void PerColumnArraysAndByteStreamsWork()
    {
        var x = Data(120);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        using var copy = GordoModel.LoadFromBytes(model.ToBytes());
        var columns = new Dictionary<string, double[]>();
        for (var j = 0; j < 3; j++)
            columns[Tags[j]] = Enumerable.Range(0, 120).Select(i => x[i, j]).ToArray();
        var result = copy.Anomaly(columns);
        Assert.True(result.TryGetColumn("tag-anomaly-scaled", "tag-2", out var scaled));
        Assert.Equal(120, scaled.Count);
        Assert.Null(result.Start[0]);
    }

    [Fact]
    public void CorruptBytesFailWithGordoArtifactException()
    {
        var error = Assert.Throws<GordoArtifactException>(() => GordoModel.LoadFromBytes([1, 2, 3]));
        Assert.Contains("not a Gordo model archive", error.Message);
        Assert.IsAssignableFrom<IOException>(error);
    }

    [Fact]
    public void ACorruptArtifactDirectoryFailsWithGordoArtifactException()
    {
        var x = Data(60);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        var directory = Path.Combine(Path.GetTempPath(), "gordo-interop-tests", Guid.NewGuid().ToString("N"));
        model.Save(directory);
        var info = Path.Combine(directory, "info.json");
        Assert.True(File.Exists(info), string.Join(", ", Directory.GetFiles(directory).Select(Path.GetFileName)));
        File.WriteAllText(info, "{ not json");

        var corrupt = Assert.Throws<GordoArtifactException>(() => GordoModel.Load(directory));
        Assert.Contains("corrupt", corrupt.Message);
        var missing = Assert.Throws<GordoArtifactException>(() => GordoModel.Load(directory + "-missing"));
        Assert.Contains("-missing", missing.Message);
    }

    [Fact]
    public void BadInputToAModelFailsWithGordoModelInputException()
    {
        var x = Data(60);
        using var model = GordoModel.Fit(Definition, x, x, Tags);

        var features = Assert.Throws<GordoModelInputException>(() => model.Predict(new double[5, 2]));
        Assert.Contains("X has 2 features, but the model was fitted with 3", features.Message);
        var infinite = Data(10);
        infinite[4, 1] = double.PositiveInfinity;
        var missing = Assert.Throws<GordoModelInputException>(() => model.Anomaly(infinite, infinite, Tags, Tags));
        Assert.Contains("infinity at row 5, column 2 (counted from 1)", missing.Message);
        Assert.Throws<GordoModelInputException>(() => GordoModel.Fit(Definition, new double[0, 3], new double[0, 3], Tags));
    }

    [Fact]
    public void ABadDefinitionFailsWithGordoModelDefinitionException()
    {
        var x = Data(20);
        var unknown = Assert.Throws<GordoModelDefinitionException>(() => GordoModel.Fit("\"sklearn.nope.Missing\"", x, x, Tags));
        Assert.Contains("sklearn.nope.Missing", unknown.Message);
        Assert.Throws<GordoModelDefinitionException>(() => GordoModel.Fit("{ not json", x, x, Tags));
    }

    [Fact]
    public void No_exception_type_of_the_FSharp_libraries_escapes()
    {
        var x = Data(60);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        var failures = new Action[]
        {
            () => model.Predict(new double[5, 2]),
            () => GordoModel.LoadFromBytes([1, 2, 3]),
            () => GordoModel.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))),
            () => GordoModel.Fit("\"sklearn.nope.Missing\"", x, x, Tags),
            () => model.Anomaly(new double[5, 2], new double[5, 2], ["a", "b"], ["a", "b"]),
        };
        foreach (var failure in failures)
        {
            var error = Record.Exception(failure);
            Assert.NotNull(error);
            Assert.StartsWith("Gordo.Interop.", error.GetType().FullName);
        }
    }

    [Fact]
    public void A_disposed_model_throws_ObjectDisposedException_and_a_second_Dispose_is_harmless()
    {
        var x = Data(60);
        var model = GordoModel.Fit(Definition, x, x, Tags);
        var copy = model.WithMetadataJson("{}");
        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Predict(x));
        Assert.Throws<ObjectDisposedException>(() => model.Anomaly(x, x, Tags, Tags));
        Assert.Throws<ObjectDisposedException>(() => model.ToBytes());
        Assert.Throws<ObjectDisposedException>(() => model.Save(Path.GetTempPath()));
        Assert.Throws<ObjectDisposedException>(() => model.MetadataJson);
        Assert.Throws<ObjectDisposedException>(() => model.IsAnomalyDetector);
        // A copy from WithMetadataJson shares the fitted model and still predicts.
        Assert.Equal(60, copy.Predict(x).GetLength(0));
    }
}
