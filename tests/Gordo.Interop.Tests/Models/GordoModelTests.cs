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
    public async Task FitSaveLoadPredictAndScoreAnomalies()
    {
        var x = Data(150);
        var model = await GordoModel.FitAsync(Definition, x, x, Tags, CancellationToken.None);
        Assert.True(model.IsAnomalyDetector);
        var directory = Path.Combine(Path.GetTempPath(), "gordo-interop-tests", Guid.NewGuid().ToString("N"));
        await model.SaveAsync(directory, CancellationToken.None);

        var loaded = await GordoModel.LoadAsync(directory, CancellationToken.None);
        Assert.Equal(model.Predict(x), loaded.Predict(x));
        Assert.Contains("KerasAutoEncoder", loaded.DefinitionJson);

        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var timestamps = Enumerable.Range(0, 150).Select(i => start.AddMinutes(10 * i)).ToArray();
        var result = loaded.Anomaly(x, x, Tags, Tags, timestamps, TimeSpan.FromMinutes(10));
        Assert.Equal("2024-01-01T00:00:00+00:00", result.Start[0]);
        Assert.Equal("2024-01-01T00:10:00+00:00", result.End[0]);
        Assert.True(result.TryGetColumn("total-anomaly-confidence", "", out var confidence));
        Assert.Equal(150, confidence.Count);
        Assert.All(confidence, v => Assert.True(v >= 0));
        Assert.Equal("model-input", result.Columns[0].Name);
    }

    [Fact]
    public async Task PerColumnArraysAndByteStreamsWork()
    {
        var x = Data(120);
        var model = await GordoModel.FitAsync(Definition, x, x, Tags, CancellationToken.None);
        var copy = await GordoModel.LoadFromBytesAsync(model.ToBytes(), CancellationToken.None);
        var columns = new Dictionary<string, double[]>();
        for (var j = 0; j < 3; j++)
            columns[Tags[j]] = Enumerable.Range(0, 120).Select(i => x[i, j]).ToArray();
        var result = copy.Anomaly(columns);
        Assert.True(result.TryGetColumn("tag-anomaly-scaled", "tag-2", out var scaled));
        Assert.Equal(120, scaled.Count);
        Assert.Null(result.Start[0]);
    }

    [Fact]
    public async Task CorruptBytesFailWithAClearError()
    {
        var error = await Assert.ThrowsAnyAsync<IOException>(() => GordoModel.LoadFromBytesAsync([1, 2, 3], CancellationToken.None));
        Assert.Contains("not a Gordo model archive", error.Message);
    }
}
