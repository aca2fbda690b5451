using Builder = Gordo.Build;
using Config = Gordo.Core.Config;

namespace Gordo.Interop;

/// <summary>One machine's build: the model directory and scores, or why it failed.</summary>
public sealed class MachineBuildResult
{
    internal MachineBuildResult(string machine, Config.Machine built, Builder.MachineOutcome outcome)
    {
        Machine = machine;
        BuiltMachine = built;
        Outcome = outcome;
    }

    /// <summary>The machine's config, for the build report.</summary>
    internal Config.Machine BuiltMachine { get; }

    /// <summary>The builder's outcome (the fitted model or the error), for the build report.</summary>
    internal Builder.MachineOutcome Outcome { get; }

    /// <summary>The machine.</summary>
    public string Machine { get; }

    /// <summary>True when the model was built (or copied from the build cache).</summary>
    public bool Succeeded { get; init; }

    /// <summary>Where the model was written (null when it failed or nothing was written).</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>True when the model came from the build cache (no data fetched, nothing trained).</summary>
    public bool FromCache { get; init; }

    /// <summary>How long the build took (wall clock).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The metadata.json text of the built model (null when it failed).</summary>
    public string? MetadataJson { get; init; }

    /// <summary>Cross-validation fold means by score key (e.g. "r2-score"); empty without cross-validation.</summary>
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();

    /// <summary>Why the build failed; <see cref="GordoBuildFailure.None"/> on success.</summary>
    public GordoBuildFailure Failure { get; init; }

    /// <summary>What failed and why, null on success.</summary>
    public string? ErrorMessage { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        Succeeded ? $"{Machine}: built ({ModelDirectory})" : $"{Machine}: failed ({Failure}): {ErrorMessage}";
}
