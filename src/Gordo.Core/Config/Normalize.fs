namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// A machine while it is being normalized: its sections as positioned trees.
type MachineTree = {
    /// The machine as read.
    Raw: RawMachine
    /// `model`, once chosen (machine value, else globals).
    Model: Node option
    /// `dataset`.
    Dataset: Node option
    /// `evaluation`.
    Evaluation: Node option
    /// `runtime`.
    Runtime: Node option
    /// The machine's own `metadata` (globals' metadata stays in the globals).
    Metadata: Node option
    /// `events` (globals patched by the machine).
    Events: Node option
}

/// A project while it is being normalized.
type ProjectTree = {
    /// The file name.
    File: string
    /// The globals as one mapping node (`model`, `dataset`, `evaluation`, `metadata`, `runtime`).
    Globals: Node
    /// The machines, in order.
    Machines: MachineTree list
}

/// Options of normalization that come from the command line.
type internal NormalizeOptions = {
    /// `--default-data-provider`: the provider type for datasets that name none.
    DefaultDataProvider: string option
}

/// A named normalization pass (like Fable's transformations: each pure and testable alone).
type internal Pass = {
    /// What the pass does, for `--trace` style output and tests.
    Name: string
    /// The pass.
    Run: NormalizeOptions -> ProjectTree -> ProjectTree * Diagnostic list
}

/// Gordo's merge semantics (spec §1.3, §1.4) as an ordered list of pure passes.
[<RequireQualifiedAccess>]
module internal Normalize =
    /// The tree of a raw project, before any pass.
    let ofRaw (raw: RawProject) : ProjectTree =
        let globals =
            raw.Globals
            |> Map.toList
            |> List.sortBy (fun (k, _) -> List.findIndex ((=) k) Document.sectionKeys)
            |> List.map (fun (k, n) -> {
                Key = k
                KeyPosition = n.Position
                Value = n
            })

        {
            File = raw.File
            Globals = Node.synthetic "globals" (NodeValue.Mapping globals)
            Machines =
                raw.Machines
                |> List.map (fun m -> {
                    Raw = m
                    Model = m.Sections.TryFind "model"
                    Dataset = m.Sections.TryFind "dataset"
                    Evaluation = m.Sections.TryFind "evaluation"
                    Runtime = m.Sections.TryFind "runtime"
                    Metadata = m.Sections.TryFind "metadata"
                    Events = m.Sections.TryFind "events"
                })
        }

    /// The node unless it is empty: null, an empty string, mapping or list (what Python
    /// treats as false).
    let private truthy (node: Node option) =
        match node with
        | None -> None
        | Some n ->
            match n.Value with
            | NodeValue.Mapping []
            | NodeValue.Sequence []
            | NodeValue.Scalar("", _) -> None
            | NodeValue.Scalar(text, style) when Scalar.isNull text style -> None
            | _ -> Some n

    /// Applies a pure per-machine step (partially applied to the project once, so a step can
    /// prepare what all machines share); large projects use every core, in order.
    let private perMachine (f: ProjectTree -> MachineTree -> MachineTree * Diagnostic list) (project: ProjectTree) =
        let step = f project

        let machines, diagnostics = project.Machines |> Machines.map step |> List.unzip
        { project with Machines = machines }, List.concat diagnostics

    /// Pass 1: user globals over Gordo's defaults (images and Influx resources included).
    let applyDefaultGlobals: Pass = {
        Name = "apply default globals"
        Run =
            fun _ project ->
                let defaults = Defaults.globals project.Machines.Length

                {
                    project with
                        Globals = Merge.node defaults project.Globals
                },
                []
    }

    /// Pass 2: resource numbers must be integers; limits below requests are raised (globals).
    let fixGlobalResources: Pass = {
        Name = "fix global resources"
        Run =
            fun _ project ->
                match Node.tryGet "runtime" project.Globals with
                | Some runtime ->
                    let fixedRuntime, diagnostics = Resources.fix runtime

                    {
                        project with
                            Globals = Node.set "runtime" fixedRuntime project.Globals
                    },
                    diagnostics
                | None -> project, []
    }

    /// Pass 3: the machine's model if given, else the global one.
    let chooseModel: Pass = {
        Name = "choose model"
        Run =
            fun _ ->
                perMachine (fun project ->
                    let globalModel = truthy (Node.tryGet "model" project.Globals)

                    fun machine ->
                        match truthy machine.Model |> Option.orElse globalModel with
                        | Some model -> { machine with Model = Some model }, []
                        | None -> { machine with Model = None }, [ Problem.at machine.Raw.Node Problem.ModelEmpty ])
    }

    /// Pass 4: runtime = globals patched by the machine (machine wins), resources fixed again.
    let mergeRuntime: Pass = {
        Name = "merge runtime"
        Run =
            fun _ ->
                perMachine (fun project machine ->
                    match Merge.optional (Node.tryGet "runtime" project.Globals) machine.Runtime with
                    | Some runtime when machine.Runtime.IsSome ->
                        let fixedRuntime, diagnostics = Resources.fix runtime

                        {
                            machine with
                                Runtime = Some fixedRuntime
                        },
                        diagnostics
                    | runtime -> { machine with Runtime = runtime }, [])
    }

    /// Pass 5: dataset = machine patched by globals (Gordo gives globals priority), with a
    /// warning for each machine value that a global value replaces. A machine dataset that is
    /// not a mapping is kept as it is, so that only its type error (from `Document`) is reported.
    let mergeDataset: Pass = {
        Name = "merge dataset"
        Run =
            fun _ ->
                perMachine (fun project ->
                    let globalDataset =
                        Node.tryGet "dataset" project.Globals |> Option.map DatasetKeys.rename

                    fun machine ->
                        let machineDataset = machine.Dataset |> Option.map DatasetKeys.rename

                        match machineDataset, globalDataset with
                        | Some m, _ when not (Document.wellTyped "dataset" m) -> machine, []
                        | _ ->
                            let warnings =
                                match machineDataset, globalDataset with
                                | Some({ Value = NodeValue.Mapping _ } as m),
                                  Some({ Value = NodeValue.Mapping _ } as g) ->
                                    Merge.overridden "" m g
                                    |> List.map (fun key -> Problem.at m (Problem.GlobalDatasetOverride key))
                                | _ -> []

                            {
                                machine with
                                    Dataset = Merge.optional machineDataset globalDataset
                            },
                            warnings)
    }

    /// Pass 6: `--default-data-provider` for datasets that name no provider.
    let defaultDataProvider: Pass = {
        Name = "default data provider"
        Run =
            fun options ->
                perMachine (fun _ machine ->
                    match options.DefaultDataProvider, machine.Dataset with
                    | Some provider, Some dataset when (Node.tryGet "data_provider" dataset |> truthy).IsNone ->
                        let node = Node.synthetic (dataset.Path + ".data_provider") (NodeValue.Mapping [])
                        let node = Node.set "type" (Node.text (node.Path + ".type") provider) node

                        {
                            machine with
                                Dataset = Some(Node.set "data_provider" node dataset)
                        },
                        []
                    | _ -> machine, [])
    }

    /// Pass 7: evaluation = globals patched by the machine. Unlike Gordo, a global `cv_mode` is
    /// honoured (Gordo overwrites it with `full_build` when the machine has no evaluation).
    let mergeEvaluation: Pass = {
        Name = "merge evaluation"
        Run =
            fun _ ->
                perMachine (fun project machine ->
                    {
                        machine with
                            Evaluation = Merge.optional (Node.tryGet "evaluation" project.Globals) machine.Evaluation
                    },
                    [])
    }

    /// Pass 8: events = globals patched by the machine, like evaluation.
    let mergeEvents: Pass = {
        Name = "merge events"
        Run =
            fun _ ->
                perMachine (fun project machine ->
                    {
                        machine with
                            Events = Merge.optional (Node.tryGet "events" project.Globals) machine.Events
                    },
                    [])
    }

    /// Every pass, in order. Defaults come first so that the machine merges see complete
    /// globals; resources are fixed before runtime is merged so that machine values win over
    /// already-fixed global values.
    let passes: Pass list = [
        applyDefaultGlobals
        fixGlobalResources
        chooseModel
        mergeRuntime
        mergeDataset
        defaultDataProvider
        mergeEvaluation
        mergeEvents
    ]

    /// Runs every pass (`normalize: RawProject -> ProjectTree`), collecting diagnostics.
    let run (options: NormalizeOptions) (raw: RawProject) : ProjectTree * Diagnostic list =
        passes
        |> List.fold
            (fun (project, diagnostics) pass ->
                let next, found = pass.Run options project
                next, diagnostics @ found)
            (ofRaw raw, [])
