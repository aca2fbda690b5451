namespace Gordo.Cli

open System
open System.Globalization
open System.IO
open System.Threading
open Argu
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Yaml
open Gordo.Build

/// A failure before the builder runs (bad payload or config): Gordo's `ConfigException`.
type BuildSetupError = {
    /// Exception type name for the report.
    Type: string
    /// What is wrong.
    Message: string
    /// Exit code.
    ExitCode: int
}

/// `gordo build` (spec §6.2).
[<RequireQualifiedAccess>]
module BuildCommands =
    let private setupError (message: string) = {
        Type = "ConfigException"
        Message = message
        ExitCode = 100
    }

    let private printDiagnostics (compilation: Compilation) =
        let lines = DiagnosticPrinter.loadLines compilation.Diagnostics

        for d in compilation.Diagnostics do
            eprintfn "%s" (DiagnosticPrinter.format lines d)

    /// Picks one machine of a compilation (by name, or the only one).
    let pick (compilation: Compilation) (name: string option) : Result<BuildInput, BuildSetupError> =
        let inputs = BuildInput.ofCompilation compilation

        match compilation.Project, name with
        | None, _ ->
            printDiagnostics compilation
            Error(setupError (DiagnosticPrinter.summary compilation.Diagnostics))
        | Some _, Some n ->
            match inputs |> List.tryFind (fun i -> i.Machine.Name = n) with
            | Some i -> Ok i
            | None ->
                let known = inputs |> List.map _.Machine.Name |> String.concat ", "
                Error(setupError $"no machine '%s{n}' in the config (machines: %s{known})")
        | Some _, None ->
            match inputs with
            | [ i ] -> Ok i
            | _ -> Error(setupError "the config has several machines; name one with --machine")

    let private parsePayload (text: string) : Result<Value, BuildSetupError> =
        match Parse.text "MACHINE" (Parse.fileMap "MACHINE") Parse.defaultLimits false text with
        | Ok(Some node, _) -> Ok(Value.ofNode node)
        | Ok(None, _) -> Error(setupError "the machine payload is empty")
        | Error d -> Error(setupError $"the machine payload is not valid YAML/JSON: %s{d.Message}")

    /// The user metadata of a payload: Gordo nests it as `user_defined.{global,machine}-metadata`.
    let private metadataOf (payload: Value) : Value * Value option =
        match Value.tryGet "metadata" payload with
        | Some meta ->
            match Value.tryGet "user_defined" meta with
            | Some user ->
                (Value.tryGet "machine-metadata" user |> Option.defaultValue user), Value.tryGet "global-metadata" user
            | None -> meta, None
        | None -> Value.Map [], None

    /// A machine payload (`Machine.to_json()`, env `MACHINE`) as a one-machine config.
    let payloadConfig (payload: Value) : Result<string * string, BuildSetupError> =
        match Value.tryGet "name" payload, Value.tryGet "project_name" payload with
        | Some(Value.String _), Some(Value.String project) ->
            let machineMeta, globalMeta = metadataOf payload

            let sections =
                [ "name"; "dataset"; "model"; "evaluation"; "runtime"; "events" ]
                |> List.choose (fun k -> Value.tryGet k payload |> Option.map (fun v -> k, v))

            let globals =
                globalMeta
                |> Option.map (fun g -> [ "globals", Value.Map [ "metadata", g ] ])
                |> Option.defaultValue []

            let config =
                Value.Map(
                    [ "machines", Value.List [ Value.Map(sections @ [ "metadata", machineMeta ]) ] ]
                    @ globals
                )

            Ok(project, Print.yaml config)
        | _ -> Error(setupError "the machine payload needs 'name' and 'project_name'")

    let private env (name: string) =
        match Environment.GetEnvironmentVariable name with
        | null
        | "" -> None
        | v -> Some v

    let private valueError (message: string) = {
        Type = "ValueError"
        Message = message
        ExitCode = 2
    }

    let private parameters (args: ParseResults<BuildArgs>) =
        args.GetResults BuildArgs.Model_Parameter
        |> List.fold
            (fun acc text ->
                acc
                |> Result.bind (fun ps -> ModelParameters.parse text |> Result.map (fun p -> ps @ [ p ])))
            (Ok [])
        |> Result.mapError (fun message -> {
            valueError message with
                Type = "UsageError"
        })

    let private fromPayload (args: ParseResults<BuildArgs>) (text: string) : Result<BuildInput, BuildSetupError> =
        parsePayload text
        |> Result.bind (fun payload ->
            parameters args
            |> Result.bind (fun ps -> ModelParameters.expand ps payload |> Result.mapError valueError))
        |> Result.bind payloadConfig
        |> Result.bind (fun (project, config) ->
            let options = {
                Compiler.defaultOptions with
                    ProjectName = Some project
            }

            pick (Compiler.compileText options "MACHINE" config) None)

    let private builderClasses =
        set [
            "ModelBuilder"
            "gordo.builder.ModelBuilder"
            "gordo.builder.build_model.ModelBuilder"
        ]

    let private checkBuilderClass (args: ParseResults<BuildArgs>) : Result<unit, BuildSetupError> =
        match
            args.TryGetResult BuildArgs.Model_Builder_Class
            |> Option.orElse (env "MODEL_BUILDER_CLASS")
        with
        | Some c when not (builderClasses.Contains c) ->
            Error {
                Type = "ImportError"
                Message =
                    $"model builder class '%s{c}' is not available: Gordo for .NET has only gordo.builder.build_model.ModelBuilder"
                ExitCode = 85
            }
        | _ -> Ok()

    let private input (args: ParseResults<BuildArgs>) : Result<BuildInput, BuildSetupError> =
        let positional = args.GetResult(BuildArgs.Positional, [])

        match args.TryGetResult BuildArgs.Config with
        | Some file ->
            let options = {
                Compiler.defaultOptions with
                    ProjectName = args.TryGetResult BuildArgs.Project_Name
            }

            pick (Compiler.compileFile options file) (args.TryGetResult BuildArgs.Machine)
        | None ->
            match List.tryHead positional |> Option.orElse (env "MACHINE") with
            | Some text -> fromPayload args text
            | None ->
                Error {
                    Type = "UsageError"
                    Message = "no machine: give MACHINE_CONFIG, set env MACHINE, or use --config FILE --machine NAME"
                    ExitCode = 2
                }

    let private outputDir (args: ParseResults<BuildArgs>) =
        match args.GetResult(BuildArgs.Positional, []) with
        | _ :: dir :: _ when args.Contains BuildArgs.Config |> not -> dir
        | [ dir ] when args.Contains BuildArgs.Config -> dir
        | _ -> env "OUTPUT_DIR" |> Option.defaultValue "/data"

    let private reportLevel (args: ParseResults<BuildArgs>) =
        match args.TryGetResult BuildArgs.Exceptions_Report_Level, env "EXCEPTIONS_REPORT_LEVEL" with
        | Some l, _ -> l
        | None, Some text ->
            match text.ToUpperInvariant() with
            | "EXIT_CODE" -> ReportLevel.Exit_Code
            | "TYPE" -> ReportLevel.Type
            | "TRACEBACK" -> ReportLevel.Traceback
            | _ -> ReportLevel.Message
        | None, None -> ReportLevel.Message

    /// `<metric>_<stat>=<value>` lines (spec §4.4).
    let scoreLines (metadata: Value) : string list =
        BuildMetadata.scoresOf metadata
        |> List.map (fun (k, s, v) -> $"%s{k.Replace(' ', '-')}_%s{s}=%s{v.ToString(CultureInfo.InvariantCulture)}")

    /// Writes the exception report file (if configured); the exit code.
    let private exitWith (args: ParseResults<BuildArgs>) (typeName: string) (message: string) (code: int) =
        args.TryGetResult BuildArgs.Exceptions_Reporter_File
        |> Option.orElse (env "EXCEPTIONS_REPORTER_FILE")
        |> Option.iter (fun path -> ExceptionReport.write path (reportLevel args) typeName message)

        code

    let private fail (args: ParseResults<BuildArgs>) (typeName: string) (message: string) (code: int) =
        eprintfn "gordo build: %s (%s, exit %d)" message typeName code
        exitWith args typeName message code

    let private printResult (args: ParseResults<BuildArgs>) (built: BuiltModel) =
        match built.OutputDirectory with
        | Some path when built.FromCache ->
            printfn "copied %s from the build cache in %.2f s: %s" built.Machine.Name built.DurationSeconds path
        | Some path -> printfn "built %s in %.1f s: %s" built.Machine.Name built.DurationSeconds path
        | None ->
            printfn
                "cross-validated %s in %.1f s (cross_val_only: nothing written)"
                built.Machine.Name
                built.DurationSeconds

        if args.Contains BuildArgs.Print_Cv_Scores then
            scoreLines built.Metadata |> List.iter (printfn "%s")

    /// Runs the builder with its progress and outcome (done, or FAILED with the type, exit code and
    /// message) logged on stderr as plain timestamped lines, as a pod's log wants them; Ctrl+C /
    /// SIGINT cancels it. Unexpected exceptions become a failure (exit 1). The model's folder is
    /// prepared first (`OutputFolder.prepareModel`: an unwritable one fails before any fetch).
    let private run (buildInput: BuildInput) (options: BuildOptions) : Result<BuiltModel, BuildError> =
        use cancel = new CancellationTokenSource()

        use _ =
            Console.CancelKeyPress.Subscribe(fun e ->
                e.Cancel <- true
                cancel.Cancel())

        let name = buildInput.Machine.Name
        let log = BuildLog(Console.Error, true)

        let writes = buildInput.Machine.Evaluation.CvMode <> CvMode.CrossValOnly

        let prepared =
            match options.OutputDirectory with
            | Some dir when writes -> OutputFolder.prepareModel dir
            | _ -> Ok()

        let result =
            prepared
            |> Result.bind (fun () ->
                try
                    let progress (e: BuildEvent) =
                        if LogLevel.showsProgress () then
                            log.Show(ProjectEvent.Machine(name, e))

                    CachedBuilder.build buildInput options progress cancel.Token
                with
                | :? OperationCanceledException -> Error BuildError.Cancelled
                | e -> Error(BuildError.Model e))

        log.Show(ProjectEvent.Finished { Name = name; Result = result })
        result

    /// Builds one machine; exit 0 or the exit code of spec §6.5.
    let build (args: ParseResults<BuildArgs>) : int =
        match checkBuilderClass args |> Result.bind (fun () -> input args) with
        | Error e -> fail args e.Type e.Message e.ExitCode
        | Ok buildInput ->
            let options = {
                OutputDirectory = Some(Path.Combine(outputDir args))
                RegisterDirectory =
                    args.TryGetResult BuildArgs.Model_Register_Dir
                    |> Option.orElse (env "MODEL_REGISTER_DIR")
                ReplaceCache = args.Contains BuildArgs.Replace_Cache
            }

            match run buildInput options with
            | Error e -> exitWith args e.TypeName e.Message e.ExitCode
            | Ok built ->
                printResult args built
                0
