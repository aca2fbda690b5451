namespace Gordo.Interop;

/// <summary>
/// The training data Gordo would use for one machine: X (inputs) and y (targets) as one
/// <c>double[]</c> per column, sharing one timestamp per row. NaN never occurs (rows with
/// missing values are dropped by the pipeline).
/// </summary>
public sealed class MachineDataset
{
    internal MachineDataset(
        string machine,
        IReadOnlyList<DateTimeOffset> timestamps,
        IReadOnlyList<string> xColumns,
        IReadOnlyList<double[]> x,
        IReadOnlyList<string> yColumns,
        IReadOnlyList<double[]> y)
    {
        Machine = machine;
        Timestamps = timestamps;
        XColumns = xColumns;
        X = x;
        YColumns = yColumns;
        Y = y;
    }

    /// <summary>The machine name.</summary>
    public string Machine { get; }

    /// <summary>One timestamp per row, ascending.</summary>
    public IReadOnlyList<DateTimeOffset> Timestamps { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => Timestamps.Count;

    /// <summary>Input column names (tag names, or "tag|method" with several aggregation methods).</summary>
    public IReadOnlyList<string> XColumns { get; }

    /// <summary>Input values, one array per column, each <see cref="RowCount"/> long.</summary>
    public IReadOnlyList<double[]> X { get; }

    /// <summary>Target column names.</summary>
    public IReadOnlyList<string> YColumns { get; }

    /// <summary>Target values, one array per column.</summary>
    public IReadOnlyList<double[]> Y { get; }

    /// <summary>Values of one input column by name.</summary>
    /// <param name="column">A name in <see cref="XColumns"/>.</param>
    /// <param name="values">The values when found.</param>
    /// <returns>True when the column exists.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="column"/> is null.</exception>
    public bool TryGetXColumn(string column, out double[] values)
    {
        ArgumentNullException.ThrowIfNull(column);
        var index = XColumns.ToList().IndexOf(column);
        values = index >= 0 ? X[index] : Array.Empty<double>();
        return index >= 0;
    }
}

/// <summary>A config, provider or data problem while fetching a dataset; the message names the
/// machine, tags, file or server and the cause.</summary>
public sealed class GordoDatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public GordoDatasetException(string message)
        : base(message)
    {
    }
}
