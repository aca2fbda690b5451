namespace Gordo.Cli

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Argu
open Gordo.Core
open Gordo.Core.Config
open Gordo.Models.Builder

/// One machine's outcome in `gordo local-build`.
type LocalBuildOutcome = {
    /// Machine name.
    Name: string
    /// The build result.
    Result: Result<BuiltModel, BuildError>
}

/// `gordo local-build`: check the config, build every machine, print a summary table.
[<RequireQualifiedAccess>]
module LocalBuild =
    let private gate = obj ()

    let private say (machine: string) (text: string) =
        lock gate (fun () -> printfn "[%s] %s" machine text)

    let private describe (event: BuildEvent) : string =
        match event with
        | BuildEvent.FetchingData -> "fetching data"
        | BuildEvent.DataReady(rows, s) -> $"data ready: %d{rows} rows in %.2f{s} s"
        | BuildEvent.CrossValidating folds -> $"cross-validating (%d{folds} folds)"
        | BuildEvent.Fitting -> "fitting the final model"
        | BuildEvent.Saving path -> $"saving to %s{path}"

    let private buildOne (output: string) (cancel: CancellationToken) (input: BuildInput) : LocalBuildOutcome =
        let name = input.Machine.Name
        let dir = Path.Combine(output, name)

        let result =
            try
                ModelBuilder.build input (Some dir) (describe >> say name) cancel
            with e ->
                Error(BuildError.Model e)

        match result with
        | Ok b -> say name $"done in %.1f{b.DurationSeconds} s"
        | Error e -> say name $"FAILED (%s{e.TypeName}, exit %d{e.ExitCode}): %s{e.Message}"

        { Name = name; Result = result }

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
                "ok"
                $"%.1f{b.DurationSeconds}"
                score "r2-score" b
                score "explained-variance-score" b
                b.OutputDirectory |> Option.defaultValue "(not saved)"
              ]
            | Error e -> [ o.Name; $"failed (exit %d{e.ExitCode})"; "-"; "-"; "-"; e.Message ])

    let private printTable (rows: string list list) =
        let header = [
            "machine"
            "status"
            "seconds"
            "r2 (cv mean)"
            "expl. var. (cv mean)"
            "model / error"
        ]

        let all = header :: rows

        let widths =
            List.init header.Length (fun j -> all |> List.map (fun r -> r.[j].Length) |> List.max)

        let line (r: string list) =
            List.map2 (fun (c: string) w -> c.PadRight w) r widths
            |> String.concat "  "
            |> _.TrimEnd()

        printfn ""
        printfn "%s" (line header)
        printfn "%s" (widths |> List.map (fun w -> String('-', w)) |> String.concat "  ")
        rows |> List.iter (line >> printfn "%s")

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

    let private buildAll (output: string) (degree: int) (inputs: BuildInput list) : LocalBuildOutcome list =
        use cancel = new CancellationTokenSource()

        use _ =
            Console.CancelKeyPress.Subscribe(fun e ->
                e.Cancel <- true
                cancel.Cancel())

        let results = Array.zeroCreate inputs.Length
        let options = ParallelOptions(MaxDegreeOfParallelism = max 1 degree)

        Parallel.For(0, inputs.Length, options, fun i -> results.[i] <- buildOne output cancel.Token inputs.[i])
        |> ignore

        List.ofArray results

    /// Checks the config, builds the selected machines, prints progress and a summary table;
    /// exit 0 when every machine built, 1 when any failed or the config has errors.
    let run (args: ParseResults<LocalBuildArgs>) : int =
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
            1
        | Some project ->
            match select (args.GetResults LocalBuildArgs.Machine) (BuildInput.ofCompilation compilation) with
            | Error message ->
                eprintfn "gordo local-build: %s" message
                1
            | Ok inputs ->
                let output = Path.GetFullPath(args.GetResult(LocalBuildArgs.Output, "models"))
                printfn "building %d machine(s) of project %s into %s" inputs.Length project.Name output
                let outcomes = buildAll output (args.GetResult(LocalBuildArgs.Parallel, 1)) inputs
                printTable (summaryRows outcomes)

                let failed =
                    outcomes |> List.filter (fun o -> Result.isError o.Result) |> List.length

                printfn "%d built, %d failed; models in %s" (outcomes.Length - failed) failed output

                match
                    Report.BuildReport.write
                        output
                        project.Name
                        (List.map2 (fun i o -> i.Machine, o.Result) inputs outcomes)
                with
                | Ok report -> printfn "report: %s" report
                | Error message -> eprintfn "gordo local-build: report not written: %s" message

                if failed > 0 then 1 else 0
