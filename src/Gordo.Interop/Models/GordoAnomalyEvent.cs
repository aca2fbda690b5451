using System.Text.Json;
using Gordo.Models.Scoring;

namespace Gordo.Interop;

/// <summary>
/// Data-quality flags of a row, tag or event (docs/quality.md): the bits of the
/// <c>data-quality|&lt;tag&gt;</c> and <c>total-data-quality</c> columns.
/// </summary>
[Flags]
public enum GordoQualityFlags
{
    /// <summary>Nothing seen.</summary>
    None = 0,
    /// <summary>Unchanged for longer than the tag ever stayed flat in training.</summary>
    Stuck = 1,
    /// <summary>Outside the training range widened by a tenth of it on each side.</summary>
    OutOfRange = 2,
    /// <summary>Missing (NaN or ±inf).</summary>
    Missing = 4,
    /// <summary>A step larger than 1.5 × the largest step of training.</summary>
    Spike = 8,
    /// <summary>On a straight line with its neighbours, next to another such value: filled by linear interpolation inside a gap.</summary>
    GapFilled = 16,
}

/// <summary>One tag's share of an event's scaled error.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Share">Its share of the sum of <c>tag-anomaly-scaled</c> over the event's rows (0..1).</param>
public sealed record GordoEventTag(string Tag, double Share);

/// <summary>A period of anomalous behaviour, as an operator acts on it (docs/events.md).</summary>
/// <param name="Start">The first row above the on-level.</param>
/// <param name="End">The last row at or above the off-level.</param>
/// <param name="Peak">The highest <c>total-anomaly-confidence</c> in the event.</param>
/// <param name="Tags">The tags that contribute most, largest share first.</param>
/// <param name="Quality">Every data-quality flag seen in the event's rows.</param>
public sealed record GordoAnomalyEvent(DateTimeOffset Start, DateTimeOffset End, double Peak,
    IReadOnlyList<GordoEventTag> Tags, GordoQualityFlags Quality)
{
    internal static GordoAnomalyEvent Of(AnomalyEvent e) =>
        new(e.Start, e.End, e.Peak, e.Tags.Select(t => new GordoEventTag(t.Tag, t.Share)).ToArray(),
            (GordoQualityFlags)(int)e.Quality);

    /// <summary>One element of the server's <c>events</c> array.</summary>
    internal static GordoAnomalyEvent Parse(JsonElement e) =>
        new(DateTimeOffset.Parse(e.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(e.GetProperty("end").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("peak").GetDouble(),
            e.GetProperty("tags").EnumerateArray()
                .Select(t => new GordoEventTag(t.GetProperty("tag").GetString() ?? "", t.GetProperty("share").GetDouble()))
                .ToArray(),
            (GordoQualityFlags)e.GetProperty("quality").GetInt32());
}
