namespace Gordo.Interop.Tests.Models;

public class ScoreTests
{
    private const string LstmDetector = """
        {"gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector": {
            "base_estimator": {"sklearn.pipeline.Pipeline": {"steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"gordo.machine.model.models.KerasLSTMAutoEncoder": {"kind": "lstm_hourglass", "lookback_window": 5, "epochs": 2}}]}}}}
        """;

    private static readonly string[] Tags = ["tag-1", "tag-2"];

    private static double[,] Data(int rows, double scale)
    {
        var x = new double[rows, 2];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < 2; j++)
                x[i, j] = scale * Math.Sin(i / 7.0 + j) + 0.2 * j;
        return x;
    }

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Average(v => (v - mean) * (v - mean));
    }

    /// <summary>scikit-learn's explained variance score of y's last rows against the output, written out.</summary>
    private static double ExplainedVariance(double[,] y, double[,] output)
    {
        var rows = output.GetLength(0);
        var offset = y.GetLength(0) - rows;
        var scores = Enumerable.Range(0, output.GetLength(1)).Select(j =>
        {
            var truth = Enumerable.Range(0, rows).Select(i => y[offset + i, j]).ToArray();
            var residual = Enumerable.Range(0, rows).Select(i => truth[i] - output[i, j]).ToArray();
            return 1.0 - Variance(residual) / Variance(truth);
        });
        return scores.Average();
    }

    private static double[] Column(double[,] m, int j) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => m[i, j]).ToArray();

    [Fact]
    public void ScoreIsTheExplainedVarianceOfTheAlignedTargetAgainstPredict()
    {
        var x = Data(80, 1.0);
        var y = Data(80, 0.8);
        var model = GordoModel.Fit(LstmDetector, x, x, Tags);
        var output = model.Predict(x);
        Assert.Equal(80 - 4, output.GetLength(0));

        var score = model.Score(x, y);
        Assert.Equal(ExplainedVariance(y, output), score, 1e-12);

        var columns = model.Score([Column(x, 0), Column(x, 1)], [Column(y, 0), Column(y, 1)]);
        Assert.Equal(score, columns);
    }

    [Fact]
    public void ModelsWithoutAScoreSaySo()
    {
        var x = Data(20, 1.0);
        var model = GordoModel.Fit("\"sklearn.preprocessing.MinMaxScaler\"", x, x, Tags);
        Assert.Throws<NotSupportedException>(() => model.Score(x, x));
        Assert.Throws<ArgumentNullException>(() => model.Score(null!, x));
    }
}
