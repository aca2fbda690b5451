using System.Globalization;
using System.Text.Json;

namespace Gordo.Interop;

/// <summary>
/// One column of a <see cref="GordoTable"/>: a two-level name (e.g. "model-output", "tag-1") and its values.
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

    /// <summary>The values, one per row (NaN where a value is missing).</summary>
    public IReadOnlyList<double> Values { get; }
}

/// <summary>
/// Gordo's two-level table (spec §3.3, §5.5): the anomaly table of <see cref="GordoModel.Anomaly(double[,], double[,], IReadOnlyList{string}, IReadOnlyList{string}, IReadOnlyList{DateTimeOffset}?, TimeSpan?, bool, bool)"/>
/// and the answer of a server's <c>prediction</c> and <c>anomaly/prediction</c>
/// (<see cref="GordoClient.PredictAsync"/>, <see cref="GordoClient.PredictAnomalyAsync"/>): the same
/// column names and sub-names ("" for single columns) locally and remotely.
/// </summary>
public sealed class GordoTable
{
    private GordoTable(IReadOnlyList<DateTimeOffset?> index, IReadOnlyList<DateTimeOffset?> start,
        IReadOnlyList<DateTimeOffset?> end, IReadOnlyList<GordoColumn> columns, string? revision, TimeSpan? serverTime)
    {
        Index = index;
        Start = start;
        End = end;
        Columns = columns;
        Revision = revision;
        ServerTime = serverTime;
    }

    /// <summary>Row timestamps (null for rows without one, e.g. a local table without timestamps).</summary>
    public IReadOnlyList<DateTimeOffset?> Index { get; }

    /// <summary>The <c>start</c> column: each row's timestamp, null without timestamps.</summary>
    public IReadOnlyList<DateTimeOffset?> Start { get; }

    /// <summary>The <c>end</c> column: start + the data frequency (resolution), null without one.</summary>
    public IReadOnlyList<DateTimeOffset?> End { get; }

    /// <summary>Every numeric column (locally in Gordo's column order, from a server in its sorted order).</summary>
    public IReadOnlyList<GordoColumn> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount => Index.Count;

    /// <summary>The revision that answered; null for a table computed locally.</summary>
    public string? Revision { get; }

    /// <summary>The server's own time for the request (its <c>time-seconds</c>); null locally or when absent.</summary>
    public TimeSpan? ServerTime { get; }

    /// <summary>Finds a column by its two-level name ("" as <paramref name="subName"/> for single columns).</summary>
    public bool TryGetColumn(string name, string subName, out IReadOnlyList<double> values)
    {
        var column = Columns.FirstOrDefault(c => c.Name == name && c.SubName == subName);
        values = column?.Values ?? Array.Empty<double>();
        return column is not null;
    }

    /// <summary>The table of a local anomaly frame (start/end as ISO 8601 text).</summary>
    internal static GordoTable Local(Gordo.Models.Anomaly.AnomalyFrame frame)
    {
        var start = frame.Start.Select(s => Time(s?.Value)).ToArray();
        var end = frame.End.Select(s => Time(s?.Value)).ToArray();
        var columns = frame.Columns.Select(c => new GordoColumn(c.Item1.Item1, c.Item1.Item2, c.Item2)).ToArray();
        return new GordoTable(start, start, end, columns, null, null);
    }

    /// <summary>The table of a server's reply <c>{"data": {top: {sub: {row: value}}}, "revision": ...}</c>.</summary>
    internal static GordoTable Parse(JsonElement body)
    {
        var data = body.GetProperty("data");
        var rowKeys = new List<string>();
        var start = new List<DateTimeOffset?>();
        var end = new List<DateTimeOffset?>();
        var columns = new List<GordoColumn>();
        foreach (var top in data.EnumerateObject())
            foreach (var sub in top.Value.EnumerateObject())
            {
                if (rowKeys.Count == 0)
                    rowKeys.AddRange(sub.Value.EnumerateObject().Select(r => r.Name));
                var cells = rowKeys.Select(k => sub.Value.TryGetProperty(k, out var v) ? v : default).ToArray();
                if (top.Name is "start" or "end")
                    (top.Name == "start" ? start : end).AddRange(cells.Select(c => Time(c.ValueKind == JsonValueKind.String ? c.GetString() : null)));
                else
                    // Gordo's JSON repeats a single column's name as its second level; "" as locally.
                    columns.Add(new GordoColumn(top.Name, sub.Name == top.Name ? "" : sub.Name,
                        cells.Select(c => c.ValueKind == JsonValueKind.Number ? c.GetDouble() : double.NaN).ToArray()));
            }
        var seconds = body.TryGetProperty("time-seconds", out var s) && double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
            ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        // Integer row labels (a frame without a time index) have no timestamp.
        var index = rowKeys.Select(k => k.Contains('-') ? Time(k) : null).ToArray();
        if (start.Count == 0)
            start.AddRange(new DateTimeOffset?[index.Length]);
        if (end.Count == 0)
            end.AddRange(new DateTimeOffset?[index.Length]);
        return new GordoTable(index, start, end, columns, body.GetProperty("revision").GetString() ?? "", seconds);
    }

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : null;
}
