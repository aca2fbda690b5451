module Gordo.Tests.Workflow.WorkflowConformanceSupport

open System
open System.Collections.Generic
open System.IO
open System.Text.Json.Nodes
open Expecto
open Gordo.Workflow

/// The conformance configs (shared/conformance/gordo-configs).
let configs =
    Path.GetFullPath(
        Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", "..", "shared", "conformance", "gordo-configs")
    )

/// The path of a workflow-generator test config by its short name (`config-test-simple.yml`).
let generatorConfig (name: string) =
    Path.Combine(configs, "tests__gordo__workflow__test_workflow_generator__data__" + name)

/// Options as the reference tests use them, plus the given ones.
let optionsFor (file: string) (extra: (string * string) list) : Result<WorkflowOptions, WorkflowOptionError list> =
    let args =
        [
            "machine-config", file
            "project-name", "test-proj-name"
            "project-revision", "1234567890123"
            "gordo-version", "0.1.0"
        ]
        @ extra

    WorkflowOptions.parse {
        Arguments = Dictionary(dict args)
        Environment = fun _ -> None
        Now = DateTimeOffset.FromUnixTimeMilliseconds 0L
        InstalledVersion = "0.1.0"
        LogLevel = None
    }

/// Generates the workflows of a config (failing the test on any error).
let generateWith (logLevel: string option) (file: string) (extra: (string * string) list) : GeneratedWorkflows =
    match optionsFor file extra with
    | Error e -> failtestf "options: %A" (e |> List.map (fun x -> x.Message))
    | Ok options ->
        match WorkflowGenerator.generate { options with LogLevel = logLevel } (fun _ -> None) with
        | Ok g -> g
        | Error(GenerateError.Config d) -> failtestf "config errors: %A" (d |> List.map (fun x -> x.Message))
        | Error(GenerateError.Invalid e) -> failtestf "schema errors: %A" (e |> List.map string)
        | Error(GenerateError.Template e) -> failtestf "template: %s" e.Message
        | Error(GenerateError.Usage u) -> failtestf "usage: %A" u

/// Generates with the default log level.
let generate (file: string) (extra: (string * string) list) = generateWith None file extra

/// The Workflow documents, parsed.
let workflows (generated: GeneratedWorkflows) : JsonObject list =
    generated.Documents
    |> List.map (fun d ->
        match YamlJson.parseDocuments d with
        | Ok [ w ] -> w.AsObject()
        | other -> failtestf "not one document: %A" other)

/// The named template of a Workflow.
let template (workflow: JsonObject) (name: string) : JsonObject =
    (workflow["spec"].["templates"]).AsArray()
    |> Seq.map (fun t -> t.AsObject())
    |> Seq.tryFind (fun t -> string (t["name"]) = name)
    |> Option.defaultWith (fun () -> failtestf "no template %s" name)

/// Whether the Workflow has the named template.
let hasTemplate (workflow: JsonObject) (name: string) : bool =
    (workflow["spec"].["templates"]).AsArray()
    |> Seq.exists (fun t -> string (t["name"]) = name)

/// The DAG tasks of `do-all`.
let tasks (workflow: JsonObject) : JsonObject list =
    ((template workflow "do-all").["dag"].["tasks"]).AsArray()
    |> Seq.map (fun t -> t.AsObject())
    |> List.ofSeq

/// The DAG task names.
let taskNames (workflow: JsonObject) : string list =
    tasks workflow |> List.map (fun t -> string (t["name"]))

/// A DAG task's argument value.
let argument (task: JsonObject) (name: string) : string =
    (task["arguments"].["parameters"]).AsArray()
    |> Seq.find (fun p -> string (p["name"]) = name)
    |> fun p -> string (p["value"])

/// The container (or script) of a template.
let container (t: JsonObject) : JsonObject =
    match t["container"], t["script"] with
    | null, null -> failtestf "template %s has no container" (string (t["name"]))
    | null, s -> s.AsObject()
    | c, _ -> c.AsObject()

/// The env value of a container.
let env (c: JsonObject) (name: string) : string option =
    (c["env"]).AsArray()
    |> Seq.tryFind (fun e -> string (e["name"]) = name)
    |> Option.map (fun e -> string (e["value"]))

/// Labels of a template's pods.
let labels (t: JsonObject) : Map<string, string> =
    [ for kv in (t["metadata"].["labels"]).AsObject() -> kv.Key, string kv.Value ]
    |> Map.ofList

/// The machine JSON passed to each model builder, parsed, by machine name.
let builderPayloads (workflow: JsonObject) : (string * JsonObject) list =
    tasks workflow
    |> List.filter (fun t -> (string (t["template"])) = "model-builder")
    |> List.map (fun t -> argument t "machine-name", (JsonNode.Parse(argument t "machine")).AsObject())

/// A JSON-encoded section of a machine payload, parsed.
let section (payload: JsonObject) (key: string) : JsonNode = JsonNode.Parse(string (payload[key]))

/// Compares with (or, with GORDO_UPDATE_GOLDEN=1, writes) a golden file next to this source.
let golden (name: string) (text: string) =
    let path = Path.Combine(__SOURCE_DIRECTORY__, "golden", name + ".gold.yaml")

    if Environment.GetEnvironmentVariable "GORDO_UPDATE_GOLDEN" = "1" then
        Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
        File.WriteAllText(path, text)

    Expect.isTrue (File.Exists path) $"golden file %s{path} exists (run with GORDO_UPDATE_GOLDEN=1 to create it)"
    Expect.equal text (File.ReadAllText path) $"output equals %s{name}.gold.yaml"
