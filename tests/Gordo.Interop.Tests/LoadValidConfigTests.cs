namespace Gordo.Interop.Tests;

public class LoadValidConfigTests
{
    private static readonly GordoConfigResult Example = GordoConfig.Load(Conformance.Config("examples__config.yaml"));

    [Fact]
    public void Valid_config_has_no_errors()
    {
        Assert.True(Example.IsValid, string.Join("\n", Example.Diagnostics));
        Assert.Empty(Example.Errors);
        Assert.All(Example.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Machines_have_names_project_and_tags()
    {
        Assert.Equal(new[] { "ct-23-0001", "ct-23-0002", "ct-23-0003" }, Example.Machines.Select(m => m.Name));
        Assert.Equal("example", Example.ProjectName);
        Assert.All(Example.Machines, m => Assert.Equal("example", m.ProjectName));
        Assert.All(Example.Machines, m => Assert.Equal(new[] { "GRA-TAG 1", "GRA-TAG 2", "GRA-TAG 3" }, m.Tags));
        Assert.All(Example.Machines, m => Assert.Equal(m.Tags, m.TargetTags));
    }

    [Fact]
    public void Machines_have_dates_with_offsets_and_dataset_settings()
    {
        var second = Example.Machines[1];
        Assert.Equal(new DateTimeOffset(2018, 5, 20, 1, 0, 4, TimeSpan.FromHours(2)), second.TrainStartDate);
        Assert.Equal(TimeSpan.FromHours(2), second.TrainStartDate.Offset);
        Assert.Equal(new DateTimeOffset(2019, 5, 10, 15, 5, 50, TimeSpan.FromHours(2)), second.TrainEndDate);
        Assert.Equal(new DateTimeOffset(2016, 11, 7, 9, 11, 30, TimeSpan.FromHours(1)), Example.Machines[0].TrainStartDate);
        Assert.Equal("2T", second.Resolution);
        Assert.Equal("gordo_core.data_providers.providers.RandomDataProvider", second.DataProviderType);
    }

    [Fact]
    public void Global_model_is_a_read_only_tree()
    {
        var model = Example.Machines[0].Model;
        Assert.Equal(ModelNodeKind.Class, model.Kind);
        Assert.Equal("gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector", model.ClassPath);

        var baseEstimator = model.Parameters["base_estimator"];
        Assert.Equal(ModelParameterKind.Model, baseEstimator.Kind);
        var pipeline = baseEstimator.Model!;
        Assert.Equal("sklearn.pipeline.Pipeline", pipeline.ClassPath);

        var steps = pipeline.Parameters["steps"];
        Assert.Equal(ModelParameterKind.List, steps.Kind);
        Assert.Equal(2, steps.Items.Count);
        Assert.Equal("sklearn.preprocessing.MinMaxScaler", steps.Items[0].Model!.ClassPath);
        var autoEncoder = steps.Items[1].Model!;
        Assert.Equal("gordo.machine.model.models.KerasAutoEncoder", autoEncoder.ClassPath);
        Assert.Equal(ModelParameterKind.Plain, autoEncoder.Parameters["kind"].Kind);
        Assert.Equal("feedforward_hourglass", autoEncoder.Parameters["kind"].Value);
        Assert.Equal(
            new[]
            {
                "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
                "sklearn.pipeline.Pipeline",
                "sklearn.preprocessing.MinMaxScaler",
                "gordo.machine.model.models.KerasAutoEncoder",
            },
            model.ClassPaths());
    }

    [Fact]
    public void Model_and_parameters_print_as_json()
    {
        var autoEncoder = Example.Machines[0].Model.Parameters["base_estimator"].Model!.Parameters["steps"].Items[1];
        Assert.Equal("{\"gordo.machine.model.models.KerasAutoEncoder\":{\"kind\":\"feedforward_hourglass\"}}", autoEncoder.ToJson());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, autoEncoder.ToJsonElement().ValueKind);
    }

    [Fact]
    public void Normalized_config_is_available_as_yaml_and_json()
    {
        Assert.Contains("machines:", Example.NormalizedYaml);
        Assert.Contains("- name: ct-23-0003", Example.NormalizedYaml);
        using var json = System.Text.Json.JsonDocument.Parse(Example.NormalizedJson!);
        Assert.Equal(3, json.RootElement.GetProperty("machines").GetArrayLength());
    }

    [Fact]
    public void Project_name_option_overrides_metadata_name()
    {
        var result = GordoConfig.Load(
            Conformance.Config("examples__config.yaml"),
            new ConfigLoadOptions { ProjectName = "other-project" });
        Assert.Equal("other-project", result.ProjectName);
        Assert.All(result.Machines, m => Assert.Equal("other-project", m.ProjectName));
    }

    [Fact]
    public void Default_data_provider_option_makes_a_config_valid()
    {
        var file = Conformance.Config(
            "tests__gordo__workflow__test_workflow_generator__data__config-empty-default-data-provider.yml");
        Assert.False(GordoConfig.Load(file).IsValid);

        var result = GordoConfig.Load(file, new ConfigLoadOptions { DefaultDataProvider = "RandomDataProvider" });
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.All(
            result.Machines,
            m => Assert.Equal("gordo_core.data_providers.providers.RandomDataProvider", m.DataProviderType));
    }

    [Fact]
    public async Task LoadAsync_gives_the_same_machines()
    {
        var result = await GordoConfig.LoadAsync(Conformance.Config("examples__config.yaml"), null, CancellationToken.None);
        Assert.True(result.IsValid);
        Assert.Equal(Example.Machines.Select(m => m.Name), result.Machines.Select(m => m.Name));
        Assert.Equal(Example.NormalizedYaml, result.NormalizedYaml);
    }

    [Fact]
    public async Task LoadAsync_honours_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => GordoConfig.LoadAsync(Conformance.Config("examples__config.yaml"), cancelled.Token));
    }
}

public class QuotesAndMetadataTests
{
    private static readonly GordoConfigResult Quotes = GordoConfig.Load(Conformance.Config(
        "tests__gordo__workflow__test_workflow_generator__data__config-test-quotes.yml"));

    [Fact]
    public void Tags_keep_slashes_and_quotes()
    {
        Assert.True(Quotes.IsValid, string.Join("\n", Quotes.Diagnostics));
        Assert.Equal(new[] { "CT/1", "CT\"2", "CT'3" }, Assert.Single(Quotes.Machines).Tags);
    }

    [Fact]
    public void Machine_metadata_is_a_plain_dictionary()
    {
        var metadata = Quotes.Machines[0].Metadata;
        Assert.Equal(new[] { "withSingle", "withDouble", "single'in'key" }, metadata.Keys);
        Assert.Equal("a string with ' in it", metadata["withSingle"]);
        Assert.Equal("why not", metadata["single'in'key"]);
        Assert.Empty(Quotes.Machines[0].GlobalMetadata);
    }

    [Fact]
    public void Nested_lists_and_literals_in_model_parameters_are_plain_or_lists()
    {
        var steps = Quotes.Machines[0].Model.Parameters["steps"].Items;
        var columnTransformer = steps[1].Model!;
        Assert.Equal("sklearn.compose.ColumnTransformer", columnTransformer.ClassPath);
        var transformers = columnTransformer.Parameters["transformers"];
        Assert.Equal(ModelParameterKind.List, transformers.Kind);
        var first = transformers.Items[0];
        Assert.Equal(ModelParameterKind.List, first.Kind);
        Assert.Equal("dropper", first.Items[0].Value);
        Assert.Equal("[[\"dropper\",\"drop\",\"CT'3\"]]", transformers.ToJson());
        var drop = first.Items[1].Model!;
        Assert.Equal(ModelNodeKind.Literal, drop.Kind);
        Assert.Equal("drop", drop.ClassPath);
        Assert.Equal(ModelParameterKind.Plain, columnTransformer.Parameters["remainder"].Kind);
        Assert.Equal("passthrough", columnTransformer.Parameters["remainder"].Value);
    }
}
