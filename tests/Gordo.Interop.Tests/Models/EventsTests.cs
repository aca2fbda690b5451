using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
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

    /// <summary>A detector with thresholds and a training profile, built from four days of hourly data.</summary>
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
        """, i => Row(i));
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
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options => options.ModelCollectionDirectory = revision);
        await using var app = builder.Build();
        app.MapGordo("/ml");
        await app.StartAsync();
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
}
