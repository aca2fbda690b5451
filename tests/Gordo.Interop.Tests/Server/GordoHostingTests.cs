using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Gordo.Interop.Tests.Server.DetectorCollection;

namespace Gordo.Interop.Tests.Server;

public class GordoHostingTests
{
    private static async Task<(WebApplication App, GordoClient Client, HttpClient Http)> HostAsync(
        string directory, int? maxConcurrentPredictions = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = directory;
            options.ExpectedModels = ["detector", "other"];
            options.MaxConcurrentPredictions = maxConcurrentPredictions;
        });
        var app = builder.Build();
        app.MapGet("/hello", () => "hello from the host");
        app.MapGordo("/ml");
        await app.StartAsync();
        var http = app.GetTestClient();
        var api = app.GetTestClient();
        api.BaseAddress = new Uri(api.BaseAddress!, "/ml/");
        return (app, new GordoClient(api, "proj"), http);
    }

    private static GordoFrame Frame(double[,] values) =>
        new(Enumerable.Range(0, values.GetLength(0)).Select(i => Start.AddMinutes(10 * i)).ToArray(), Tags, values);

    [Fact]
    public async Task Hosted_endpoints_answer_the_typed_client_beside_the_hosts_own_routes()
    {
        var (directory, model) = Collection();
        var (app, client, http) = await HostAsync(directory);
        await using var _ = app;

        Assert.Equal(["detector"], await client.GetModelsAsync());
        var revisions = await client.GetRevisionsAsync();
        Assert.Equal("100", revisions.Latest);
        Assert.Equal(["100"], revisions.Available);
        Assert.Equal(["detector", "other"], await client.GetExpectedModelsAsync());

        var metadata = await client.GetMetadataAsync("detector");
        Assert.Equal("100", metadata.Revision);
        Assert.Equal(Tags, metadata.Tags);
        Assert.Equal(Tags, metadata.TargetTags);
        Assert.Contains("\"resolution\":\"10T\"", metadata.MetadataJson);

        var hello = await http.GetAsync("/hello");
        Assert.Equal("hello from the host", await hello.Content.ReadAsStringAsync());
        Assert.False(hello.Headers.Contains("revision"), "the host's own endpoints get no Gordo headers");
        var healthcheck = await http.GetAsync("/ml/healthcheck");
        Assert.Equal(HttpStatusCode.OK, healthcheck.StatusCode);
        Assert.Equal("100", healthcheck.Headers.GetValues("revision").Single());
    }

    [Fact]
    public async Task One_prediction_computing_at_a_time_still_answers_every_concurrent_request()
    {
        var (directory, model) = Collection();
        var (app, client, _) = await HostAsync(directory, maxConcurrentPredictions: 1);
        await using var __ = app;
        var x = Cycles(30);
        var expected = model.Predict(x);

        var predictions = await Task.WhenAll(
            Enumerable.Range(0, 12).Select(_ => client.PredictAsync("detector", Frame(x))));

        foreach (var prediction in predictions)
        {
            Assert.True(prediction.TryGetColumn("model-output", "tag-2", out var output));
            Assert.Equal(expected[7, 1], output[7], 12);
        }
    }

    [Fact]
    public void A_concurrency_limit_below_one_is_an_options_error_naming_its_variable()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGordo(options => options.MaxConcurrentPredictions = 0);
        var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.MapGordo("/ml"));
        Assert.Contains("MAX_CONCURRENT_PREDICTIONS must be a positive integer, got '0'", error.Message);
    }

    [Fact]
    public async Task Predictions_through_the_client_equal_the_local_model()
    {
        var (directory, model) = Collection();
        var (app, client, _) = await HostAsync(directory);
        await using var __ = app;
        var x = Cycles(30);

        var prediction = await client.PredictAsync("detector", Frame(x));
        var expected = model.Predict(x);
        Assert.Equal(30, prediction.RowCount);
        Assert.Equal(Start, prediction.Index[0]);
        Assert.Equal(Start.AddMinutes(290), prediction.Index[29]);
        Assert.Equal("100", prediction.Revision);
        Assert.True(prediction.TryGetColumn("model-output", "tag-2", out var output));
        for (var i = 0; i < 30; i++)
            Assert.Equal(expected[i, 1], output[i], 12);
    }

    [Fact]
    public async Task Local_and_served_anomaly_tables_are_one_type_and_equal_column_by_column()
    {
        var (directory, model) = Collection();
        var (app, client, _) = await HostAsync(directory);
        await using var __ = app;
        var x = Cycles(30);
        var times = Enumerable.Range(0, 30).Select(i => Start.AddMinutes(10 * i)).ToArray();

        GordoTable served = await client.PredictAnomalyAsync("detector", Frame(x), Frame(x));
        GordoTable local = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromMinutes(10));

        Assert.Null(local.Revision);
        Assert.Equal("100", served.Revision);
        Assert.NotNull(served.ServerTime);
        Assert.Null(local.ServerTime);
        Assert.Equal(local.RowCount, served.RowCount);
        Assert.Equal(local.Index, served.Index);
        Assert.Equal(local.Start, served.Start);
        Assert.Equal(local.End, served.End);
        Assert.Equal(Start.AddMinutes(10), served.End[0]);
        var names = (GordoTable t) => t.Columns.Select(c => (c.Name, c.SubName)).OrderBy(n => n).ToArray();
        Assert.Equal(names(local), names(served));
        Assert.Contains(("total-anomaly-scaled", ""), names(served));
        Assert.Contains(("tag-anomaly-scaled", "tag-2"), names(served));
        foreach (var column in local.Columns)
        {
            Assert.True(served.TryGetColumn(column.Name, column.SubName, out var values), $"{column.Name}|{column.SubName}");
            Assert.Equal(column.Values, values);
        }
        Assert.DoesNotContain(served.Columns, c => c.Name.StartsWith("smooth-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Downloaded_models_load_and_errors_raise_GordoApiException_with_the_servers_message()
    {
        var (directory, model) = Collection();
        var (app, client, _) = await HostAsync(directory);
        await using var __ = app;

        var bytes = await client.DownloadModelAsync("detector");
        using var downloaded = GordoModel.LoadFromBytes(bytes);
        Assert.Equal(model.Predict(Cycles(10)), downloaded.Predict(Cycles(10)));

        var missing = await Assert.ThrowsAsync<GordoApiException>(() => client.GetMetadataAsync("missing"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("missing", missing.ServerMessage);
        Assert.DoesNotContain("<", missing.ServerMessage);
        var revision = await Assert.ThrowsAsync<GordoApiException>(() => client.GetModelsAsync("999"));
        Assert.Equal(HttpStatusCode.Gone, revision.StatusCode);
        Assert.Equal("Revision '999' not found.", revision.ServerMessage);
        Assert.EndsWith(": Revision '999' not found.", revision.Message);
        var features = await Assert.ThrowsAsync<GordoApiException>(() =>
            client.PredictAsync("detector", new GordoFrame([Start], ["a"], new double[1, 1]), null));
        Assert.Equal(HttpStatusCode.BadRequest, features.StatusCode);
        Assert.Contains("Unexpected features", features.ServerMessage);
        var noY = await Assert.ThrowsAsync<GordoApiException>(() =>
            client.PredictAnomalyAsync("detector", Frame(Cycles(3)), new GordoFrame([], Tags, new double[0, 3])));
        Assert.Equal(HttpStatusCode.BadRequest, noY.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(noY.ServerMessage));
        Assert.DoesNotContain("<", noY.ServerMessage);
    }

    [Fact]
    public async Task An_HTML_error_page_is_described_not_copied_into_GordoApiException()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        // A host (or proxy) without Gordo's endpoints: its error page is HTML.
        app.MapFallback(context =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>");
        });
        await app.StartAsync();
        var client = new GordoClient(app.GetTestClient(), "proj");

        var error = await Assert.ThrowsAsync<GordoApiException>(() => client.GetModelsAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("an HTML page titled '502 Bad Gateway'", error.ServerMessage);
        Assert.Contains("/gordo/v0/proj/models", error.ServerMessage);
        Assert.Contains("BaseAddress", error.ServerMessage);
        Assert.DoesNotContain("<", error.ServerMessage);
    }

    [Fact]
    public void MapGordo_without_AddGordo_says_what_to_do()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapGordo());
        Assert.Contains("AddGordo", error.Message);
    }

    [Fact]
    public async Task Access_control_from_AddGordo_answers_401_without_a_key_and_serves_the_key()
    {
        var (directory, _) = Collection();
        var keys = Path.Combine(Path.GetDirectoryName(directory)!, "keys.txt");
        await File.WriteAllTextAsync(keys, "reader-key read\n");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = directory;
            options.ApiKeysFile = keys;
        });
        await using var app = builder.Build();
        app.MapGet("/hello", () => "hello from the host");
        app.MapGordo("/ml");
        await app.StartAsync();

        var anonymous = app.GetTestClient();
        anonymous.BaseAddress = new Uri(anonymous.BaseAddress!, "/ml/");
        var refused = await Assert.ThrowsAsync<GordoApiException>(() => new GordoClient(anonymous, "proj").GetModelsAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthcheck")).StatusCode);
        Assert.Equal("hello from the host", await app.GetTestClient().GetStringAsync("/hello"));

        var keyed = app.GetTestClient();
        keyed.BaseAddress = new Uri(keyed.BaseAddress!, "/ml/");
        var client = new GordoClient(keyed, new GordoClientOptions { Project = "proj", ApiKey = "reader-key" });
        Assert.Equal(["detector"], await client.GetModelsAsync());
        var forbidden = await Assert.ThrowsAsync<GordoApiException>(() => client.DownloadModelAsync("detector"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    /// <summary>Keeps the host's log messages.</summary>
    private sealed class LogLines : ILoggerProvider, ILogger
    {
        private readonly List<string> _lines = [];

        public string[] Lines
        {
            get
            {
                lock (_lines) return [.. _lines];
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Hosted_options_meter_requests_limit_bodies_preload_models_and_take_one_key()
    {
        var (directory, _) = Collection();
        var logs = new LogLines();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = directory;
            options.ExpectedModels = ["detector"];
            options.EnablePrometheus = true;
            options.PreloadExpectedModels = true;
            options.MaxRequestBodyMegabytes = 1;
            options.CachedModelsMegabytes = 64;
            options.ApiKey = "the-one-key";
            options.Anonymous = ["metrics"];
        });
        var app = builder.Build();
        app.MapGordo("/ml");
        await app.StartAsync();
        await using var _ = app;
        HttpClient Http(string? key)
        {
            var http = app.GetTestClient();
            http.BaseAddress = new Uri(http.BaseAddress!, "/ml/");
            if (key is not null)
                http.DefaultRequestHeaders.Add("X-API-Key", key);
            return http;
        }

        var refused = await Assert.ThrowsAsync<GordoApiException>(() => new GordoClient(Http(null), "proj").GetModelsAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var prediction = await new GordoClient(Http("the-one-key"), "proj").PredictAsync("detector", Frame(Cycles(10)));
        Assert.Equal(10, prediction.RowCount);

        using var tooLarge = await Http("the-one-key").PostAsync("gordo/v0/proj/detector/prediction",
            new ByteArrayContent(new byte[1_200_000]) { Headers = { { "Content-Type", "application/json" } } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("MAX_REQUEST_BODY_MB", await tooLarge.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Http(null).GetAsync("healthcheck")).StatusCode);

        // Anonymous = metrics: the figures need no key; the health check is not metered.
        var metrics = await Http(null).GetStringAsync("metrics");
        var served = metrics.Split('\n').Where(l => l.StartsWith("gordo_server_requests_total{", StringComparison.Ordinal)).ToList();
        Assert.Contains(served, l => l.Contains("model=\"detector\"") && l.Contains("/prediction") && l.Contains("status_code=\"200\"") && l.EndsWith(" 1"));
        Assert.Contains(served, l => l.Contains("status_code=\"413\"") && l.EndsWith(" 1"));
        Assert.DoesNotContain(served, l => l.Contains("healthcheck"));
        Assert.Contains("gordo_server_request_duration_seconds_bucket{", metrics);

        // The expected models load in the background once the host has started.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.Lines.Any(l => l.StartsWith("preloaded 1 models", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Contains(logs.Lines, l => l.StartsWith("preloaded 1 models", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_EnablePrometheus_a_hosted_server_has_no_metrics_route()
    {
        var (directory, _) = Collection();
        var (app, _, http) = await HostAsync(directory);
        await using var __ = app;
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/ml/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_missing_model_directory_fails_the_host_not_the_requests()
    {
        var missing = Path.Combine(Path.GetTempPath(), "gordo-interop-hosting", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options => options.ModelCollectionDirectory = missing);
        await using var app = builder.Build();

        // MapGordo reads the options first; without it, the host's start (ValidateOnStart) fails.
        var error = Assert.Throws<OptionsValidationException>(() => app.MapGordo());
        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }

    [Fact]
    public async Task AddGordo_binds_its_options_from_configuration()
    {
        var (directory, _) = Collection();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gordo:ModelCollectionDirectory"] = directory,
            ["Gordo:Project"] = "from-config",
            ["Gordo:ExpectedModels:0"] = "detector",
        });
        builder.Services.AddGordo(builder.Configuration.GetSection("Gordo"));
        await using var app = builder.Build();
        app.MapGordo();
        await app.StartAsync();

        var client = new GordoClient(app.GetTestClient(), "from-config");
        Assert.Equal(["detector"], await client.GetModelsAsync());
        Assert.Equal(["detector"], await client.GetExpectedModelsAsync());
    }
}
