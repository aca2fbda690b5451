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
    public void GeneratesOneValidatedWorkflowPerChunk()
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
                ServerScaling = GordoServerScaling.None,
            };

            var result = GordoWorkflow.Generate(options);

            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(WorkflowGenerationStatus.Succeeded, result.Status);
            Assert.Empty(result.Errors);
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
    public void Typed_options_reach_the_generated_workflow()
    {
        var path = WriteConfig(Config);
        try
        {
            var options = new WorkflowGenerateOptions
            {
                MachineConfig = path,
                ProjectName = "typed",
                ProjectRevision = "1",
                GordoVersion = "1.2.3",
                RetryBackoffDuration = TimeSpan.FromSeconds(42),
                RetryBackoffFactor = 7,
                ServerTerminationGracePeriod = TimeSpan.FromSeconds(123),
                ServerLivenessInitialDelay = TimeSpan.FromMinutes(11),
                ServerTargetCpuUtilizationPercentage = 77,
                DockerRegistry = "registry.example",
                DockerRepository = "team",
                LogLevel = "debug",
            };
            options.ServerLabels["team-label"] = "blue";

            var result = GordoWorkflow.Generate(options);

            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            var yaml = result.Yaml!;
            Assert.Contains("duration: \"42s\"", yaml);
            Assert.Contains("factor: 7", yaml);
            Assert.Contains("terminationGracePeriodSeconds: 123", yaml);
            Assert.Contains("initialDelaySeconds: 660", yaml);
            Assert.Contains("77", yaml);
            Assert.Contains("team-label", yaml);
            Assert.Contains("registry.example/team/gordo-dotnet:1.2.3", yaml);
            Assert.Matches("name: GORDO_LOG_LEVEL\\s+value: \"DEBUG\"", yaml);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_option_of_the_command_has_a_typed_property_except_the_file_and_binary_ones()
    {
        var table = Gordo.Workflow.WorkflowOptionSpecs.all.Select(spec => spec.Name).ToList();
        var notForALibrary = new[] { "output-file", "argo-binary" };
        Assert.Equal(table.Except(notForALibrary).OrderBy(n => n), WorkflowArguments.Covered.OrderBy(n => n));
    }

    [Fact]
    public void OptionErrorsAndConfigErrorsAreTypedDiagnostics()
    {
        var path = WriteConfig(Config.Replace("tags: [TAG-3]", "tags: []"));
        try
        {
            var usage = new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p", SplitWorkflows = 0 };
            var bad = GordoWorkflow.Generate(usage);
            Assert.False(bad.Succeeded);
            Assert.Equal(WorkflowGenerationStatus.InvalidOptions, bad.Status);
            var option = Assert.Single(bad.Errors, e => e.Message.Contains("--split-workflows"));
            Assert.Equal("GORDOWF01", option.Code);
            var level = GordoWorkflow.Generate(new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p", LogLevel = "loud" });
            Assert.Equal(WorkflowGenerationStatus.InvalidOptions, level.Status);
            Assert.Contains(level.Errors, e => e.Message.Contains("LogLevel must be one of debug, info, warning, error, critical, got 'loud'"));
            Assert.Equal(DiagnosticSeverity.Error, option.Severity);
            Assert.Equal(path, option.File);

            var keda = GordoWorkflow.Generate(new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p", ServerScaling = GordoServerScaling.Keda });
            Assert.Equal(WorkflowGenerationStatus.InvalidOptions, keda.Status);
            Assert.Contains(keda.Errors, e => e.Message.Contains("--with-keda"));

            var seconds = GordoWorkflow.Generate(new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p", ServerProbeTimeout = TimeSpan.FromMilliseconds(1500) });
            Assert.Equal(WorkflowGenerationStatus.InvalidOptions, seconds.Status);
            Assert.Contains("ServerProbeTimeout must be a whole number of seconds", Assert.Single(seconds.Errors).Message);

            var config = GordoWorkflow.Generate(new WorkflowGenerateOptions { MachineConfig = path, ProjectName = "p" });
            Assert.False(config.Succeeded);
            Assert.Equal(WorkflowGenerationStatus.InvalidConfig, config.Status);
            Assert.Null(config.Yaml);
            var error = Assert.Single(config.Errors);
            Assert.StartsWith("GORDO0", error.Code);
            Assert.Equal(path, error.File);
            Assert.True(error.Line > 0, error.ToString());
            Assert.Contains("machines[1]", error.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
