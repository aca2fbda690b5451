using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Gordo.Interop.Tests.Server.DetectorCollection;

namespace Gordo.Interop.Tests.Server;

/// <summary>The project page of hosted Gordo endpoints and its ring size option.</summary>
public class GordoProjectPageTests
{
    [Fact]
    public async Task RecentRows_bounds_the_rows_the_project_page_shows_per_model()
    {
        var (revision, model) = Collection();
        using var _ = model;

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

        var times = Enumerable.Range(0, 30).Select(i => Start.AddMinutes(10 * i)).ToArray();
        var frame = new GordoFrame(times, Tags, Cycles(30));
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
