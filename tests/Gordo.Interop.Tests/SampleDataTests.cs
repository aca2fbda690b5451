namespace Gordo.Interop.Tests;

public class SampleDataTests
{
    private static string TempDirectory() =>
        Path.Combine(Path.GetTempPath(), "gordo-interop-sample-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_sample_plant_is_written_and_its_config_reads_its_data()
    {
        var directory = TempDirectory();
        var options = new GordoSampleDataOptions { Days = 2, Interval = TimeSpan.FromMinutes(10), Machines = ["fan-1", "fan-2"], Seed = 7 };

        var written = GordoSampleData.Write(directory, options);

        Assert.Equal(["data.parquet", "events.csv", "gordo-config.yaml"], written.Select(Path.GetFileName));
        var config = GordoConfig.Load(Path.Combine(directory, "gordo-config.yaml"));
        Assert.True(config.IsValid, string.Join("; ", config.Errors.Select(e => e.Message)));
        Assert.Equal(["fan-1", "fan-2"], config.Machines.Select(m => m.Name));
        var data = await Datasets.FetchAsync(Path.Combine(directory, "gordo-config.yaml"), "fan-2");
        Assert.Equal(4, data.XColumns.Count);
        Assert.True(data.RowCount > 100, $"{data.RowCount} rows of 10 minutes");

        var again = TempDirectory();
        GordoSampleData.Write(again, options);
        Assert.Equal(File.ReadAllBytes(Path.Combine(directory, "events.csv")), File.ReadAllBytes(Path.Combine(again, "events.csv")));
    }

    [Fact]
    public void Impossible_options_are_argument_errors_and_write_nothing()
    {
        var directory = TempDirectory();
        Assert.Contains("Days must be at least 1",
            Assert.Throws<ArgumentException>(() => GordoSampleData.Write(directory, new GordoSampleDataOptions { Days = 0 })).Message);
        Assert.Contains("Interval",
            Assert.Throws<ArgumentException>(() => GordoSampleData.Write(directory, new GordoSampleDataOptions { Interval = TimeSpan.Zero })).Message);
        var name = Assert.Throws<ArgumentException>(() => GordoSampleData.Write(directory, new GordoSampleDataOptions { Machines = ["Pump 1"] }));
        Assert.Contains("Pump 1", name.Message);
        Assert.False(Directory.Exists(directory));
    }
}
