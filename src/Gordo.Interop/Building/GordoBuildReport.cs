using Microsoft.FSharp.Collections;
using Builder = Gordo.Build;
using Config = Gordo.Core.Config;
using Report = Gordo.Report;

namespace Gordo.Interop;

/// <summary>
/// The build report of <c>gordo local-build</c> (<c>report.html</c>: one self-contained page with
/// an overview table and, per machine, training loss per epoch, cross-validation scores per fold,
/// anomaly scores over the training period against the thresholds, and the input tags) for models
/// built with <see cref="GordoBuilder"/>.
/// </summary>
public static class GordoBuildReport
{
    /// <summary>Writes <c>report.html</c> into <paramref name="directory"/> for these build results.</summary>
    /// <param name="results">Results of <see cref="GordoBuilder"/>.Build (failed machines get their row and section too).</param>
    /// <param name="directory">Where to write <c>report.html</c>, e.g. the build's output directory (created if missing).</param>
    /// <returns>The full path of <c>report.html</c>.</returns>
    /// <remarks>Each built machine's training data is fetched again and scored with its fitted model for the anomaly plots.
    /// The page is written to a temporary file renamed over <c>report.html</c>: a process killed meanwhile leaves the
    /// previous report; when writing fails (a full disk) no report is left, since an older one would look current.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="results"/> is empty or <paramref name="directory"/> is empty.</exception>
    /// <exception cref="IOException">The report cannot be written (the message says where and why).</exception>
    public static string Write(
        IEnumerable<MachineBuildResult> results,
        string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var list = results.ToList();
        if (list.Count == 0 || list.Any(r => r is null))
        {
            throw new ArgumentException("no build results (or a null one): pass the results of GordoBuilder.Build", nameof(results));
        }

        return WriteReport(list, directory);
    }

    private static string WriteReport(List<MachineBuildResult> results, string directory)
    {
        var outcomes = ListModule.OfSeq(
            results.Select(r => Tuple.Create<Config.Machine, Microsoft.FSharp.Core.FSharpResult<Builder.BuiltModel, Builder.BuildError>>(
                r.BuiltMachine, r.Outcome.Result)));
        var written = Report.BuildReport.write(directory, results[0].BuiltMachine.ProjectName, outcomes);
        return written.IsOk ? written.ResultValue : throw new IOException(written.ErrorValue);
    }
}
