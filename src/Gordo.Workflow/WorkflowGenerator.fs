namespace Gordo.Workflow

open System
open System.IO
open Gordo.Core
open Gordo.Core.Config

/// Why `gordo workflow generate` produced nothing.
[<RequireQualifiedAccess>]
type GenerateError =
    /// Bad options, names over Kubernetes limits or an unreadable template (exit code 2).
    | Usage of messages: string list
    /// The config has errors (the compiler's diagnostics; exit code 1).
    | Config of diagnostics: Diagnostic list
    /// The template failed to parse or render (exit code 1).
    | Template of TemplateError
    /// A generated document does not pass the schema validation (exit code 1).
    | Invalid of errors: SchemaError list

    /// Every message of this failure, one per problem.
    member this.Messages: string list =
        match this with
        | Usage messages -> messages
        | Config diagnostics -> diagnostics |> List.map Diagnostic.format
        | Template e -> [ e.Message ]
        | Invalid errors -> errors |> List.map string

    /// The process exit code for this failure.
    member this.ExitCode: int =
        match this with
        | Usage _ -> 2
        | _ -> 1

/// How long one stage of `gordo workflow generate` took (wall clock and process CPU time).
type StageTiming = {
    /// The stage (`front end`, `contexts`, `render+validate`, ...).
    Stage: string
    /// Wall-clock time.
    Wall: TimeSpan
    /// CPU time of the whole process (every thread) during the stage.
    Cpu: TimeSpan
}

/// Measuring stages.
[<RequireQualifiedAccess>]
module StageTiming =

    /// Runs `f` and returns its result with its timing.
    let measure (stage: string) (f: unit -> 'T) : 'T * StageTiming =
        let cpu () =
            Diagnostics.Process.GetCurrentProcess().TotalProcessorTime

        let cpu0 = cpu ()
        let watch = Diagnostics.Stopwatch.StartNew()
        let result = f ()

        result,
        {
            Stage = stage
            Wall = watch.Elapsed
            Cpu = cpu () - cpu0
        }

    /// `stage: wall 1234 ms, cpu 2345 ms`.
    let format (t: StageTiming) : string =
        $"%s{t.Stage}: wall %.0f{t.Wall.TotalMilliseconds} ms, cpu %.0f{t.Cpu.TotalMilliseconds} ms"

/// The generated workflows.
type GeneratedWorkflows = {
    /// One YAML document per Workflow (per chunk of `--split-workflows` machines).
    Documents: string list
    /// The config's warnings.
    Warnings: Diagnostic list
    /// How long each stage took (front end, contexts, render+validate).
    Timings: StageTiming list
} with

    /// The whole output: the documents separated by lines `---`.
    member this.Text: string = String.concat "---\n" this.Documents

    /// Writes the whole output (the same text as `Text`) to a writer, document by document.
    member this.WriteTo(writer: TextWriter) : unit =
        this.Documents
        |> List.iteri (fun i document ->
            if i > 0 then
                writer.Write "---\n"

            writer.Write document)

/// `gordo workflow generate`: checked project → Argo Workflows (spec §7), validated offline.
[<RequireQualifiedAccess>]
module WorkflowGenerator =

    let private dns63 = 63

    /// Names derived from the project and machine names that would break Kubernetes limits.
    let internal nameProblems (options: WorkflowOptions) (enableInflux: bool) (machines: string list) : string list =
        let p = options.ProjectName

        let check (what: string) (name: string) (limit: int) =
            if name.Length > limit then
                Some
                    $"%s{what} '%s{name}' is %d{name.Length} characters long; Kubernetes allows %d{limit}: shorten the project or machine name"
            else
                None

        [
            check "ML server container name" $"gordoserver-%s{p}" dns63
            if not options.WithoutPrometheus then
                check "metrics container name" $"gordoserver-prometheus-%s{p}" dns63
            check "ML server service name" $"gordo-srv-%s{p}" dns63
            // Argo labels pods with the workflow name: generateName plus 5 random characters.
            check "workflow name" $"%s{p}-%s{options.ProjectRevision}-xxxxx" dns63
            if enableInflux then
                // A StatefulSet's pods carry a controller-revision-hash label of name + 11 characters.
                for prefix in [ "gordo-influx-"; "gordo-grafana-"; "gordo-postgres-" ] do
                    check "StatefulSet name" (prefix + p) 52
            for m in machines do
                check "Model label 'app'" $"model-stache-%s{m}" dns63
        ]
        |> List.choose id

    let private readTemplate (options: WorkflowOptions) : Result<WorkflowTemplate, GenerateError> =
        match options.WorkflowTemplate with
        | None ->
            WorkflowTemplates.parse WorkflowTemplates.BuiltInName (WorkflowTemplates.builtInText ())
            |> Result.mapError GenerateError.Template
        | Some path ->
            try
                WorkflowTemplates.parse path (File.ReadAllText path)
                |> Result.mapError GenerateError.Template
            with
            | :? IOException
            | :? UnauthorizedAccessException as e ->
                Error(GenerateError.Usage [ $"cannot read --workflow-template %s{path}: %s{e.Message}" ])

    /// The contexts of every chunk for a compiled project.
    let internal contexts
        (options: WorkflowOptions)
        (environment: string -> string option)
        (project: Project)
        (tree: ProjectTree)
        : Result<WorkflowContext list, GenerateError> =
        let enableInflux =
            project.Machines |> List.exists WorkflowContextBuilder.influxEnabled

        let names = project.Machines |> List.map (fun m -> m.Name)

        match nameProblems options enableInflux names, WorkflowContextBuilder.reportLevel project.Globals with
        | [], Ok level ->
            let logLevel = WorkflowContextBuilder.logLevel project.Globals environment options
            let baseline = WorkflowContextBuilder.baseContext options project logLevel level
            let postgres = if enableInflux then Some baseline.PostgresHost else None

            let entries =
                List.zip project.Machines tree.Machines
                |> Array.ofList
                |> Array.Parallel.map (
                    WorkflowContextBuilder.machineEntry
                        (WorkflowContextBuilder.newSectionCache ())
                        options.GordoVersion
                        project
                        postgres
                )
                |> List.ofArray

            Ok(WorkflowContextBuilder.chunks options baseline entries)
        | problems, level ->
            let levelProblem =
                match level with
                | Error e -> [ e ]
                | Ok _ -> []

            Error(GenerateError.Usage(problems @ levelProblem))

    let private catalogFor (options: WorkflowOptions) : SchemaCatalog =
        // Argo 2's ttlSecondsAfterFinished is not in the Argo 3/4 schema: check Argo 2 output non-strictly.
        if options.ArgoVersion >= 3 then
            SchemaCatalog.standard ()
        else
            SchemaCatalog.load {
                SchemaCatalog.defaultAdjustments with
                    Strict = false
            }

    /// Validates every generated document (and the manifests each embeds).
    let internal validate (options: WorkflowOptions) (documents: string list) : SchemaError list =
        let catalog = catalogFor options

        documents
        |> Array.ofList
        |> Array.Parallel.mapi (fun i text -> ManifestLint.validateYaml catalog $"workflow %d{i}" text)
        |> List.concat

    /// Renders one chunk and validates it when a catalog is given.
    let private renderChunk template catalog capacity (i: int) (context: WorkflowContext) =
        match WorkflowTemplates.renderSized template capacity context with
        | Error e -> Error(GenerateError.Template e)
        | Ok text ->
            match catalog with
            | Some c -> Ok(text, ManifestLint.validateYaml c $"workflow %d{i}" text)
            | None -> Ok(text, [])

    /// Renders (in parallel) and validates every chunk; the first template error in chunk order
    /// wins, then every schema error in chunk order.
    let private renderAll
        (options: WorkflowOptions)
        (template: WorkflowTemplate)
        (contexts: WorkflowContext list)
        : Result<string list, GenerateError> =
        let catalog = if options.Validate then Some(catalogFor options) else None

        match contexts with
        | [] -> Ok []
        | first :: rest ->
            let head = renderChunk template catalog 0 0 first

            let capacity =
                match head with
                | Ok(text, _) -> text.Length + text.Length / 8
                | Error _ -> 0

            let results =
                Array.append
                    [| head |]
                    (rest
                     |> Array.ofList
                     |> Array.Parallel.mapi (fun i c -> renderChunk template catalog capacity (i + 1) c))

            match results |> Array.tryFind Result.isError with
            | Some(Error e) -> Error e
            | _ ->
                let ok = results |> Array.choose Result.toOption

                match ok |> Seq.collect snd |> List.ofSeq with
                | [] -> Ok(ok |> Seq.map fst |> List.ofSeq)
                | errors -> Error(GenerateError.Invalid errors)

    /// Generates (and, unless `--no-validate`, validates) the workflows of a compiled config.
    let fromCompilation
        (options: WorkflowOptions)
        (environment: string -> string option)
        (compilation: Compilation)
        : Result<GeneratedWorkflows, GenerateError> =
        let warnings = compilation.Diagnostics |> List.filter (Diagnostic.isError >> not)

        match compilation.Project, compilation.Normalized with
        | Some project, Some tree when not (Diagnostic.hasErrors compilation.Diagnostics) ->
            readTemplate options
            |> Result.bind (fun template ->
                let contexts, contextTime =
                    StageTiming.measure "contexts" (fun () -> contexts options environment project tree)

                contexts
                |> Result.bind (fun cs ->
                    let documents, renderTime =
                        StageTiming.measure "render+validate" (fun () -> renderAll options template cs)

                    documents
                    |> Result.map (fun docs -> {
                        Documents = docs
                        Warnings = warnings
                        Timings = [ contextTime; renderTime ]
                    })))
        | _ -> Error(GenerateError.Config compilation.Diagnostics)

    /// Reads `--machine-config` and generates the workflows.
    let generate
        (options: WorkflowOptions)
        (environment: string -> string option)
        : Result<GeneratedWorkflows, GenerateError> =
        let compileOptions = {
            ProjectName = Some options.ProjectName
            DefaultDataProvider = options.DefaultDataProvider
        }

        let compilation, frontEnd =
            StageTiming.measure "front end (parse+normalize+check)" (fun () ->
                Compiler.compileFile compileOptions options.MachineConfig)

        fromCompilation options environment compilation
        |> Result.map (fun g -> {
            g with
                Timings = frontEnd :: g.Timings
        })
