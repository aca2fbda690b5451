namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Normalized trees → typed, checked `Project` (every problem reported at once).
[<RequireQualifiedAccess>]
module Elaborate =
    let private machineName (project: string) (machine: MachineTree) : Checked<string option> =
        match machine.Raw.Name with
        | None -> None, [ Problem.at machine.Raw.Node (Problem.MissingKey "name") ]
        | Some node ->
            match Read.text node with
            | Ok "" -> None, [ Problem.at node (Problem.MissingKey "name") ]
            | Ok name -> Some name, Check.machineName project node name
            | Error d -> None, [ d ]

    /// Elaborates one normalized machine.
    let machine (project: string) (globalMetadata: Value) (tree: MachineTree) : Checked<Machine option> =
        let name, p1 = machineName project tree

        let model, p2 =
            match tree.Model with
            | Some node ->
                let spec, problems = Gordo.Core.Specs.Elaborate.model node
                Some spec, problems
            | None -> None, []

        let dataset, p3 = ElaborateDataset.elaborate tree.Raw.Node tree.Dataset
        let evaluation, p4 = ElaborateSections.evaluation tree.Evaluation
        let runtime, p5 = ElaborateSections.runtime tree.Runtime
        let problems = List.concat [ p1; p2; p3; p4; p5 ]

        match name, model, dataset with
        | Some n, Some m, Some d when not (Diagnostic.hasErrors problems) ->
            Some {
                Name = n
                ProjectName = project
                Model = m
                Dataset = d
                Evaluation = evaluation
                Runtime = runtime
                Metadata = {
                    Global = globalMetadata
                    Machine = ElaborateSections.metadata tree.Metadata
                }
            },
            problems
        | _ -> None, problems

    /// Elaborates a normalized project.
    let project (name: string) (tree: ProjectTree) : Checked<Project option> =
        let globalMetadata =
            ElaborateSections.metadata (Node.tryGet "metadata" tree.Globals)

        let machines, problems =
            tree.Machines |> List.map (machine name globalMetadata) |> List.unzip

        let named =
            tree.Machines
            |> List.choose (fun m ->
                m.Raw.Name
                |> Option.bind (fun n -> Read.text n |> Result.toOption |> Option.map (fun t -> t, n)))

        let problems =
            Check.projectName tree.File name @ List.concat problems @ Check.duplicates named

        if Diagnostic.hasErrors problems then
            None, problems
        else
            Some {
                Name = name
                Machines = List.choose id machines
                Globals = Value.ofNode tree.Globals
            },
            problems
