using System.Globalization;
using System.Text;

namespace Gordo.Interop.Tests.Models;

public class ForestBuildTests
{
    private static string WriteProject(string dir)
    {
        Directory.CreateDirectory(dir);
        var csv = new StringBuilder("time,A,B,C\n");
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i <= 96; i++)
        {
            var t = start.AddHours(i).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            var x = Math.Sin(i / 6.0);
            csv.Append(CultureInfo.InvariantCulture, $"{t},{x},{2 * x + 0.1 * Math.Cos(i)},{1 - x}\n");
        }

        File.WriteAllText(Path.Combine(dir, "data.csv"), csv.ToString());
        var config = $"""
            machines:
              - name: pump-1
                dataset:
                  tags: [A, B, C]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-05T00:00:00+00:00
                  resolution: 1H
                  data_provider:
                    type: CSVDataProvider
                    file_path: {Path.Combine(dir, "data.csv")}
                    timestamp_column: time
                model:
                  gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
                    base_estimator:
                      sklearn.ensemble.RandomForestRegressor:
                        n_estimators: 20
                        max_features: sqrt
                        random_state: 3
            """;
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, config);
        return path;
    }

    [Fact]
    public async Task BuildAsync_builds_a_RandomForestRegressor_machine_that_loads_and_predicts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gordo-interop-forest-" + Guid.NewGuid().ToString("N"));
        var result = await GordoBuilder.BuildAsync(WriteProject(dir), "pump-1", new GordoBuildOptions(Path.Combine(dir, "out")));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("r2-score", result.Scores.Keys);
        var model = await GordoModel.LoadAsync(result.ModelDirectory!, CancellationToken.None);
        Assert.Contains("RandomForestRegressor", model.DefinitionJson);
        var x = new double[10, 3];
        for (var i = 0; i < 10; i++)
        {
            x[i, 0] = Math.Sin(i / 6.0);
            x[i, 1] = 2 * x[i, 0];
            x[i, 2] = 1 - x[i, 0];
        }

        var predicted = model.Predict(x);
        Assert.Equal(10, predicted.GetLength(0));
        Assert.Equal(3, predicted.GetLength(1));
        var again = await GordoModel.LoadAsync(result.ModelDirectory!, CancellationToken.None);
        Assert.Equal(predicted, again.Predict(x));
    }
}
