namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Section elaborators shared by the machines of one project.
type internal SectionReaders = {
    Model: Node option -> Checked<Specs.ModelSpec option>
    Evaluation: Node option -> Checked<Evaluation>
    Runtime: Node option -> Checked<Runtime>
    Events: Node option -> Checked<Events option>
    EvaluationValue: Node option -> Lazy<Value>
    RuntimeValue: Node option -> Lazy<Value>
}

/// Normalized trees → typed, checked `Project` (every problem reported at once).
[<RequireQualifiedAccess>]
module Elaborate =
    /// Elaborates the globals' section once: machines without their own section carry the
    /// globals' node itself after normalization, so it is recognised by reference. Any other
    /// node is elaborated as it comes (the elaborators are pure).
    let private sharing (globals: Node option) (elaborate: Node option -> 'T) : Node option -> 'T =
        let shared = lazy (elaborate globals)

        fun node ->
            match node, globals with
            | Some n, Some g when obj.ReferenceEquals(n, g) -> shared.Value
            | _ -> elaborate node

    /// The model of a node; one of the wrong type has its error from `Document` already.
    let private modelOf (node: Node option) : Checked<Specs.ModelSpec option> =
        match node with
        | Some n when not (Document.wellTyped "model" n) -> None, []
        | Some n ->
            let spec, problems = Gordo.Core.Specs.Elaborate.model n
            Some spec, problems
        | None -> None, []

    /// The dataset section in Gordo's `dataset.to_dict()` form (every default filled in), as
    /// `config normalize` prints it and Gordo hashes it into the cache key (spec §1.5.3, §4.6).
    let private canonicalDataset (node: Node option) : Lazy<Value> =
        lazy
            (match node with
             | Some n -> CanonicalDataset.ofValue (Value.ofNode n)
             | None -> Value.Map [])

    /// A section as plain data (an empty mapping when absent), converted on first use.
    let private plain (node: Node option) : Lazy<Value> =
        lazy (node |> Option.map Value.ofNode |> Option.defaultValue (Value.Map []))

    let private readers (globals: Node) : SectionReaders = {
        Model = sharing (Node.tryGet "model" globals) modelOf
        Evaluation = sharing (Node.tryGet "evaluation" globals) ElaborateSections.evaluation
        Runtime = sharing (Node.tryGet "runtime" globals) ElaborateSections.runtime
        Events = sharing (Node.tryGet "events" globals) ElaborateSections.events
        EvaluationValue = sharing (Node.tryGet "evaluation" globals) plain
        RuntimeValue = sharing (Node.tryGet "runtime" globals) plain
    }

    let private machineName (project: string) (machine: MachineTree) : Checked<string option> =
        match machine.Raw.Name with
        | None -> None, [ Problem.at machine.Raw.Node (Problem.MissingKey "name") ]
        | Some node ->
            match Read.text node with
            | Ok "" -> None, [ Problem.at node (Problem.MissingKey "name") ]
            | Ok name -> Some name, Check.machineName project node name
            | Error d -> None, [ d ]

    let private machineWith
        (readers: SectionReaders)
        (project: string)
        (globalMetadata: Value)
        (tree: MachineTree)
        : Checked<Machine option> =
        let name, p1 = machineName project tree
        let model, p2 = readers.Model tree.Model
        let dataset, p3 = ElaborateDataset.elaborate tree.Raw.Node tree.Dataset
        let evaluation, p4 = readers.Evaluation tree.Evaluation
        let runtime, p5 = readers.Runtime tree.Runtime
        let events, p6 = readers.Events tree.Events
        let problems = List.concat [ p1; p2; p3; p4; p5; p6 ]

        match name, model, dataset with
        | Some n, Some m, Some d when not (Diagnostic.hasErrors problems) ->
            Some {
                Name = n
                ProjectName = project
                Model = m
                Dataset = d
                Evaluation = evaluation
                Runtime = runtime
                Events = events
                Metadata = {
                    Global = globalMetadata
                    Machine = ElaborateSections.metadata tree.Metadata
                }
                Normalized =
                    NormalizedSections(
                        canonicalDataset tree.Dataset,
                        readers.EvaluationValue tree.Evaluation,
                        readers.RuntimeValue tree.Runtime
                    )
            },
            problems
        | _ -> None, problems

    /// Elaborates a normalized project.
    let project (name: string) (tree: ProjectTree) : Checked<Project option> =
        let globalMetadata =
            ElaborateSections.metadata (Node.tryGet "metadata" tree.Globals)

        // Machines are independent: elaborate them on every core (order is kept).
        let machines, problems =
            let shared = readers tree.Globals

            tree.Machines
            |> Machines.map (machineWith shared name globalMetadata)
            |> List.unzip

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

    /// Elaborates a standalone `dataset` mapping, such as a served model's `metadata.dataset`
    /// (canonical or as written), with the checks a machine's dataset gets.
    let dataset (node: Node) : Checked<Dataset option> =
        ElaborateDataset.elaborate node (Some node)
