using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gordo.Interop.Tests.Server;

/// <summary>The project page of hosted Gordo endpoints and its ring size option.</summary>
public class GordoProjectPageTests
{
    private const string Definition = """
        {"gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector": {
            "base_estimator": {"sklearn.pipeline.Pipeline": {"steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"gordo.machine.model.models.KerasAutoEncoder": {"kind": "feedforward_hourglass", "epochs": 2}}]}}}}
        """;

    private const string Metadata = """
        {"name": "detector", "project_name": "proj",
         "dataset": {"tag_list": ["tag-1", "tag-2", "tag-3"], "target_tag_list": [], "resolution": "10T"}}
        """;

    private static readonly string[] Tags = ["tag-1", "tag-2", "tag-3"];

    private static double[,] Data(int rows)
    {
        var x = new double[rows, 3];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < 3; j++)
                x[i, j] = Math.Sin(i / 6.0 + j) + 0.1 * j;
        return x;
    }

    [Fact]
    public async Task RecentRows_bounds_the_rows_the_project_page_shows_per_model()
    {
        var data = Data(120);
        using var model = GordoModel.Fit(Definition, data, data, Tags).WithMetadataJson(Metadata);
        var revision = Path.Combine(Path.GetTempPath(), "gordo-interop-page", Guid.NewGuid().ToString("N"), "100");
        model.Save(Path.Combine(revision, "detector"));

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = revision;
            options.RecentRows = 5;
        });
        await using var app = builder.Build();
        app.MapGordo("/ml");
        await app.StartAsync();
        var http = app.GetTestClient();
        var api = app.GetTestClient();
        api.BaseAddress = new Uri(api.BaseAddress!, "/ml/");
        var client = new GordoClient(api, "proj");

        var empty = await http.GetStringAsync("/ml/gordo/v0/proj/");
        Assert.Contains("No anomaly predictions for this model since the server started", empty);

        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(0, 30).Select(i => start.AddMinutes(10 * i)).ToArray();
        var frame = new GordoFrame(times, Tags, Data(30));
        await client.PredictAnomalyAsync("detector", frame, frame);

        var page = await http.GetStringAsync("/ml/gordo/v0/proj/");
        Assert.Contains("Anomaly score, last 5 rows (of at most 5)", page);
        Assert.Contains("/ml/gordo/v0/proj/_page/plotly.min.js", page);
        var plotly = await http.GetAsync("/ml/gordo/v0/proj/_page/plotly.min.js");
        Assert.True(plotly.IsSuccessStatusCode, "the page's plotly.js is served below the host's prefix");
    }

    [Fact]
    public void A_negative_RecentRows_is_an_options_error_naming_its_variable()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddGordo(options =>
        {
            options.ModelCollectionDirectory = Path.GetTempPath();
            options.RecentRows = -1;
        });
        var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.MapGordo("/ml"));
        Assert.Contains("GORDO_SERVER_RECENT_ROWS must be a whole number from 0 to 1000000, got '-1'", error.Message);
    }
}
