namespace Gordo.Interop;

/// <summary>Why a machine's build failed (<see cref="MachineBuildResult.Failure"/>).</summary>
public enum GordoBuildFailure
{
    /// <summary>The build succeeded.</summary>
    None,

    /// <summary>The data provider failed (unknown provider, missing file, unreachable server ...).</summary>
    DataProvider,

    /// <summary>The fetched data cannot train a model (too few rows, everything filtered out ...).</summary>
    Data,

    /// <summary>The evaluation settings name an unknown metric or a class that is not a splitter.</summary>
    Evaluation,

    /// <summary>
    /// The model definition cannot be built here, e.g. an LSTM model without the Gordo.Models.Torch
    /// package (the message names it).
    /// </summary>
    ModelDefinition,

    /// <summary>Training or scoring the model failed.</summary>
    Model,

    /// <summary>The model directory could not be written (disk full, permissions ...).</summary>
    Output,

    /// <summary>A reporter (e.g. PostgreSQL) failed after the model was written.</summary>
    Reporter,
}
