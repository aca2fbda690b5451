using Gordo.Interop;

namespace Gordo.Interop.Tests;

public class WorkflowTests
{
    private const string Config = """
        machines:
          - name: machine-1
            dataset:
              data_provider: {type: RandomDataProvider}
              tags: [TAG-1, TAG-2]
              train_start_date: 2016-11-07T09:11:30+01:00
              train_end_date: 2018-09-15T03:01:00+01:00
          - name: machine-2
            dataset:
              data_provider: {type: RandomDataProvider}
              tags: [TAG-3]
              train_start_date: 2016-11-07T09:11:30+01:00
              train_end_date: 2018-09-15T03:01:00+01:00
        globals:
          model:
            sklearn.decomposition.PCA: {n_components: 1}
        """;

    private static string WriteConfig(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gordo-wf-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task GeneratesOneValidatedWorkflowPerChunk()
    {
        var path = WriteConfig(Config);
        try
        {
            var options = new WorkflowGenerateOptions
            {
                MachineConfig = path,
                ProjectName = "my-project",
                ProjectRevision = "1700000000000",
                GordoVersion = "1.2.3",
                SplitWorkflows = 1,
            };
            options.Options["ml-server-hpa-type"] = "none";

            var result = await GordoWorkflow.GenerateAsync(options, CancellationToken.None);

            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(2, result.Documents.Count);
            Assert.Contains("generateName: my-project-1700000000000-", result.Documents[0]);
            Assert.Contains("model-builder-machine-2", result.Documents[1]);
            Assert.Contains("gordo-server-hpa-cleanup", result.Yaml);
            Assert.Contains("image: \"localhost/gordo-dotnet:1.2.3\"", result.Yaml);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UsageErrorsAndConfigErrorsAreReported()
    {
        var path = WriteConfig(Config.Replace("tags: [TAG-3]", "tags: []"));
        try
        {
            var usage = new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p", SplitWorkflows = 0 };
            var bad = await GordoWorkflow.GenerateAsync(usage, CancellationToken.None);
            Assert.False(bad.Succeeded);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains(bad.Errors, e => e.Contains("--split-workflows"));

            var config = await GordoWorkflow.GenerateAsync(
                new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p" }, CancellationToken.None);
            Assert.False(config.Succeeded);
            Assert.Equal(1, config.ExitCode);
            Assert.Null(config.Yaml);
            Assert.NotEmpty(config.Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AnUnknownOptionKeyIsAnError()
    {
        var path = WriteConfig(Config);
        try
        {
            var options = new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p" };
            options.Options["ml-server-hpa-typo"] = "none";
            var result = await GordoWorkflow.GenerateAsync(options, CancellationToken.None);
            Assert.False(result.Succeeded);
            Assert.Equal(2, result.ExitCode);
            var error = Assert.Single(result.Errors);
            Assert.Contains("unknown workflow option 'ml-server-hpa-typo'", error);
            Assert.Contains("ml-server-hpa-type", error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
