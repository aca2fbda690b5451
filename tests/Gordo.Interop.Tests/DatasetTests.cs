using System.Globalization;
using System.Text;

namespace Gordo.Interop.Tests;

public class DatasetTests
{
    private static string WriteProject()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gordo-interop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var csv = new StringBuilder("time,A,B\n");
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i <= 24; i++)
        {
            var t = start.AddHours(i).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{t},{i},{2 * i}\n");
        }

        File.WriteAllText(Path.Combine(dir, "data.csv"), csv.ToString());
        var config = $"""
            machines:
              - name: pump-1
                dataset:
                  tags: [A, B]
                  target_tag_list: [B]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-02T00:00:00+00:00
                  resolution: 1H
                  row_filter: "A >= 2"
                  data_provider:
                    type: CSVDataProvider
                    file_path: {Path.Combine(dir, "data.csv")}
                    timestamp_column: time
                model: sklearn.preprocessing.MinMaxScaler
            """;
        var path = Path.Combine(dir, "config.yaml");
        File.WriteAllText(path, config);
        return path;
    }

    [Fact]
    public async Task FetchAsync_returns_X_y_and_timestamps()
    {
        var data = await Datasets.FetchAsync(WriteProject(), "pump-1", CancellationToken.None);

        Assert.Equal(23, data.RowCount);
        Assert.Equal(new[] { "A", "B" }, data.XColumns);
        Assert.Equal(new[] { "B" }, data.YColumns);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 2, 0, 0, TimeSpan.Zero), data.Timestamps[0]);
        Assert.True(data.TryGetXColumn("B", out var b));
        Assert.Equal(4.0, b[0]);
        Assert.Equal(48.0, data.Y[0][22]);
    }

    [Fact]
    public async Task FetchAsync_takes_the_default_data_provider_of_the_CLI()
    {
        var path = Path.Combine(Path.GetTempPath(), "gordo-interop-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, """
            machines:
              - name: fan-1
                dataset:
                  tags: [T-1, T-2]
                  train_start_date: 2020-01-01T00:00:00+00:00
                  train_end_date: 2020-01-03T00:00:00+00:00
                  resolution: 10T
                model: sklearn.preprocessing.MinMaxScaler
            """);

        var missing = await Assert.ThrowsAsync<GordoDatasetException>(() => Datasets.FetchAsync(path, "fan-1"));
        Assert.Contains("data_provider", missing.Message);
        var data = await Datasets.FetchAsync(path, "fan-1",
            new ConfigLoadOptions { DefaultDataProvider = "RandomDataProvider", ProjectName = "fans" });
        Assert.Equal(new[] { "T-1", "T-2" }, data.XColumns);
        Assert.True(data.RowCount > 100, $"{data.RowCount} rows");
        Assert.All(data.Timestamps, t => Assert.InRange(t, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2020, 1, 3, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task FetchAsync_unknown_machine_names_the_machines()
    {
        var error = await Assert.ThrowsAsync<GordoDatasetException>(
            () => Datasets.FetchAsync(WriteProject(), "nope", CancellationToken.None));
        Assert.Contains("no machine 'nope'", error.Message);
        Assert.Contains("pump-1", error.Message);
    }

    [Fact]
    public async Task FetchAsync_missing_file_is_a_dataset_error()
    {
        var config = WriteProject();
        File.Delete(Path.Combine(Path.GetDirectoryName(config)!, "data.csv"));
        var error = await Assert.ThrowsAsync<GordoDatasetException>(
            () => Datasets.FetchAsync(config, "pump-1", CancellationToken.None));
        Assert.Contains("machine 'pump-1'", error.Message);
        Assert.Contains("file not found", error.Message);
    }
}
