using Gordo.Data;
using Microsoft.FSharp.Collections;

namespace Gordo.Interop;

/// <summary>Settings of the sample plant (<c>gordo data generate</c>); the defaults are the CLI's.</summary>
public sealed class GordoSampleDataOptions
{
    /// <summary>The first timestamp (UTC midnight recommended; default 2020-01-01).</summary>
    public DateTimeOffset Start { get; init; } = SampleData.defaults.Start;

    /// <summary>Days of data (<c>--days</c>, default 30; at least 1).</summary>
    public int Days { get; init; } = SampleData.defaults.Days;

    /// <summary>The sampling interval (<c>--interval</c>, default one minute; from one second to one day).</summary>
    public TimeSpan Interval { get; init; } = SampleData.defaults.Interval;

    /// <summary>The random seed (<c>--seed</c>, default 42): the same seed gives the same files.</summary>
    public int Seed { get; init; } = SampleData.defaults.Seed;

    /// <summary>The machine names (default <c>pump-1</c>, <c>pump-2</c>, <c>compressor-1</c>), each with four tags.</summary>
    public IReadOnlyList<string> Machines { get; init; } = SampleData.defaults.Machines.ToArray();
}

/// <summary>
/// The sample plant of <c>gordo data generate</c>: sensor data with injected faults, stuck sensors
/// and gaps, the list of those events, and a config that reads the data.
/// </summary>
public static class GordoSampleData
{
    /// <summary>
    /// Writes <c>data.parquet</c> (every machine's tags), <c>events.csv</c> (the injected events) and
    /// <c>gordo-config.yaml</c> into <paramref name="directory"/> (created if missing).
    /// </summary>
    /// <returns>The written files' paths.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or a machine name is not a valid Gordo
    /// machine name (the message carries the config compiler's diagnostics).</exception>
    /// <exception cref="IOException">The files cannot be written.</exception>
    public static IReadOnlyList<string> Write(string directory, GordoSampleDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var o = options ?? new GordoSampleDataOptions();
        if (o.Days < 1)
            throw new ArgumentException($"Days must be at least 1, got {o.Days}", nameof(options));
        if (!SampleData.intervalInRange(o.Interval))
            throw new ArgumentException($"Interval must be from one second to one day, got {o.Interval}", nameof(options));
        if (o.Machines is null || o.Machines.Count == 0)
            throw new ArgumentException("Machines must name at least one machine", nameof(options));
        var settings = new SampleOptions(o.Start, o.Days, o.Interval, o.Seed, ListModule.OfSeq(o.Machines));
        // The config the files come with, checked by the compiler before anything is written.
        var check = GordoConfig.Parse(SampleData.config(settings, Path.GetFullPath(Path.Combine(directory, "data.parquet"))));
        if (!check.IsValid)
            throw new ArgumentException(
                "the sample plant's config would not compile: " + string.Join("; ", check.Errors.Select(e => e.Message)),
                nameof(options));
        return SampleData.write(directory, settings).ToArray();
    }
}
