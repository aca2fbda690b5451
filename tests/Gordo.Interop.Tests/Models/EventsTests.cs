using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gordo.Interop.Tests.Models;

/// <summary>Data-quality flags and anomaly events (issue 21), locally and through the server.</summary>
public class EventsTests
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tags = ["A", "B", "C"];

    /// <summary>Row i: a cycle, with seeded noise in training (so that the thresholds are not zero).</summary>
    private static double[] Row(int i, double noise = 0.1)
    {
        var x = Math.Sin(i / 6.0);
        var r = new Random(i);
        double Noise() => noise * (r.NextDouble() - 0.5);
        return [x + Noise(), 2 * x + Noise(), 1 - x + Noise()];
    }

    /// <summary>
    /// A detector with thresholds and a training profile, built from four days of hourly data; its
    /// events list one tag (<c>top_tags: 1</c>, where the defaults list three).
    /// </summary>
    private static (string Revision, GordoModel Model) Build()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gordo-interop-events-" + Guid.NewGuid().ToString("N"));
        var config = CsvProject.Write(dir, """
              gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
                base_estimator:
                  sklearn.pipeline.Pipeline:
                    steps:
                      - sklearn.preprocessing.MinMaxScaler
                      - sklearn.decomposition.PCA: {n_components: 2}
                      - sklearn.linear_model.LinearRegression
        """, i => Row(i), "    events: {top_tags: 1}");
        var revision = Path.Combine(dir, "models", "100");
        var built = GordoBuilder.Build(config, "pump-1", new GordoBuildOptions(revision));
        Assert.True(built.Succeeded, built.ErrorMessage);
        return (revision, GordoModel.Load(built.ModelDirectory!));
    }

    /// <summary>
    /// 48 noise-free hours after training; from hour 20 to 30, B is 5 higher (a fault, out of the training
    /// range) and C is stuck.
    /// </summary>
    private static (double[,] X, DateTimeOffset[] Times) Faulty()
    {
        var x = new double[48, 3];
        for (var i = 0; i < 48; i++)
        {
            var row = Row(97 + i, noise: 0.0);
            for (var j = 0; j < 3; j++)
                x[i, j] = row[j];
            if (i is >= 20 and <= 30)
            {
                x[i, 1] += 5;
                x[i, 2] = 0.25;
            }
        }
        return (x, Enumerable.Range(0, 48).Select(i => Start.AddHours(97 + i)).ToArray());
    }

    private static void AssertTheFault(IReadOnlyList<GordoAnomalyEvent> events, DateTimeOffset[] times)
    {
        var e = Assert.Single(events, e => e.Start <= times[25] && times[25] <= e.End);
        Assert.InRange(e.Start, times[19], times[21]);
        Assert.InRange(e.End, times[29], times[31]);
        Assert.True(e.Peak > 1.5, $"peak {e.Peak}");
        Assert.Equal("B", e.Tags[0].Tag);
        Assert.True(e.Tags[0].Share > 1.0 / 3, $"share of B {e.Tags[0].Share}: more than an even split");
        Assert.True(e.Quality.HasFlag(GordoQualityFlags.OutOfRange), $"quality {e.Quality}");
        Assert.True(e.Quality.HasFlag(GordoQualityFlags.Stuck), $"quality {e.Quality}");
    }

    [Fact]
    public void Quality_flags_are_the_FSharp_bits()
    {
        foreach (var flag in Enum.GetValues<GordoQualityFlags>())
            Assert.Equal(flag.ToString(), ((Gordo.Models.Scoring.QualityFlags)(int)flag).ToString());
    }

    [Fact]
    public async Task A_local_model_flags_quality_and_cuts_one_event_for_the_fault()
    {
        var (_, model) = Build();
        var (x, times) = Faulty();

        var plain = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1));
        Assert.DoesNotContain(plain.Columns, c => c.Name.Contains("data-quality", StringComparison.Ordinal));

        var flagged = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1), quality: true);
        Assert.True(flagged.TryGetColumn("data-quality", "B", out var b));
        Assert.True(flagged.TryGetColumn("total-data-quality", "", out var total));
        Assert.Equal(GordoQualityFlags.None, (GordoQualityFlags)(int)b[10]);
        Assert.Equal(GordoQualityFlags.OutOfRange, (GordoQualityFlags)(int)b[25] & GordoQualityFlags.OutOfRange);
        Assert.True(((GordoQualityFlags)(int)total[25]).HasFlag(GordoQualityFlags.Stuck));

        AssertTheFault(model.Events(x, x, Tags, Tags, times), times);
    }

    [Fact]
    public async Task The_client_asks_for_quality_and_events_as_the_local_model_computes_them()
    {
        var (revision, model) = Build();
        await using var app = await ServeAsync(revision, "/ml");
        var http = app.GetTestClient();
        http.BaseAddress = new Uri(http.BaseAddress!, "/ml/");
        var client = new GordoClient(http, "proj");
        var (x, times) = Faulty();
        var frame = new GordoFrame(times, Tags, x);

        var served = await client.PredictAnomalyAsync("pump-1", frame, frame, quality: true);
        var local = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1), quality: true);
        foreach (var tag in Tags)
        {
            Assert.True(served.TryGetColumn("data-quality", tag, out var got));
            Assert.True(local.TryGetColumn("data-quality", tag, out var flags));
            Assert.Equal(flags, got);
        }
        Assert.True(served.TryGetColumn("total-data-quality", "", out _));

        var events = await client.GetEventsAsync("pump-1", frame, frame);
        AssertTheFault(events, times);
        var expected = model.Events(x, x, Tags, Tags, times);
        Assert.Equal(expected.Count, events.Count);
        foreach (var (want, got) in expected.Zip(events))
        {
            Assert.Equal((want.Start, want.End, want.Quality), (got.Start, got.End, got.Quality));
            Assert.Equal(want.Peak, got.Peak, 9);
            Assert.Equal(want.Tags.Select(t => t.Tag), got.Tags.Select(t => t.Tag));
        }
    }

    /// <summary>The revision served by AddGordo/MapGordo on a test server (under <paramref name="prefix"/>).</summary>
    private static async Task<WebApplication> ServeAsync(string revision, string prefix = "")
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = revision;
            options.ExpectedModels = ["pump-1"];
        });
        var app = builder.Build();
        app.MapGordo(prefix);
        await app.StartAsync();
        return app;
    }

    /// <summary>A user's forwarder that takes events too: keeps the columns and events it is given.</summary>
    private sealed class EventRecorder : IPredictionForwarder, IAnomalyEventForwarder
    {
        public HashSet<string> Columns { get; } = [];
        public List<GordoAnomalyEvent> Events { get; } = [];

        public Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken)
        {
            lock (Columns) Columns.UnionWith(predictions.Columns);
            return Task.CompletedTask;
        }

        public Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ForwardEventsAsync(GordoForwardedMachine machine, IReadOnlyList<GordoAnomalyEvent> events, CancellationToken cancellationToken)
        {
            lock (Events) Events.AddRange(events);
            return Task.CompletedTask;
        }
    }

    /// <summary>The faulty hours as a CSV data provider (the range client fetches them itself).</summary>
    private static string FaultyProvider(string revision)
    {
        var (x, times) = Faulty();
        var csv = new System.Text.StringBuilder("time,A,B,C\n");
        for (var i = 0; i < times.Length; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{times[i]:yyyy-MM-ddTHH:mm:sszzz},{x[i, 0]:R},{x[i, 1]:R},{x[i, 2]:R}\n");
        var file = Path.Combine(Path.GetDirectoryName(revision)!, "faulty.csv");
        File.WriteAllText(file, csv.ToString());
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "CSVDataProvider", ["file_path"] = file, ["timestamp_column"] = "time",
        });
    }

    [Fact]
    public async Task A_range_prediction_forwards_quality_columns_and_the_events_the_local_model_cuts()
    {
        var (revision, model) = Build();
        await using var app = await ServeAsync(revision);
        var provider = FaultyProvider(revision);
        var (x, times) = Faulty();
        // Registered as a consumer does: the options reach the typed client.
        var services = new ServiceCollection();
        services.AddGordoClient(o =>
        {
            o.BaseAddress = new Uri("http://localhost/");
            o.Project = "proj";
            o.UseParquet = false;
            o.Quality = true;
            o.Events = true;
            o.BackoffBase = TimeSpan.FromMilliseconds(5);
        }).ConfigurePrimaryHttpMessageHandler(() => app.GetTestServer().CreateHandler());
        using var container = services.BuildServiceProvider();
        var client = container.GetRequiredService<IGordoClient>();
        var recorder = new EventRecorder();

        var outcomes = await client.PredictRangeAsync(times[0], times[^1], ["pump-1"], recorder, provider);

        var outcome = Assert.Single(outcomes);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors));
        Assert.Equal(48, outcome.Rows);
        Assert.Contains("data-quality|B", recorder.Columns);
        Assert.Contains("total-data-quality", recorder.Columns);
        AssertTheFault(recorder.Events, times);
        Assert.All(recorder.Events, e => Assert.Single(e.Tags)); // the model's event settings, not the defaults
        var expected = model.Events(x, x, Tags, Tags, times);
        Assert.Equal(expected.Select(e => (e.Start, e.End, e.Quality)), recorder.Events.Select(e => (e.Start, e.End, e.Quality)));

        // The built-in file forwarder takes events too: <machine>.events.json beside the predictions.
        var output = Path.Combine(Path.GetDirectoryName(revision)!, "forwarded");
        var files = await new GordoClient(app.GetTestClient(), new GordoClientOptions
        {
            Project = "proj", UseParquet = false, Events = true, BackoffBase = TimeSpan.FromMilliseconds(5),
        }).PredictRangeAsync(times[0], times[^1], ["pump-1"], new FilePredictionForwarder(output), provider);
        Assert.True(Assert.Single(files).Succeeded, string.Join("; ", files[0].Errors));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "pump-1.events.json")));
        Assert.Equal(expected.Count, json.RootElement.GetArrayLength());
        using var csv = new StreamReader(new System.IO.Compression.GZipStream(
            File.OpenRead(Path.Combine(output, "pump-1.csv.gz")), System.IO.Compression.CompressionMode.Decompress));
        var lines = csv.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal("timestamp", header[0]);
        Assert.Contains("total-anomaly-confidence", header);
        Assert.Equal(49, lines.Length);
        var local = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1));
        Assert.True(local.TryGetColumn("total-anomaly-confidence", "", out var confidence));
        var column = Array.IndexOf(header, "total-anomaly-confidence");
        for (var i = 0; i < 48; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(times[i], DateTimeOffset.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(confidence[i], double.Parse(cells[column], System.Globalization.CultureInfo.InvariantCulture), 9);
        }
    }

    [Fact]
    public async Task Every_operation_of_IGordoClient_reaches_the_served_model()
    {
        var (revision, model) = Build();
        await using var app = await ServeAsync(revision, "/ml");
        var services = new ServiceCollection();
        services.AddGordoClient(o =>
        {
            o.BaseAddress = new Uri("http://localhost/ml/");
            o.Project = "proj";
        }).ConfigurePrimaryHttpMessageHandler(() => app.GetTestServer().CreateHandler());
        using var container = services.BuildServiceProvider();
        var client = container.GetRequiredService<IGordoClient>();
        var (x, times) = Faulty();
        var frame = new GordoFrame(times, Tags, x);

        Assert.Equal(["pump-1"], await client.GetModelsAsync());
        Assert.Equal(["pump-1"], await client.GetExpectedModelsAsync());

        var predicted = await client.PredictAsync("pump-1", frame);
        var expected = model.Predict(x);
        Assert.True(predicted.TryGetColumn("model-output", "B", out var output));
        for (var i = 0; i < 48; i++)
            Assert.Equal(expected[i, 1], output[i], 12);

        var served = await client.PredictAnomalyAsync("pump-1", frame, frame, allColumns: true, quality: true);
        var local = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1), quality: true, allColumns: true);
        Assert.Equal(local.Columns.Select(c => (c.Name, c.SubName)).Order(), served.Columns.Select(c => (c.Name, c.SubName)).Order());

        AssertTheFault(await client.GetEventsAsync("pump-1", frame, frame), times);

        using var downloaded = GordoModel.LoadFromBytes(await client.DownloadModelAsync("pump-1"));
        Assert.Equal(expected, downloaded.Predict(x));
    }

    /// <summary>
    /// The InfluxDB forwarder from C#, into the InfluxDB that <c>.ci/setup.d/40-influxdb.sh</c> starts
    /// (<c>GORDO_TEST_INFLUX_URI</c>; without it, as the F# InfluxDB tests, there is nothing to test against).
    /// </summary>
    [Fact]
    public async Task A_range_prediction_in_Parquet_forwards_predictions_sensors_and_tags_into_InfluxDB()
    {
        var influx = Environment.GetEnvironmentVariable("GORDO_TEST_INFLUX_URI");
        if (string.IsNullOrEmpty(influx))
            return;
        var (revision, model) = Build();
        await using var app = await ServeAsync(revision);
        var database = "csharp_" + Guid.NewGuid().ToString("N")[..8];
        var uri = influx[..(influx.LastIndexOf('/') + 1)] + database;
        var options = new GordoClientOptions
        {
            Project = "proj", UseParquet = true, ForwardResampledSensors = true, BackoffBase = TimeSpan.FromMilliseconds(5),
        };
        options.Metadata["version"] = "7";
        var client = new GordoClient(app.GetTestClient(), options);

        try
        {
            await ForwardAndReadBackAsync(client, revision, model, influx, database, uri);
        }
        finally
        {
            await QueryAsync(influx, database, $"DROP DATABASE \"{database}\"", HttpMethod.Post);
        }
    }

    private static async Task ForwardAndReadBackAsync(GordoClient client, string revision, GordoModel model,
        string influx, string database, string uri)
    {
        var (x, times) = Faulty();
        var outcomes = await client.PredictRangeAsync(times[0], times[^1], ["pump-1"],
            new InfluxPredictionForwarder(uri, recreateDatabase: true), FaultyProvider(revision));

        Assert.True(Assert.Single(outcomes).Succeeded, string.Join("; ", outcomes[0].Errors));
        var local = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromHours(1));
        Assert.True(local.TryGetColumn("total-anomaly-confidence", "", out var confidence));
        var stored = await QueryAsync(influx, database,
            "SELECT \"sensor_value\" FROM \"total-anomaly-confidence\" WHERE \"machine\" = 'pump-1' AND \"version\" = '7'");
        Assert.Equal(48, stored.Count);
        for (var i = 0; i < 48; i++)
            Assert.Equal(confidence[i], stored[i][1].GetDouble(), 9);
        var sensor = await QueryAsync(influx, database, "SELECT \"sensor_value\" FROM \"resampled\" WHERE \"sensor_name\" = 'B'");
        Assert.Equal(Enumerable.Range(0, 48).Select(i => x[i, 1]), sensor.Select(r => r[1].GetDouble()));
    }

    /// <summary>The rows of an InfluxQL query (each: time, then the selected fields).</summary>
    private static async Task<List<System.Text.Json.JsonElement[]>> QueryAsync(string influxUri, string database, string query,
        HttpMethod? method = null)
    {
        var credentials = influxUri[..influxUri.IndexOf('@')].Split(':');
        var host = influxUri[(influxUri.IndexOf('@') + 1)..influxUri.LastIndexOf('/')];
        using var http = new HttpClient();
        var url = $"http://{host}/query?u={credentials[0]}&p={credentials[1]}&db={database}&epoch=s&q={Uri.EscapeDataString(query)}";
        using var response = await http.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, url));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = body.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
            return [];
        return series[0].GetProperty("values").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
    }

    [Fact]
    public async Task Events_without_a_forwarder_that_takes_them_is_an_argument_error()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://localhost/") };
        var client = new GordoClient(http, new GordoClientOptions { Project = "proj", Events = true });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.PredictRangeAsync(
            Start, Start.AddHours(1), null, new PredictionsOnly()));
        Assert.Contains("IAnomalyEventForwarder", error.Message);
    }

    private sealed class PredictionsOnly : IPredictionForwarder
    {
        public Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
