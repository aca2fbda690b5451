namespace Gordo.Build

open Gordo.Models

open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Yaml

/// A checked machine to build, with its normalized sections as plain data (the `dataset`,
/// `evaluation` and `runtime` written to metadata.json).
type BuildInput = {
    /// The typed, checked machine.
    Machine: Machine
    /// The normalized dataset section.
    Dataset: Value
    /// The normalized evaluation section.
    Evaluation: Value
    /// The normalized runtime section.
    Runtime: Value
}

/// Making build inputs from a compiled config.
[<RequireQualifiedAccess>]
module BuildInput =
    let private section (node: Node option) : Value =
        node |> Option.map Value.ofNode |> Option.defaultValue (Value.Map [])

    let private treeName (tree: MachineTree) : string option =
        match tree.Raw.Name |> Option.map Value.ofNode with
        | Some(Value.String s) -> Some s
        | _ -> None

    /// A build input for a machine alone (sections taken as empty mappings).
    let ofMachine (machine: Machine) : BuildInput = {
        Machine = machine
        Dataset = Value.Map []
        Evaluation = Value.Map []
        Runtime = Value.Map []
    }

    /// Every machine of a successful compilation, in config order (empty when it has errors).
    let ofCompilation (compilation: Compilation) : BuildInput list =
        match compilation.Project, compilation.Normalized with
        | Some project, Some trees ->
            project.Machines
            |> List.map (fun machine ->
                match trees.Machines |> List.tryFind (fun t -> treeName t = Some machine.Name) with
                | Some tree -> {
                    Machine = machine
                    Dataset = section tree.Dataset
                    Evaluation = section tree.Evaluation
                    Runtime = section tree.Runtime
                  }
                | None -> ofMachine machine)
        | _ -> []
