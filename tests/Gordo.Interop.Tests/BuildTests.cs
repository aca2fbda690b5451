using System.Globalization;
using System.Text;

namespace Gordo.Interop.Tests;

public class BuildTests
{
    /// <summary>Collects progress synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Recorder(Action<GordoBuildProgress>? onReport = null) : IProgress<GordoBuildProgress>
    {
        public List<GordoBuildProgress> Reports { get; } = [];

        public void Report(GordoBuildProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }

            onReport?.Invoke(value);
        }
    }

    private static string WriteProject(int epochs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gordo-interop-build-" + Guid.NewGuid().ToString("N"));
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
                      sklearn.pipeline.Pipeline:
                        steps:
                          - sklearn.preprocessing.MinMaxScaler
                          - gordo.machine.model.models.KerasAutoEncoder:
                              kind: feedforward_hourglass
                              epochs: {epochs}
              - name: pump-2
                dataset:
                  tags: [A, B]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-05T00:00:00+00:00
                  resolution: 1H
                  data_provider:
                    type: CSVDataProvider
                    file_path: {Path.Combine(dir, "missing.csv")}
                    timestamp_column: time
                model: sklearn.decomposition.PCA
            """;
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, config);
        return path;
    }

    private static string Output() =>
        Path.Combine(Path.GetTempPath(), "gordo-interop-models-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Build_builds_a_machine_end_to_end_with_progress()
    {
        var progress = new Recorder();
        var result = GordoBuilder.Build(WriteProject(2), "pump-1", new GordoBuildOptions(Output()), progress);

        Assert.True(result.Succeeded, result.ToString());
        Assert.InRange(result.Duration, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        Assert.True(File.Exists(Path.Combine(result.ModelDirectory!, "metadata.json")));
        Assert.Contains("r2-score", result.Scores.Keys);
        Assert.Contains("\"model_offset\"", result.MetadataJson);
        var stages = progress.Reports.Select(r => r.Stage).ToList();
        Assert.Equal(GordoBuildStage.FetchingData, stages[0]);
        Assert.Equal(GordoBuildStage.Done, stages[^1]);
        Assert.Contains(progress.Reports, r => r.Stage == GordoBuildStage.Fold && r.Fold == 3 && r.FoldCount == 3);
        Assert.Contains(progress.Reports, r => r.Stage == GordoBuildStage.Epoch && r.Epoch == 2 && r.EpochCount == 2 && r.Loss > 0);
    }

    [Fact]
    public void Build_whole_config_reports_each_machine_and_uses_the_cache()
    {
        var config = WriteProject(1);
        var registry = Path.Combine(Output(), "registry");
        var options = new GordoBuildOptions(Output()) { ModelRegisterDirectory = registry };
        var results = GordoBuilder.Build(config, options);

        Assert.Equal(new[] { "pump-1", "pump-2" }, results.Select(r => r.Machine));
        Assert.True(results[0].Succeeded, results[0].ToString());
        Assert.False(results[1].Succeeded);
        Assert.Equal(GordoBuildFailure.DataProvider, results[1].Failure);
        Assert.Contains("missing.csv", results[1].ErrorMessage);
        Assert.Equal(GordoBuildFailure.None, results[0].Failure);

        var again = GordoBuilder.Build(config, "pump-1", new GordoBuildOptions(Output()) { ModelRegisterDirectory = registry });
        Assert.True(again.FromCache, again.ToString());
    }

    [Fact]
    public void Build_cancelled_during_training_throws_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(r =>
        {
            if (r.Stage == GordoBuildStage.Epoch)
            {
                cancel.Cancel();
            }
        });
        var output = Output();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            GordoBuilder.Build(WriteProject(50), "pump-1", new GordoBuildOptions(output), progress, cancel.Token));

        Assert.False(Directory.Exists(Path.Combine(output, "pump-1")));
    }

    [Fact]
    public void Build_into_an_unwritable_folder_fails_each_machine_with_Output_before_fetching()
    {
        var file = Path.Combine(Path.GetTempPath(), "gordo-interop-file-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "a file, not a folder");
        var progress = new Recorder();

        var results = GordoBuilder.Build(WriteProject(1), new GordoBuildOptions(file), progress);

        Assert.Equal(2, results.Count);
        foreach (var result in results)
        {
            Assert.False(result.Succeeded);
            Assert.Equal(GordoBuildFailure.Output, result.Failure);
            Assert.Contains($"cannot write to the output folder '{file}'", result.ErrorMessage);
        }

        Assert.All(progress.Reports, r => Assert.Equal(GordoBuildStage.Failed, r.Stage));
    }

    [Fact]
    public void Write_writes_report_html_with_each_machines_plots()
    {
        var output = Output();
        var results = GordoBuilder.Build(WriteProject(3), new GordoBuildOptions(output));

        var path = GordoBuildReport.Write(results, output);

        Assert.Equal(Path.Combine(Path.GetFullPath(output), "report.html"), path);
        var html = File.ReadAllText(path);
        var sections = html.Split("<section id=\"machine-");
        Assert.Equal(3, sections.Length);
        var built = sections[1];
        Assert.StartsWith("pump-1\"", built);
        foreach (var title in new[]
                 {
                     "Training loss per epoch (final fit)",
                     "Cross-validation scores per fold",
                     "Total anomaly (scaled) over the training period",
                     "Anomaly per tag (unscaled) against the tag thresholds",
                     "Input tags (as trained on)",
                 })
        {
            Assert.Contains(title, built);
        }

        Assert.Equal(5, built.Split("Plotly.newPlot(").Length - 1);
        var failed = sections[2];
        Assert.StartsWith("pump-2\"", failed);
        Assert.Contains("build failed (exit 30)", failed);
    }

    [Fact]
    public void Write_rejects_missing_results_and_reports_unwritable_directories()
    {
        Assert.Throws<ArgumentException>(() => GordoBuildReport.Write([], Output()));
        var results = GordoBuilder.Build(WriteProject(1), new GordoBuildOptions(Output()) { Machines = ["pump-2"] });
        var blocker = Path.Combine(Path.GetTempPath(), "gordo-report-blocker-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(blocker, "a file, not a directory");
        var error = Assert.Throws<IOException>(() => GordoBuildReport.Write(results, blocker));
        Assert.Contains(blocker, error.Message);
    }

    [Fact]
    public void Build_config_errors_throw_GordoConfigException()
    {
        var path = Path.Combine(Path.GetTempPath(), "gordo-bad-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, "machines:\n  - name: Bad_Name\n    dataset: {tags: [a]}\n");
        Assert.Throws<GordoConfigException>(() => GordoBuilder.Build(path, new GordoBuildOptions(Output())));
    }
}
