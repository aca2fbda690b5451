using System.Collections.ObjectModel;
using Microsoft.FSharp.Collections;
using Core = Gordo.Core;
using Config = Gordo.Core.Config;
using Specs = Gordo.Core.Specs;

namespace Gordo.Interop;

/// <summary>Converts the F# compiler's values into the facade's plain .NET types (the only place F# types are touched).</summary>
internal static class Boundary
{
    private static readonly IReadOnlyDictionary<string, object?> EmptyMap =
        new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>());

    private static readonly IReadOnlyDictionary<string, ModelParameterValue> NoParameters =
        new ReadOnlyDictionary<string, ModelParameterValue>(new Dictionary<string, ModelParameterValue>());

    internal static Config.CompileOptions Options(ConfigLoadOptions? options) =>
        new(Some(options?.ProjectName), Some(options?.DefaultDataProvider));

    internal static Config.DataProvider DataProvider(string text)
    {
        var parsed = Gordo.Client.ClientData.parseDataProvider("dataProviderJson", text);
        return parsed.IsOk ? parsed.ResultValue : throw new ArgumentException(parsed.ErrorValue, "dataProviderJson");
    }

    internal static Microsoft.FSharp.Core.FSharpOption<string>? Some(string? value) =>
        value is null ? null : Microsoft.FSharp.Core.FSharpOption<string>.Some(value);

    internal static GordoConfigResult Result(Config.Compilation compilation)
    {
        var project = compilation.Project?.Value;
        var normalized = compilation.Normalized?.Value;
        var machines = project is null
            ? (IReadOnlyList<Machine>)Array.Empty<Machine>()
            : project.Machines.Select(Machine).ToList().AsReadOnly();
        var diagnostics = compilation.Diagnostics.Select(Diagnostic).ToList().AsReadOnly();
        return new GordoConfigResult(
            project?.Name,
            machines,
            diagnostics,
            () => normalized is null ? null : Config.Print.yaml(Config.Print.normalized(normalized)),
            () => normalized is null ? null : Config.Print.json(Config.Print.normalized(normalized)));
    }

    internal static Diagnostic Diagnostic(Core.Diagnostic d) =>
        new(
            d.Code,
            d.Severity.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            d.Message,
            d.Hint?.Value,
            d.Position.File,
            d.Position.Line,
            d.Position.Column,
            d.Path,
            Core.DiagnosticModule.format(d));

    private static Machine Machine(Config.Machine m)
    {
        var dataset = m.Dataset;
        var tags = TagNames(dataset.TagList);
        var targets = dataset.TargetTagList is null ? tags : TagNames(dataset.TargetTagList.Value);
        return new Machine(
            m.Name,
            m.ProjectName,
            tags,
            targets,
            dataset.TrainStartDate,
            dataset.TrainEndDate,
            dataset.Resolution?.Value,
            dataset.DataProvider.Type,
            Model(m.Model),
            Map(m.Metadata.Machine),
            Map(m.Metadata.Global));
    }

    private static IReadOnlyList<string> TagNames(FSharpList<Config.Tag> tags) =>
        tags.Select(TagName).ToList().AsReadOnly();

    private static string TagName(Config.Tag tag) =>
        tag switch
        {
            Config.Tag.Name name => name.Item,
            Config.Tag.Sensor sensor => sensor.Item.Name,
            _ => throw new InvalidOperationException("unknown tag shape"),
        };

    private static ModelNode Model(Specs.ModelSpec spec) =>
        spec switch
        {
            Specs.ModelSpec.Class c => new ModelNode(
                ModelNodeKind.Class,
                c.classPath,
                Parameters(c.parameters),
                Array.Empty<ModelNode>()),
            Specs.ModelSpec.Steps s => new ModelNode(
                ModelNodeKind.StepList,
                s.classPath,
                NoParameters,
                s.steps.Select(Model).ToList().AsReadOnly()),
            Specs.ModelSpec.Literal l => new ModelNode(
                ModelNodeKind.Literal,
                l.Item,
                NoParameters,
                Array.Empty<ModelNode>()),
            _ => throw new InvalidOperationException("unknown model shape"),
        };

    private static IReadOnlyDictionary<string, ModelParameterValue> Parameters(
        FSharpList<Tuple<string, Specs.Parameter>> parameters)
    {
        var result = new OrderedDictionary<string, ModelParameterValue>();
        foreach (var (name, value) in parameters)
        {
            result[name] = Parameter(value);
        }

        return new ReadOnlyDictionary<string, ModelParameterValue>(result);
    }

    private static ModelParameterValue Parameter(Specs.Parameter parameter) =>
        parameter switch
        {
            Specs.Parameter.Model m => new ModelParameterValue(
                ModelParameterKind.Model, Model(m.Item), Array.Empty<ModelParameterValue>(), null),
            Specs.Parameter.Items items => new ModelParameterValue(
                ModelParameterKind.List, null, items.Item.Select(Parameter).ToList().AsReadOnly(), null),
            Specs.Parameter.Plain plain => new ModelParameterValue(
                ModelParameterKind.Plain, null, Array.Empty<ModelParameterValue>(), Plain(plain.Item)),
            _ => throw new InvalidOperationException("unknown parameter shape"),
        };

    private static IReadOnlyDictionary<string, object?> Map(Core.Value value) =>
        Plain(value) as IReadOnlyDictionary<string, object?> ?? EmptyMap;

    /// <summary>A plain value as null, bool, long, double, string, read-only list or read-only dictionary.</summary>
    internal static object? Plain(Core.Value value) =>
        value switch
        {
            Core.Value.Bool b => b.Item,
            Core.Value.Int i => i.Item,
            Core.Value.Float f => f.Item,
            Core.Value.String s => s.Item,
            Core.Value.List list => list.Item.Select(Plain).ToList().AsReadOnly(),
            Core.Value.Map map => PlainMap(map.Item),
            _ => null,
        };

    private static IReadOnlyDictionary<string, object?> PlainMap(FSharpList<Tuple<string, Core.Value>> entries)
    {
        var result = new OrderedDictionary<string, object?>();
        foreach (var (key, item) in entries)
        {
            result[key] = Plain(item);
        }

        return new ReadOnlyDictionary<string, object?>(result);
    }
}
