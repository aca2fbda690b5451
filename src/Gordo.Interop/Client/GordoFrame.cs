using System.Globalization;
using System.Text.Json;

namespace Gordo.Interop;

/// <summary>
/// A table to send to the server (X or y): one row per timestamp, one column per tag. It is sent in
/// pandas' dict form, <c>{tag: {"2020-01-01 00:00:00+00:00": value}}</c>, like Gordo's Python client.
/// </summary>
public sealed class GordoFrame
{
    private readonly double[,] _values;

    /// <summary>Creates a frame; <paramref name="values"/> is rows × columns (NaN is sent as null).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have one row per index entry and one column per name.</exception>
    public GordoFrame(IReadOnlyList<DateTimeOffset> index, IReadOnlyList<string> columns, double[,] values)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) != index.Count || values.GetLength(1) != columns.Count)
            throw new ArgumentException(
                $"values is {values.GetLength(0)} × {values.GetLength(1)} but the frame has {index.Count} rows and {columns.Count} columns",
                nameof(values));
        Index = index.ToArray();
        Columns = columns.ToArray();
        _values = (double[,])values.Clone();
    }

    /// <summary>Row timestamps.</summary>
    public IReadOnlyList<DateTimeOffset> Index { get; }

    /// <summary>Column (tag) names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The value at a row and column.</summary>
    public double this[int row, int column] => _values[row, column];

    internal void WriteTo(Utf8JsonWriter writer)
    {
        var keys = Index.Select(t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture)).ToArray();
        writer.WriteStartObject();
        for (var j = 0; j < Columns.Count; j++)
        {
            writer.WriteStartObject(Columns[j]);
            for (var i = 0; i < keys.Length; i++)
            {
                var v = _values[i, j];
                if (double.IsFinite(v))
                    writer.WriteNumber(keys[i], v);
                else
                    writer.WriteNull(keys[i]);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
