// The consumer test's app (tests/Consumer/run.fsx copies it into a fresh `dotnet new console`
// project that has only the packed packages). `full`: validate -> build (Dense and LSTM) into a
// served layout -> load and score -> host with AddGordo/MapGordo -> call with the client ->
// generate a workflow. `validate`: validate and generate a workflow only (its bin/ is measured).
using Gordo.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var mode = args[0];
var work = args[1];
Directory.CreateDirectory(work);
var config = Path.Combine(work, "config.yaml");
File.WriteAllText(config, Project.Yaml);

var loaded = await GordoConfig.LoadAsync(config, new ConfigLoadOptions { ProjectName = "consumer" }, CancellationToken.None);
Project.Check(loaded.IsValid, string.Join(Environment.NewLine, loaded.Diagnostics));
Console.WriteLine($"validate: {loaded.Machines.Count} machines");

if (mode == "full")
    await Project.BuildScoreServeAndCallAsync(config, Path.Combine(work, "models", Project.Revision));

var options = new WorkflowGenerateOptions
{
    MachineConfig = config,
    ProjectName = "consumer",
    ProjectRevision = Project.Revision,
    GordoVersion = "0.1.0",
};
var workflow = GordoWorkflow.Generate(options);
Project.Check(workflow.Succeeded, string.Join(Environment.NewLine, workflow.Errors));
Console.WriteLine($"workflow: {workflow.Documents.Count} documents");
Console.WriteLine("consumer: ok");

static class Project
{
    public const string Revision = "1700000000000";
    public static readonly string[] Tags = ["PLANT-FT-011.PV", "PLANT-PT-011.PV", "PLANT-TT-011.PV"];

    public const string Yaml = """
        machines:
          - name: pump-dense
            model:
              gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
                base_estimator:
                  sklearn.pipeline.Pipeline:
                    steps:
                      - sklearn.preprocessing.MinMaxScaler
                      - gordo.machine.model.models.KerasAutoEncoder: {kind: feedforward_hourglass, epochs: 2}
          - name: pump-lstm
            model:
              gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
                base_estimator:
                  sklearn.pipeline.Pipeline:
                    steps:
                      - sklearn.preprocessing.MinMaxScaler
                      - gordo.machine.model.models.KerasLSTMAutoEncoder: {kind: lstm_hourglass, lookback_window: 4, epochs: 1}
        globals:
          dataset:
            tags: [PLANT-FT-011.PV, PLANT-PT-011.PV, PLANT-TT-011.PV]
            train_start_date: 2020-01-01T00:00:00+00:00
            train_end_date: 2020-01-03T00:00:00+00:00
            resolution: 10T
            data_provider: {type: SamplePlantDataProvider, seed: 42}
          evaluation: {cv_mode: full_build}
        """;

    public static void Check(bool condition, string message)
    {
        if (!condition)
            throw new InvalidOperationException("consumer check failed: " + message);
    }

    static double[,] Data(int rows)
    {
        var x = new double[rows, Tags.Length];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < Tags.Length; j++)
                x[i, j] = Math.Sin(i / 6.0 + j) + 0.1 * j;
        return x;
    }

    public static async Task BuildScoreServeAndCallAsync(string config, string revision)
    {
        var results = GordoBuilder.Build(config, new GordoBuildOptions(revision));
        foreach (var result in results)
            Check(result.Succeeded, result.ToString());
        Console.WriteLine($"build: {string.Join(", ", results.Select(r => r.Machine))}");

        var x = Data(60);
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(0, 60).Select(i => start.AddMinutes(10 * i)).ToArray();
        using var model = GordoModel.Load(Path.Combine(revision, "pump-dense"));
        GordoTable scored = model.Anomaly(x, x, Tags, Tags, times, TimeSpan.FromMinutes(10));
        Check(scored.TryGetColumn("total-anomaly-scaled", "", out var local) && local.Count == 60, "local scores");
        Console.WriteLine($"score: {local.Count} rows");

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGordo(o =>
        {
            o.ModelCollectionDirectory = revision;
            o.Project = "consumer";
        });
        await using var app = builder.Build();
        app.MapGordo();
        await app.StartAsync();

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") };
        var client = new GordoClient(http, "consumer");
        var models = await client.GetModelsAsync();
        Check(models.SequenceEqual(["pump-dense", "pump-lstm"]), "served models: " + string.Join(", ", models));
        var frame = new GordoFrame(times, Tags, x);
        foreach (var name in models)
        {
            GordoTable remote = await client.PredictAnomalyAsync(name, frame, frame);
            Check(remote.TryGetColumn("total-anomaly-scaled", "", out var scores) && scores.Count > 0,
                name + ": " + string.Join(", ", remote.Columns.Select(c => c.Name + "/" + c.SubName)));
            Console.WriteLine($"client: {name} {scores.Count} rows");
        }
        // One table type: the served anomaly table of the local model's rows equals the local one.
        var served = await client.PredictAnomalyAsync("pump-dense", frame, frame);
        Check(served.Start.SequenceEqual(scored.Start) && served.End.SequenceEqual(scored.End), "start/end local = served");
        Check(served.TryGetColumn("total-anomaly-scaled", "", out var remoteScores) && remoteScores.SequenceEqual(local),
            "total-anomaly-scaled local = served");

        await app.StopAsync();
    }
}
