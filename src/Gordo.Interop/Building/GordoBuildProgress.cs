namespace Gordo.Interop;

/// <summary>What one machine's build is doing, reported through <see cref="IProgress{T}"/>.</summary>
public sealed class GordoBuildProgress
{
    internal GordoBuildProgress(string machine, GordoBuildStage stage, string message)
    {
        Machine = machine;
        Stage = stage;
        Message = message;
    }

    /// <summary>The machine.</summary>
    public string Machine { get; }

    /// <summary>The step.</summary>
    public GordoBuildStage Stage { get; }

    /// <summary>A one-line description (as <c>gordo local-build</c> prints it).</summary>
    public string Message { get; }

    /// <summary>The fold (1-based) for <see cref="GordoBuildStage.Fold"/>, else null.</summary>
    public int? Fold { get; init; }

    /// <summary>The number of folds for <see cref="GordoBuildStage.Fold"/> and <see cref="GordoBuildStage.CrossValidating"/>, else null.</summary>
    public int? FoldCount { get; init; }

    /// <summary>The epoch (1-based) for <see cref="GordoBuildStage.Epoch"/>, else null.</summary>
    public int? Epoch { get; init; }

    /// <summary>The number of epochs for <see cref="GordoBuildStage.Epoch"/>, else null.</summary>
    public int? EpochCount { get; init; }

    /// <summary>The training loss for <see cref="GordoBuildStage.Epoch"/>, else null.</summary>
    public double? Loss { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"[{Machine}] {Message}";
}
