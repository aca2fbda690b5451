namespace Gordo.Build

open Gordo.Core
open Gordo.Core.Config

/// A checked machine to build. The machine carries its normalized sections, which the builder
/// writes to metadata.json and hashes into the cache key as they are.
type BuildInput = {
    /// The typed, checked machine.
    Machine: Machine
} with

    /// The normalized dataset section.
    member this.Dataset: Value = this.Machine.Normalized.Dataset

    /// The normalized evaluation section.
    member this.Evaluation: Value = this.Machine.Normalized.Evaluation

    /// The normalized runtime section.
    member this.Runtime: Value = this.Machine.Normalized.Runtime

/// Making build inputs from a compiled config.
[<RequireQualifiedAccess>]
module BuildInput =
    /// The build input of a machine.
    let ofMachine (machine: Machine) : BuildInput = { Machine = machine }

    /// Every machine of a successful compilation, in config order (empty when it has errors).
    let ofCompilation (compilation: Compilation) : BuildInput list =
        match compilation.Project with
        | Some project -> project.Machines |> List.map ofMachine
        | None -> []
