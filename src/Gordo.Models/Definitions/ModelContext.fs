namespace Gordo.Models.Definitions

/// What a model is built with besides its definition (spec §4.2): Gordo's builder seeds every
/// network with the evaluation seed and hands the model the column names of the data it fetched.
/// A model built in a context is complete: nothing is set on it afterwards.
type ModelContext = {
    /// Seed of every network's weight initialisation, shuffling and dropout (`evaluation.seed`).
    Seed: int
    /// Names of X's columns (models that select columns by name resolve them); empty: unknown.
    InputNames: string[]
    /// Names of y's columns (anomaly detectors name their thresholds by them); empty: unknown.
    TargetNames: string[]
}

/// Making construction contexts.
[<RequireQualifiedAccess>]
module ModelContext =
    /// No seed (0) and no column names: what a model built from its definition alone gets.
    let empty: ModelContext = {
        Seed = 0
        InputNames = [||]
        TargetNames = [||]
    }

    /// A context with this seed and no column names (the data is not fetched yet).
    let seeded (seed: int) : ModelContext = { empty with Seed = seed }
