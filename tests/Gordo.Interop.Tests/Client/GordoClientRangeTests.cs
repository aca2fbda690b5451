using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Gordo.Interop.Tests.Client;

public class GordoClientRangeTests
{
    private const string MetadataReply = """
        {"metadata": {"name": "m-1", "dataset": {"type": "RandomDataset", "tag_list": ["TAG-1", "TAG-2"],
         "train_start_date": "2020-01-01T00:00:00+00:00", "train_end_date": "2020-01-02T00:00:00+00:00",
         "data_provider": {"type": "RandomDataProvider", "min_size": 300, "max_size": 400}},
         "metadata": {"build_metadata": {"model": {"model_offset": 0}}}}, "revision": "1"}
        """;

    /// <summary>A scripted server: the first prediction request answers 500, the others echo X's rows.</summary>
    private sealed class ScriptedServer(string prefix = "") : HttpMessageHandler
    {
        public ConcurrentBag<string> Paths { get; } = [];
        public ConcurrentBag<Uri> Uris { get; } = [];
        private int _predictions;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Paths.Add(path);
            Uris.Add(request.RequestUri);
            if (!path.StartsWith(prefix + "/gordo/v0/", StringComparison.Ordinal))
                return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{}") };
            path = path[prefix.Length..];
            string body = path switch
            {
                "/gordo/v0/proj/revisions" => """{"latest": "1", "available-revisions": ["1"]}""",
                "/gordo/v0/proj/models" => """{"models": ["m-1"], "revision": "1"}""",
                "/gordo/v0/proj/m-1/metadata" => MetadataReply,
                _ => "",
            };
            if (path.EndsWith("/prediction", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _predictions) == 1)
                    return new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("{}") };
                var x = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("X");
                var rows = x.EnumerateObject().First().Value.EnumerateObject().Select(r => $"\"{r.Name}\": 2.5");
                body = """{"data": {"model-output": {"TAG-1": {""" + string.Join(", ", rows) + "}}}}";
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    /// <summary>A user's own forwarder: keeps what it is given.</summary>
    private sealed class Recording : IPredictionForwarder
    {
        public List<DateTimeOffset> Times { get; } = [];
        public List<string> Columns { get; } = [];
        public int Completed;

        public Task ForwardPredictionsAsync(GordoForwardedMachine machine, GordoFrame predictions, CancellationToken cancellationToken)
        {
            lock (Times)
            {
                Times.AddRange(predictions.Index);
                Columns.AddRange(predictions.Columns);
            }
            return Task.CompletedTask;
        }

        public Task ForwardResampledAsync(GordoForwardedMachine machine, GordoFrame sensors, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task CompleteAsync(GordoForwardedMachine machine, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Completed);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AddGordoClient_predicts_a_range_with_retries_into_a_custom_forwarder_in_time_order()
    {
        var server = new ScriptedServer();
        var services = new ServiceCollection();
        services.AddGordoClient(o =>
        {
            o.BaseAddress = new Uri("http://gordo-srv-proj/");
            o.Project = "proj";
            o.BatchSize = 40;
            o.Parallelism = 3;
            o.UseParquet = false;
            o.BackoffBase = TimeSpan.FromMilliseconds(5);
        }).ConfigurePrimaryHttpMessageHandler(() => server);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IGordoClient>();
        var forwarder = new Recording();
        var progress = new List<GordoClientProgress>();

        var outcomes = await client.PredictRangeAsync(
            new DateTimeOffset(2020, 1, 1, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 18, 0, 0, TimeSpan.Zero),
            ["m-1"], forwarder, progress: new SynchronousProgress(progress));

        var outcome = Assert.Single(outcomes);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors));
        Assert.True(outcome.Rows > 40, $"several chunks of rows: {outcome.Rows}");
        Assert.Equal(outcome.Rows, forwarder.Times.Count);
        Assert.Equal(forwarder.Times.OrderBy(t => t), forwarder.Times);
        Assert.All(forwarder.Columns, c => Assert.Equal("model-output|TAG-1", c));
        Assert.Equal(1, forwarder.Completed);
        var predictions = server.Paths.Count(p => p.EndsWith("/prediction", StringComparison.Ordinal));
        Assert.Equal((outcome.Rows + 39) / 40 + 1, predictions); // the 500 was retried once
        Assert.Contains(progress, p => p.ChunksDone == p.ChunksTotal && p.ChunksTotal > 1);
    }

    [Fact]
    public async Task A_server_under_a_path_prefix_is_reached_through_the_BaseAddress()
    {
        var server = new ScriptedServer("/apps/ml");
        using var http = new HttpClient(server) { BaseAddress = new Uri("http://gordo-srv/apps/ml/") };
        var client = new GordoClient(http, new GordoClientOptions { Project = "proj", UseParquet = false, BackoffBase = TimeSpan.FromMilliseconds(5) });
        var forwarder = new Recording();

        var outcomes = await client.PredictRangeAsync(
            new DateTimeOffset(2020, 1, 1, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero),
            ["m-1"], forwarder);

        Assert.True(Assert.Single(outcomes).Succeeded, string.Join("; ", outcomes[0].Errors));
        Assert.NotEmpty(forwarder.Times);
        Assert.All(server.Paths, p => Assert.StartsWith("/apps/ml/gordo/v0/proj/", p));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AllColumns_asks_the_server_for_every_column_as_the_CLI_flag_does(bool allColumns)
    {
        var server = new ScriptedServer();
        using var http = new HttpClient(server) { BaseAddress = new Uri("http://gordo-srv/") };
        var client = new GordoClient(http, new GordoClientOptions
        {
            Project = "proj", UseParquet = false, AllColumns = allColumns, BackoffBase = TimeSpan.FromMilliseconds(5),
        });

        var outcomes = await client.PredictRangeAsync(
            new DateTimeOffset(2020, 1, 1, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero),
            ["m-1"], new Recording());

        Assert.True(Assert.Single(outcomes).Succeeded, string.Join("; ", outcomes[0].Errors));
        var predictions = server.Uris.Where(u => u.AbsolutePath.EndsWith("/prediction", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(predictions);
        Assert.All(predictions, u => Assert.Equal(allColumns, u.Query.Contains("all_columns=true", StringComparison.Ordinal)));
    }

    /// <summary>A server that cancels the caller's token on the first prediction and then never answers.</summary>
    private sealed class CancellingServer(CancellationTokenSource cancel) : HttpMessageHandler
    {
        private readonly ScriptedServer _inner = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/prediction", StringComparison.Ordinal))
                return await new HttpMessageInvoker(_inner).SendAsync(request, cancellationToken);
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("not reached");
        }
    }

    [Fact]
    public async Task Cancelling_a_range_prediction_throws_and_completes_no_machine()
    {
        using var cancel = new CancellationTokenSource();
        using var http = new HttpClient(new CancellingServer(cancel)) { BaseAddress = new Uri("http://gordo-srv/") };
        var client = new GordoClient(http, new GordoClientOptions { Project = "proj", UseParquet = false, BackoffBase = TimeSpan.FromMilliseconds(5) });
        var forwarder = new Recording();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PredictRangeAsync(
            new DateTimeOffset(2020, 1, 1, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero),
            ["m-1"], forwarder, cancellationToken: cancel.Token));

        Assert.True(cancel.IsCancellationRequested);
        Assert.Equal(0, forwarder.Completed);
        Assert.Empty(forwarder.Times);
    }

    [Fact]
    public async Task A_start_not_before_the_end_is_an_argument_error()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://localhost/") };
        var client = new GordoClient(http, "proj");
        var t = DateTimeOffset.UnixEpoch;
        await Assert.ThrowsAsync<ArgumentException>(() => client.PredictRangeAsync(t, t, null, new FilePredictionForwarder("out")));
    }

    private sealed class SynchronousProgress(List<GordoClientProgress> list) : IProgress<GordoClientProgress>
    {
        public void Report(GordoClientProgress value)
        {
            lock (list) list.Add(value);
        }
    }
}
