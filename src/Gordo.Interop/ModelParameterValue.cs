using System.Text.Json;

namespace Gordo.Interop;

/// <summary>What a model parameter holds.</summary>
public enum ModelParameterKind
{
    /// <summary>A nested estimator (<c>base_estimator:</c>, <c>regressor:</c>, ...); see <see cref="ModelParameterValue.Model"/>.</summary>
    Model,

    /// <summary>A list whose items may be estimators (<c>steps:</c>, <c>transformer_list:</c>, ...); see <see cref="ModelParameterValue.Items"/>.</summary>
    List,

    /// <summary>Plain data: a number, string, boolean, null, or a list/mapping of those; see <see cref="ModelParameterValue.Value"/>.</summary>
    Plain,
}

/// <summary>The value of one model parameter: a nested model, a list, or plain data.</summary>
public sealed class ModelParameterValue
{
    internal ModelParameterValue(
        ModelParameterKind kind,
        ModelNode? model,
        IReadOnlyList<ModelParameterValue> items,
        object? value)
    {
        Kind = kind;
        Model = model;
        Items = items;
        Value = value;
    }

    /// <summary>Which kind of value this is.</summary>
    public ModelParameterKind Kind { get; }

    /// <summary>The nested model when <see cref="Kind"/> is <see cref="ModelParameterKind.Model"/>, else null.</summary>
    public ModelNode? Model { get; }

    /// <summary>The items when <see cref="Kind"/> is <see cref="ModelParameterKind.List"/> (empty otherwise).</summary>
    public IReadOnlyList<ModelParameterValue> Items { get; }

    /// <summary>
    /// The plain value when <see cref="Kind"/> is <see cref="ModelParameterKind.Plain"/>: null,
    /// <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>,
    /// <c>IReadOnlyList&lt;object?&gt;</c> or <c>IReadOnlyDictionary&lt;string, object?&gt;</c>
    /// (same shapes nested). Null for the other kinds.
    /// </summary>
    public object? Value { get; }

    /// <summary>The parameter as JSON (models as <c>{"class.path": {...}}</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => Json.Write(WriteJson);

    /// <summary>The parameter as a JSON element (models as <c>{"class.path": {...}}</c>).</summary>
    /// <returns>A self-contained JSON element.</returns>
    public JsonElement ToJsonElement()
    {
        using var document = JsonDocument.Parse(ToJson());
        return document.RootElement.Clone();
    }

    internal void WriteJson(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ModelParameterKind.Model:
                Model!.WriteJson(writer);
                break;
            case ModelParameterKind.List:
                writer.WriteStartArray();
                foreach (var item in Items)
                {
                    item.WriteJson(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                Json.WritePlain(writer, Value);
                break;
        }
    }

    internal IEnumerable<string> ClassPaths() =>
        Kind switch
        {
            ModelParameterKind.Model => Model!.ClassPaths(),
            ModelParameterKind.List => Items.SelectMany(item => item.ClassPaths()),
            _ => [],
        };

    /// <summary>The JSON text of the value.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString() => ToJson();
}
