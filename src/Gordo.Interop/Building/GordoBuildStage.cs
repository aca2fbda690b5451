namespace Gordo.Interop;

/// <summary>The step of a machine's build that a <see cref="GordoBuildProgress"/> reports.</summary>
public enum GordoBuildStage
{
    /// <summary>Fetching the training data from the data provider.</summary>
    FetchingData,

    /// <summary>The data is fetched, resampled and filtered.</summary>
    DataReady,

    /// <summary>Cross-validation starts (<see cref="GordoBuildProgress.FoldCount"/> folds).</summary>
    CrossValidating,

    /// <summary>One cross-validation fold (<see cref="GordoBuildProgress.Fold"/>).</summary>
    Fold,

    /// <summary>One training epoch (<see cref="GordoBuildProgress.Epoch"/>, <see cref="GordoBuildProgress.Loss"/>).</summary>
    Epoch,

    /// <summary>Fitting the final model.</summary>
    Fitting,

    /// <summary>Writing the model directory.</summary>
    Saving,

    /// <summary>The model came from the build cache.</summary>
    CacheHit,

    /// <summary>A build cache entry pointed at a model that is gone; the machine is built again.</summary>
    StaleCacheEntry,

    /// <summary>The machine is built.</summary>
    Done,

    /// <summary>The machine failed (see <see cref="MachineBuildResult.Failure"/>).</summary>
    Failed,
}
