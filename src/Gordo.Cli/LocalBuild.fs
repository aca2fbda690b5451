namespace Gordo.Cli

open System
open System.IO
open System.Threading
open Argu
open Gordo.Core.Config
open Gordo.Build

/// One machine's outcome in `gordo local-build` (name; built model with its `OutputDirectory`,
/// `Metadata`, `CrossValidation`, `FromCache`, or the failure).
type LocalBuildOutcome = MachineOutcome

/// What `gordo local-build` built.
type LocalBuildResult = {
    /// The project name.
    ProjectName: string
    /// The models directory (one sub-directory per machine).
    OutputDirectory: string
    /// Every selected machine, in config order.
    Outcomes: LocalBuildOutcome list
    /// True when Ctrl+C / SIGINT stopped the build (machines not finished failed with exit 130).
    Cancelled: bool
    /// Why `report.html` could not be written (None: written, or not attempted after a cancel).
    ReportError: string option
}

/// `gordo local-build`: check the config, build every machine, print a summary table.
[<RequireQualifiedAccess>]
module LocalBuild =
    /// The fold-mean of a score key, if present.
    let private score (key: string) (b: BuiltModel) : string =
        b.CrossValidation
        |> Option.bind (fun cv -> cv.Scores |> List.tryFind (fst >> (=) key))
        |> Option.bind (snd >> List.tryFind (fst >> (=) "fold-mean"))
        |> Option.map (fun (_, v) -> v.ToString("0.000", Globalization.CultureInfo.InvariantCulture))
        |> Option.defaultValue "-"

    /// The summary table rows: machine, status, seconds, r2, explained variance, where.
    let summaryRows (outcomes: LocalBuildOutcome list) : string list list =
        outcomes
        |> List.map (fun o ->
            match o.Result with
            | Ok b -> [
                o.Name
                (if b.FromCache then "cached" else "ok")
                $"%.1f{b.DurationSeconds}"
                score "r2-score" b
                score "explained-variance-score" b
                b.OutputDirectory |> Option.defaultValue "(not saved)"
              ]
            | Error e -> [ o.Name; $"failed (exit %d{e.ExitCode})"; "-"; "-"; "-"; e.Message ])

    /// The summary table's column headings.
    let summaryHeader = [
        "machine"
        "status"
        "seconds"
        "r2 (cv mean)"
        "expl. var. (cv mean)"
        "model / error"
    ]

    let private printTable (rows: string list list) =
        printfn ""
        ConsoleTable.write Console.Out BuildDisplay.IsTerminal summaryHeader rows

    let private select (names: string list) (inputs: BuildInput list) : Result<BuildInput list, string> =
        match
            names
            |> List.filter (fun n -> inputs |> List.exists (fun i -> i.Machine.Name = n) |> not)
        with
        | [] when names.IsEmpty -> Ok inputs
        | [] -> Ok(inputs |> List.filter (fun i -> List.contains i.Machine.Name names))
        | unknown ->
            let known = inputs |> List.map _.Machine.Name |> String.concat ", "
            Error $"""no machine %s{String.concat ", " unknown} in the config (machines: %s{known})"""

    let private buildAll (settings: ProjectBuildSettings) (inputs: BuildInput list) (cancel: CancellationToken) =
        if LogLevel.showsProgress () then
            let display =
                BuildDisplay(inputs |> List.map _.Machine.Name, BuildDisplay.IsTerminal)

            let outcomes = ProjectBuilder.build settings inputs display.Show cancel
            display.Close()
            outcomes
        else
            ProjectBuilder.build settings inputs ignore cancel

    /// Writes `report.html` next to the models; why it could not be written.
    let private writeReport (output: string) (project: string) (inputs: BuildInput list) outcomes =
        let pairs =
            inputs
            |> List.choose (fun i ->
                outcomes
                |> List.tryFind (fun (o: LocalBuildOutcome) -> o.Name = i.Machine.Name)
                |> Option.map (fun o -> i.Machine, o.Result))

        match Gordo.Report.BuildReport.write output project pairs with
        | Ok _ -> None
        | Error message -> Some message

    /// Builds the selected machines into the prepared `output`, then writes the report.
    let private buildInto
        (output: string)
        (project: string)
        (inputs: BuildInput list)
        (parallelism: int)
        (args: ParseResults<LocalBuildArgs>)
        =
        printfn "building %d machine(s) of project %s into %s" inputs.Length project output

        let settings = {
            OutputDirectory = output
            RegisterDirectory = args.TryGetResult LocalBuildArgs.Model_Register_Dir
            ReplaceCache = args.Contains LocalBuildArgs.Replace_Cache
            Parallelism = parallelism
        }

        use cancel = new CancellationTokenSource()

        use _ =
            Console.CancelKeyPress.Subscribe(fun e ->
                e.Cancel <- true
                cancel.Cancel())

        let outcomes = buildAll settings inputs cancel.Token

        let reportError =
            if cancel.IsCancellationRequested then
                None
            else
                writeReport output project inputs outcomes

        {
            ProjectName = project
            OutputDirectory = output
            Outcomes = outcomes
            Cancelled = cancel.IsCancellationRequested
            ReportError = reportError
        }

    /// Checks the config (printing every diagnostic), checks that the output folder can be
    /// written (before anything is fetched) and builds the selected machines with a live
    /// progress display; Error carries the exit code when nothing could be built.
    let execute (args: ParseResults<LocalBuildArgs>) : Result<LocalBuildResult, int> =
        let parallelism =
            args.TryPostProcessResult(LocalBuildArgs.Parallel, ArgumentCheck.atLeastOne)
            |> Option.defaultValue 1

        let options = {
            ProjectName = args.TryGetResult LocalBuildArgs.Project_Name
            DefaultDataProvider = args.TryGetResult LocalBuildArgs.Default_Data_Provider
        }

        let compilation =
            Compiler.compileFile options (args.GetResult LocalBuildArgs.Config)

        let lines = DiagnosticPrinter.loadLines compilation.Diagnostics

        compilation.Diagnostics
        |> List.iter (DiagnosticPrinter.format lines >> eprintfn "%s")

        match compilation.Project with
        | None ->
            eprintfn "%s" (DiagnosticPrinter.summary compilation.Diagnostics)
            Error 1
        | Some project ->
            match select (args.GetResults LocalBuildArgs.Machine) (BuildInput.ofCompilation compilation) with
            | Error message ->
                eprintfn "gordo local-build: %s" message
                Error 1
            | Ok inputs ->
                let output = Path.GetFullPath(args.GetResult(LocalBuildArgs.Output, "models"))

                match OutputFolder.prepare output with
                | Error e ->
                    eprintfn "gordo local-build: %s (%s, exit %d)" e.Message e.TypeName e.ExitCode
                    Error e.ExitCode
                | Ok() -> Ok(buildInto output project.Name inputs parallelism args)


    /// Prints the summary table; exit 0 when every machine built and the report was written, 1
    /// when any failed or the report could not be written, 130 when cancelled (Ctrl+C / SIGINT).
    let summarize (result: LocalBuildResult) : int =
        printTable (summaryRows result.Outcomes)

        let failed =
            result.Outcomes |> List.filter (fun o -> Result.isError o.Result) |> List.length

        printfn "%d built, %d failed; models in %s" (result.Outcomes.Length - failed) failed result.OutputDirectory
        let report = Path.Combine(result.OutputDirectory, "report.html")

        match result.ReportError with
        | Some message -> eprintfn "gordo local-build: report not written (exit 1): %s" message
        | None when File.Exists report && not result.Cancelled -> printfn "report: %s" report
        | None -> ()

        if result.Cancelled then
            eprintfn
                "gordo local-build: cancelled (exit 130): report.html not written; finished models are complete, the others unchanged"

            130
        elif failed > 0 || result.ReportError.IsSome then
            1
        else
            0

    /// `gordo local-build`: execute, then the summary; exit 1 when the config has errors, any
    /// machine failed or the report could not be written, 20 when the output folder cannot be
    /// written.
    let run (args: ParseResults<LocalBuildArgs>) : int =
        match execute args with
        | Error code -> code
        | Ok result -> summarize result
