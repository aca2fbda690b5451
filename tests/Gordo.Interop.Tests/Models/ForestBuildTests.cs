namespace Gordo.Interop.Tests.Models;

public class ForestBuildTests
{
    private static string WriteProject(string dir) => CsvProject.Write(dir, """
              gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
                base_estimator:
                  sklearn.ensemble.RandomForestRegressor:
                    n_estimators: 20
                    max_features: sqrt
                    random_state: 3
        """);

    [Fact]
    public void Build_builds_a_RandomForestRegressor_machine_that_loads_and_predicts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gordo-interop-forest-" + Guid.NewGuid().ToString("N"));
        var result = GordoBuilder.Build(WriteProject(dir), "pump-1", new GordoBuildOptions(Path.Combine(dir, "out")));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("r2-score", result.Scores.Keys);
        var model = GordoModel.Load(result.ModelDirectory!);
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
        var again = GordoModel.Load(result.ModelDirectory!);
        Assert.Equal(predicted, again.Predict(x));
    }
}
