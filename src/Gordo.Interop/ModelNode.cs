using System.Text.Json;

namespace Gordo.Interop;

/// <summary>The three shapes a model definition node can have (spec §2.1).</summary>
public enum ModelNodeKind
{
    /// <summary>A class with keyword parameters: <c>Class</c> or <c>{Class: {param: ...}}</c>.</summary>
    Class,

    /// <summary>A composite in list form: <c>{sklearn.pipeline.Pipeline: [step, ...]}</c>; see <see cref="ModelNode.Steps"/>.</summary>
    StepList,

    /// <summary>A bare string that is not a class: scikit-learn's <c>drop</c> or <c>passthrough</c>.</summary>
    Literal,
}

/// <summary>A read-only node of a model definition: a class path with its parameters.</summary>
public sealed class ModelNode
{
    internal ModelNode(
        ModelNodeKind kind,
        string classPath,
        IReadOnlyDictionary<string, ModelParameterValue> parameters,
        IReadOnlyList<ModelNode> steps)
    {
        Kind = kind;
        ClassPath = classPath;
        Parameters = parameters;
        Steps = steps;
    }

    /// <summary>Which shape this node has.</summary>
    public ModelNodeKind Kind { get; }

    /// <summary>
    /// The class path as written, e.g. <c>sklearn.preprocessing.MinMaxScaler</c>; for a
    /// <see cref="ModelNodeKind.Literal"/> node, the literal itself (<c>drop</c>).
    /// </summary>
    public string ClassPath { get; }

    /// <summary>The keyword parameters in source order (empty for step lists and literals).</summary>
    public IReadOnlyDictionary<string, ModelParameterValue> Parameters { get; }

    /// <summary>The steps of a <see cref="ModelNodeKind.StepList"/> node (empty otherwise).</summary>
    public IReadOnlyList<ModelNode> Steps { get; }

    /// <summary>Every class path in this definition, depth first (literals excluded).</summary>
    /// <returns>The class paths, the root's first.</returns>
    public IEnumerable<string> ClassPaths()
    {
        if (Kind != ModelNodeKind.Literal)
        {
            yield return ClassPath;
        }

        foreach (var step in Steps)
        {
            foreach (var path in step.ClassPaths())
            {
                yield return path;
            }
        }

        foreach (var parameter in Parameters.Values)
        {
            foreach (var path in parameter.ClassPaths())
            {
                yield return path;
            }
        }
    }

    /// <summary>The definition as JSON, in the config's own form (<c>{"class.path": {...}}</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => Json.Write(WriteJson);

    internal void WriteJson(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ModelNodeKind.Literal:
                writer.WriteStringValue(ClassPath);
                break;
            case ModelNodeKind.StepList:
                writer.WriteStartObject();
                writer.WriteStartArray(ClassPath);
                foreach (var step in Steps)
                {
                    step.WriteJson(writer);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject();
                writer.WriteStartObject(ClassPath);
                foreach (var (name, value) in Parameters)
                {
                    writer.WritePropertyName(name);
                    value.WriteJson(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>The class path (and the number of parameters or steps).</summary>
    /// <returns>A short description.</returns>
    public override string ToString() =>
        Kind switch
        {
            ModelNodeKind.StepList => $"{ClassPath} [{Steps.Count} steps]",
            ModelNodeKind.Literal => ClassPath,
            _ => $"{ClassPath} ({Parameters.Count} parameters)",
        };
}
