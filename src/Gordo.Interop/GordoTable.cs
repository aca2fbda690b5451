using System.Globalization;
using System.Text.Json;

namespace Gordo.Interop;

/// <summary>
/// One column of an anomaly or prediction table, local (<see cref="AnomalyResult"/>) or from a
/// server (<see cref="GordoPrediction"/>): a two-level name (e.g. "model-output", "tag-1") and its values.
/// </summary>
public sealed class GordoColumn
{
    internal GordoColumn(string name, string subName, IReadOnlyList<double> values)
    {
        Name = name;
        SubName = subName;
        Values = values;
    }

    /// <summary>The top-level name.</summary>
    public string Name { get; }

    /// <summary>The second-level name (the tag); "" for single columns such as "total-anomaly-scaled".</summary>
    public string SubName { get; }

    /// <summary>The values, one per row (null in the reply is NaN).</summary>
    public IReadOnlyList<double> Values { get; }
}

/// <summary>
/// The answer of <c>prediction</c> or <c>anomaly/prediction</c>: Gordo's two-level table
/// <c>{top: {sub: {row: value}}}</c> (spec §5.5) read back into columns.
/// </summary>
public sealed class GordoPrediction
{
    private GordoPrediction(string revision, double? timeSeconds, IReadOnlyList<string> rowKeys,
        IReadOnlyList<string?> start, IReadOnlyList<string?> end, IReadOnlyList<GordoColumn> columns)
    {
        Revision = revision;
        TimeSeconds = timeSeconds;
        RowKeys = rowKeys;
        Start = start;
        End = end;
        Columns = columns;
    }

    /// <summary>The revision that answered.</summary>
    public string Revision { get; }

    /// <summary>The server's <c>time-seconds</c>, when present.</summary>
    public double? TimeSeconds { get; }

    /// <summary>Row labels as sent by the server (timestamps or integers as text), in order.</summary>
    public IReadOnlyList<string> RowKeys { get; }

    /// <summary>Row timestamps (null for integer row labels).</summary>
    public IReadOnlyList<DateTimeOffset?> Index =>
        RowKeys.Select(k => DateTimeOffset.TryParse(k, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && k.Contains('-')
            ? t : (DateTimeOffset?)null).ToArray();

    /// <summary>The <c>start</c> column (ISO timestamps or null).</summary>
    public IReadOnlyList<string?> Start { get; }

    /// <summary>The <c>end</c> column (start + resolution, or null).</summary>
    public IReadOnlyList<string?> End { get; }

    /// <summary>The numeric columns, in the server's (sorted) order.</summary>
    public IReadOnlyList<GordoColumn> Columns { get; }

    /// <summary>The values of a column, if present ("" as <paramref name="subName"/> for single columns).</summary>
    public bool TryGetColumn(string name, string subName, out IReadOnlyList<double> values)
    {
        var column = Columns.FirstOrDefault(c => c.Name == name && c.SubName == subName);
        values = column?.Values ?? Array.Empty<double>();
        return column is not null;
    }

    internal static GordoPrediction Parse(JsonElement body)
    {
        var data = body.GetProperty("data");
        var rowKeys = new List<string>();
        var start = new List<string?>();
        var end = new List<string?>();
        var columns = new List<GordoColumn>();
        foreach (var top in data.EnumerateObject())
            foreach (var sub in top.Value.EnumerateObject())
            {
                if (rowKeys.Count == 0)
                    rowKeys.AddRange(sub.Value.EnumerateObject().Select(r => r.Name));
                var cells = rowKeys.Select(k => sub.Value.TryGetProperty(k, out var v) ? v : default).ToArray();
                if (top.Name is "start" or "end")
                    (top.Name == "start" ? start : end).AddRange(cells.Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() : null));
                else
                    // Gordo's JSON repeats a single column's name as its second level; "" as locally.
                    columns.Add(new GordoColumn(top.Name, sub.Name == top.Name ? "" : sub.Name,
                        cells.Select(c => c.ValueKind == JsonValueKind.Number ? c.GetDouble() : double.NaN).ToArray()));
            }
        var seconds = body.TryGetProperty("time-seconds", out var s) && double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
            ? t : (double?)null;
        return new GordoPrediction(body.GetProperty("revision").GetString() ?? "", seconds, rowKeys, start, end, columns);
    }
}
