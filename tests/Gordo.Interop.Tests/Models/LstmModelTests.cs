namespace Gordo.Interop.Tests.Models;

public class LstmModelTests
{
    private const string Definition = """
        {"gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector": {
            "base_estimator": {"sklearn.pipeline.Pipeline": {"steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"gordo.machine.model.models.KerasLSTMForecast": {"kind": "lstm_hourglass", "lookback_window": 4}}]}}}}
        """;

    private static readonly string[] Tags = ["tag-1", "tag-2", "tag-3"];

    private static double[,] Data(int rows)
    {
        var x = new double[rows, 3];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < 3; j++)
                x[i, j] = Math.Sin(i / 5.0 + j) + 0.1 * j;
        return x;
    }

    [Fact]
    public void LstmArtifactLoadsPredictsAndAlignsAnomalyRows()
    {
        var x = Data(60);
        using var model = GordoModel.Fit(Definition, x, x, Tags);
        var directory = Path.Combine(Path.GetTempPath(), "gordo-interop-lstm", Guid.NewGuid().ToString("N"));
        model.Save(directory);

        using var loaded = GordoModel.Load(directory);
        var prediction = loaded.Predict(x);
        Assert.Equal(60 - 4, prediction.GetLength(0));
        Assert.Equal(3, prediction.GetLength(1));
        Assert.Equal(model.Predict(x), prediction);
        Assert.Contains("\"lookback_window\":4", loaded.DefinitionJson.Replace(" ", ""));

        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var timestamps = Enumerable.Range(0, 60).Select(i => start.AddMinutes(10 * i)).ToArray();
        var result = loaded.Anomaly(x, x, Tags, Tags, timestamps, TimeSpan.FromMinutes(10));
        Assert.Equal(start.AddMinutes(40), result.Start[0]);
        Assert.True(result.TryGetColumn("model-input", "tag-1", out var input));
        Assert.Equal(x[4, 0], input[0]);
        Assert.True(result.TryGetColumn("total-anomaly-confidence", "", out var confidence));
        Assert.Equal(56, confidence.Count);
    }

    [Fact]
    public void A_disposed_LSTM_model_frees_its_predictor_and_throws_ObjectDisposedException()
    {
        var x = Data(40);
        var model = GordoModel.Fit(Definition, x, x, Tags);
        var copy = model.WithMetadataJson("{}");
        var before = model.Predict(x);
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Predict(x));
        // The copy shares the fitted network: its predictor (libtorch tensors) is made again on use.
        Assert.Equal(before, copy.Predict(x));
        copy.Dispose();
    }

    [Fact]
    public void TooFewRowsIsAnExplainedArgumentError()
    {
        using var model = GordoModel.Fit(Definition, Data(40), Data(40), Tags);
        var error = Assert.Throws<GordoModelInputException>(() => model.Predict(Data(3)));
        Assert.Contains("lookback_window (4) must be < the number of rows of X (3)", error.Message);
    }
}
