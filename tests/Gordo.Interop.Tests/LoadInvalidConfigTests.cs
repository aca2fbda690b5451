namespace Gordo.Interop.Tests;

public class LoadInvalidConfigTests
{
    private const string TwoProblems = """
        machines:
          - name: m1
            dataset:
              data_provider: {type: RandomDataProvider}
              tags: [a, b]
              train_start_date: 2020-01-01T00:00:00+00:00
              train_end_date: 2019-01-01T00:00:00+00:00
            model: sklearn.decomposition.PCA
          - name: m1
            dataset:
              data_provider: {type: RandomDataProvider}
              tags: [a]
              train_start_date: 2020-01-01T00:00:00+00:00
              train_end_date: 2021-01-01T00:00:00+00:00
            model: sklearn.decomposition.PCA
        """;

    [Fact]
    public void Missing_timezone_is_reported_with_code_line_and_column()
    {
        var file = Conformance.Config(
            "tests__gordo__workflow__test_workflow_generator__data__config-test-missing-timezone.yml");
        var result = GordoConfig.Load(file);

        Assert.False(result.IsValid);
        Assert.Empty(result.Machines);
        Assert.Null(result.ProjectName);
        var timezone = Assert.Single(result.Diagnostics, d => d.Code == "GORDO0107");
        Assert.Equal(DiagnosticSeverity.Error, timezone.Severity);
        Assert.Equal(file, timezone.File);
        Assert.Equal(10, timezone.Line);
        Assert.Equal(23, timezone.Column);
        Assert.Equal("machines[0].dataset.train_end_date", timezone.Path);
        Assert.Contains("timezone", timezone.Message);
        Assert.NotNull(timezone.Hint);
        Assert.StartsWith($"{file}:10:23: error GORDO0107: ", timezone.ToString());
    }

    [Fact]
    public void A_string_config_with_two_problems_reports_both()
    {
        var result = GordoConfig.Parse(TwoProblems, "two.yaml");

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Errors.Count);
        var dates = Assert.Single(result.Errors, d => d.Code == "GORDO0109");
        Assert.Equal(("two.yaml", 7, 23), (dates.File, dates.Line, dates.Column));
        var duplicate = Assert.Single(result.Errors, d => d.Code == "GORDO0106");
        Assert.Equal((9, 11), (duplicate.Line, duplicate.Column));
        Assert.Equal("machines[1].name", duplicate.Path);
        Assert.Throws<GordoConfigException>(() => result.ThrowIfInvalid());
    }

    [Fact]
    public void An_MLflow_reporter_is_an_error_before_any_build()
    {
        var result = GordoConfig.Parse("""
            machines:
              - name: m1
                dataset:
                  data_provider: {type: RandomDataProvider}
                  tags: [a, b]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-02T00:00:00+00:00
                model: sklearn.decomposition.PCA
                runtime:
                  reporters: [gordo.reporters.mlflow.MlFlowReporter]
            """, "mlflow.yaml");

        Assert.False(result.IsValid);
        var mlflow = Assert.Single(result.Errors);
        Assert.Equal("GORDO0132", mlflow.Code);
        Assert.Equal((10, 19), (mlflow.Line, mlflow.Column));
        Assert.Contains("PostgresReporter", mlflow.Hint);
    }

    [Fact]
    public void What_the_builder_does_not_implement_is_an_error_before_any_build()
    {
        var result = GordoConfig.Parse("""
            machines:
              - name: m1
                dataset:
                  data_provider: {type: RandomDataProvider}
                  tags: [a, b]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-02T00:00:00+00:00
                model:
                  gordo.model.models.KerasAutoEncoder:
                    kind: feedforward_hourglass
                    optimizer: Ftrl
                    compile_kwargs: {loss: hinge}
              - name: m2
                dataset:
                  data_provider: {type: RandomDataProvider}
                  tags: [a, b]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-02T00:00:00+00:00
                model: {sklearn.cluster.FeatureAgglomeration: {pooling_func: numpy.median}}
                evaluation:
                  metrics: [sklearn.metrics.max_error, mean_gamma_deviance]
            """, "unsupported.yaml");

        Assert.False(result.IsValid);
        Assert.Equal(
            new[] { "GORDO0210", "GORDO0211", "GORDO0209", "GORDO0135" },
            result.Errors.Select(d => d.Code).ToArray());
        Assert.All(result.Errors, d => Assert.False(string.IsNullOrEmpty(d.Hint)));
        var legacy = Assert.Single(result.Diagnostics, d => d.Code == "GORDO0203");
        Assert.Equal(DiagnosticSeverity.Warning, legacy.Severity);
        Assert.Contains("gordo.machine.model.models.KerasAutoEncoder", legacy.Message);
    }

    [Fact]
    public void Yaml_syntax_errors_have_a_position()
    {
        var result = GordoConfig.Parse("machines:\n  - name: [unclosed\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(GordoConfig.DefaultTextName, error.File);
        Assert.True(error.Line > 0);
        Assert.True(error.Column > 0);
        Assert.Null(result.NormalizedYaml);
    }

    [Fact]
    public async Task A_missing_file_is_a_diagnostic_not_an_exception()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".yaml");

        var result = await GordoConfig.LoadAsync(path, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Equal(path, Assert.Single(result.Diagnostics).File);
    }

    [Fact]
    public void Null_arguments_are_rejected_at_the_boundary()
    {
        Assert.Throws<ArgumentNullException>(() => GordoConfig.Load(null!));
        Assert.Throws<ArgumentNullException>(() => GordoConfig.Parse(null!));
    }
}
