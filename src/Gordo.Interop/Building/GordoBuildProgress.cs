namespace Gordo.Interop;

/// <summary>What one machine's build is doing, reported through <see cref="IProgress{T}"/>.</summary>
public sealed class GordoBuildProgress
{
    internal GordoBuildProgress(string machine, string stage, string message)
    {
        Machine = machine;
        Stage = stage;
        Message = message;
    }

    /// <summary>The machine.</summary>
    public string Machine { get; }

    /// <summary>
    /// The step: "fetching-data", "data-ready", "cross-validating", "fold", "epoch", "fitting",
    /// "saving", "cache-hit", "stale-cache-entry", "done" or "failed".
    /// </summary>
    public string Stage { get; }

    /// <summary>A one-line description (as <c>gordo local-build</c> prints it).</summary>
    public string Message { get; }

    /// <summary>The fold (1-based) for "fold", else null.</summary>
    public int? Fold { get; init; }

    /// <summary>The number of folds for "fold" and "cross-validating", else null.</summary>
    public int? FoldCount { get; init; }

    /// <summary>The epoch (1-based) for "epoch", else null.</summary>
    public int? Epoch { get; init; }

    /// <summary>The number of epochs for "epoch", else null.</summary>
    public int? EpochCount { get; init; }

    /// <summary>The training loss for "epoch", else null.</summary>
    public double? Loss { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"[{Machine}] {Message}";
}
