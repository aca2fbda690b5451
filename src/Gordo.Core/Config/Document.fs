namespace Gordo.Core.Config

open System
open Gordo.Core
open Gordo.Core.Yaml

/// One machine as written: its mapping node, its name node and its sections (block strings parsed).
type RawMachine = {
    /// 0-based index in `machines`.
    Index: int
    /// The machine's mapping.
    Node: Node
    /// The `name` value, if present.
    Name: Node option
    /// The sections present (`model`, `dataset`, `evaluation`, `metadata`, `runtime`, `events`), by key.
    Sections: Map<string, Node>
}

/// A config document read into its parts, before any merging (`parse: text -> RawProject`).
type internal RawProject = {
    /// The file name used in diagnostics.
    File: string
    /// The document's `metadata.name` (a Gordo custom resource's name), when it is a string.
    Name: string option
    /// The `globals` sections (block strings parsed), by key.
    Globals: Map<string, Node>
    /// The machines, in order.
    Machines: RawMachine list
}

/// Reading a config document: both shapes (Gordo custom resource and bare), block-string sections.
[<RequireQualifiedAccess>]
module internal Document =
    /// The section keys shared by machines and globals (Gordo's MACHINE_YAML_FIELDS, plus this
    /// project's `events`).
    let sectionKeys = [ "model"; "dataset"; "evaluation"; "metadata"; "runtime"; "events" ]

    let private machineKeys = "name" :: "project_name" :: sectionKeys

    /// What a section must hold (spec §1.2): a mapping, for `model` also a class path; null means
    /// absent. The wording of `dataset` and `events` is their elaborators' own.
    let private expected (key: string) : string =
        match key with
        | "model" -> "a model (a class path or a mapping)"
        | "dataset" -> "a dataset mapping"
        | "events" -> "a mapping of event settings"
        | "evaluation" -> "an evaluation mapping"
        | other -> sprintf "a %s mapping" other

    /// True when a section (block string already parsed) holds what its key needs; later
    /// passes leave a section that does not alone, as its type error is reported here.
    let wellTyped (key: string) (node: Node) : bool =
        match node.Value with
        | NodeValue.Mapping _ -> true
        | NodeValue.Sequence _ -> false
        | NodeValue.Scalar(text, style) ->
            match Scalar.resolve text style with
            | Scalar.Null -> true
            | Scalar.String _ -> key = "model"
            | _ -> false

    let private typeProblems (key: string) (node: Node) : Diagnostic list =
        if wellTyped key node then
            []
        else
            [ Problem.at node (Problem.WrongType(expected key, Read.kind node)) ]

    /// Where the content of a block scalar starts: lines below the indicator, shifted by its indent.
    let private blockMap (file: string) (lines: string[]) (scalar: Node) : PositionMap =
        let first = scalar.Position.Line

        let indent =
            lines
            |> Seq.skip (min first lines.Length)
            |> Seq.tryFind (fun l -> l.Trim() <> "")
            |> Option.map (fun l -> l.Length - l.TrimStart(' ').Length)
            |> Option.defaultValue 0

        fun line column -> {
            File = file
            Line = first + line
            Column = column + indent
        }

    /// Parses a section given as a YAML string (`dataset: |`) with positions in the outer file.
    let private section (file: string) (lines: Lazy<string[]>) (node: Node) : Node * Diagnostic list =
        match node.Value with
        | NodeValue.Scalar(text, ScalarStyle.Quoted) ->
            let lines = lines.Value

            let isBlock =
                node.Position.Line > 0
                && node.Position.Line <= lines.Length
                && (let l = lines.[node.Position.Line - 1]

                    node.Position.Column - 1 < l.Length
                    && "|>".Contains l.[node.Position.Column - 1])

            let map =
                if isBlock then
                    blockMap file lines node
                else
                    fun _ _ -> node.Position

            match Parse.text file map Parse.defaultLimits false text with
            | Ok(Some parsed, warnings) -> Node.rebase node.Path parsed, warnings
            | Ok(None, warnings) -> Node.scalar node.Path "", warnings
            | Error diagnostic -> node, [ { diagnostic with Path = node.Path } ]
        | _ -> node, []

    /// A section with its block string parsed, and its type checked when it could be parsed.
    let private typedSection (file: string) (lines: Lazy<string[]>) (key: string) (node: Node) =
        let parsed, diagnostics = section file lines node

        if Diagnostic.hasErrors diagnostics then
            parsed, diagnostics
        else
            parsed, diagnostics @ typeProblems key parsed

    let private sections (file: string) (lines: Lazy<string[]>) (mapping: Node) (keys: string list) =
        let parsed =
            keys
            |> List.choose (fun key ->
                Node.tryGet key mapping
                |> Option.map (fun n -> key, typedSection file lines key n))

        parsed |> List.map (fun (k, (n, _)) -> k, n) |> Map.ofList, parsed |> List.collect (snd >> snd)

    let private machine (file: string) (lines: Lazy<string[]>) (index: int) (node: Node) =
        match node.Value with
        | NodeValue.Mapping _ ->
            let found, diagnostics = sections file lines node sectionKeys

            let raw = {
                Index = index
                Node = node
                Name = Node.tryGet "name" node
                Sections = found
            }

            Some raw, diagnostics @ Read.unknownKeys "a machine" machineKeys node
        | _ ->
            None,
            [
                Problem.at node (Problem.WrongType("a machine mapping with 'name'", Node.describe node))
            ]

    let private machines (file: string) (lines: Lazy<string[]>) (root: Node) =
        match Node.tryGet "machines" root with
        | None -> [], [ Problem.at root (Problem.MissingKey "machines") ]
        | Some({ Value = NodeValue.Sequence items }) ->
            let results = items |> Machines.mapi (machine file lines)
            results |> List.choose fst, results |> List.collect snd
        | Some other ->
            [],
            [
                Problem.at other (Problem.WrongType("a list of machines", Node.describe other))
            ]

    /// The config mapping: `spec.config` of a Gordo custom resource, else the document itself.
    let private configRoot (root: Node) : Result<Node, Diagnostic list> =
        let config =
            match Node.tryGet "spec" root with
            | Some spec -> Node.tryGet "config" spec |> Option.defaultValue spec
            | None -> root

        match config.Value with
        | NodeValue.Mapping _ -> Ok config
        | _ ->
            Error [
                Problem.at config (Problem.WrongType("a mapping with 'machines'", Node.describe config))
            ]

    let private globals (file: string) (lines: Lazy<string[]>) (config: Node) =
        match Node.tryGet "globals" config with
        | None -> Map.empty, []
        | Some({ Value = NodeValue.Mapping _ } as node) ->
            let found, diagnostics = sections file lines node sectionKeys
            found, diagnostics @ Read.unknownKeys "globals" sectionKeys node
        | Some node when (Value.ofNode node) = Value.Null -> Map.empty, []
        | Some node -> Map.empty, [ Problem.at node (Problem.WrongType("a mapping", Node.describe node)) ]

    /// `metadata.name` at the top of the document: the custom resource's name. A bare
    /// `machines:`/`globals:` document usually has none.
    let private documentName (root: Node) : string option =
        Node.tryGet "metadata" root
        |> Option.bind (Node.tryGet "name")
        |> Option.bind (Read.text >> Result.toOption)
        |> Option.filter (fun name -> name <> "")

    /// Splits a parsed document into globals and machines (block-string sections parsed).
    let ofNode (file: string) (text: string) (root: Node) : Result<RawProject, Diagnostic list> * Diagnostic list =
        let lines = lazy (text.Split('\n') |> Array.map (fun l -> l.TrimEnd '\r'))

        match configRoot root with
        | Error diagnostics -> Error diagnostics, []
        | Ok config ->
            let globalSections, globalDiagnostics = globals file lines config
            let machineList, machineDiagnostics = machines file lines config
            let diagnostics = globalDiagnostics @ machineDiagnostics

            Ok {
                File = file
                Name = documentName root
                Globals = globalSections
                Machines = machineList
            },
            diagnostics

    /// Parses config text. Errors stop at the YAML level; later problems are collected.
    let parse (file: string) (text: string) : Result<RawProject, Diagnostic list> * Diagnostic list =
        if String.IsNullOrWhiteSpace text then
            Error [ Problem.inFile file Problem.EmptyDocument ], []
        else
            match Parse.text file (Parse.fileMap file) Parse.defaultLimits true text with
            | Error diagnostic -> Error [ diagnostic ], []
            | Ok(None, _) -> Error [ Problem.inFile file Problem.EmptyDocument ], []
            | Ok(Some root, warnings) ->
                let result, diagnostics = ofNode file text root
                result, warnings @ diagnostics
