namespace Gordo.Cli

open System
open System.Collections.Generic
open System.IO
open Argu
open Gordo.Core
open Gordo.Workflow
open Microsoft.FSharp.Reflection

/// `gordo workflow generate`.
[<RequireQualifiedAccess>]
module WorkflowCommands =

    let private arguments (results: ParseResults<WorkflowGenerateArgs>) : Dictionary<string, string> =
        let d = Dictionary<string, string>(StringComparer.Ordinal)

        for result in results.GetAllResults() do
            let case, fields = FSharpValue.GetUnionFields(result, typeof<WorkflowGenerateArgs>)

            let value =
                match fields with
                | [| :? string as s |] -> s
                | _ -> "true"

            d[WorkflowGenerateArgs.OptionName case] <- value

        d

    let private environment (name: string) : string option =
        match Environment.GetEnvironmentVariable name with
        | null -> None
        | v -> Some v

    let private version () =
        let v = Reflection.Assembly.GetExecutingAssembly().GetName().Version
        $"%d{v.Major}.%d{v.Minor}.%d{v.Build}"

    let private report (error: GenerateError) : int =
        match error with
        | GenerateError.Usage messages -> messages |> List.iter (eprintfn "error: %s")
        | GenerateError.Config diagnostics ->
            let lines = DiagnosticPrinter.loadLines diagnostics
            diagnostics |> List.iter (DiagnosticPrinter.format lines >> eprintfn "%s")
            eprintfn "%s" (DiagnosticPrinter.summary diagnostics)
        | GenerateError.Template e -> eprintfn "error: %s" e.Message
        | GenerateError.Invalid errors ->
            errors |> List.iter (fun e -> eprintfn "error: %s" (string e))
            eprintfn "%d schema error(s) in the generated workflow; nothing written" errors.Length

        error.ExitCode

    let private write (options: WorkflowOptions) (generated: GeneratedWorkflows) : int =
        let lines = DiagnosticPrinter.loadLines generated.Warnings

        generated.Warnings
        |> List.iter (DiagnosticPrinter.format lines >> eprintfn "%s")

        let written, writeTime =
            StageTiming.measure "write" (fun () ->
                match options.OutputFile with
                | Some path ->
                    OutputPath.writing "gordo workflow generate" OutputKind.File "--output-file" path (fun () ->
                        AtomicPath.writeText path generated.WriteTo)
                | None -> Ok(generated.WriteTo Console.Out))

        // GORDO_WORKFLOW_TIMINGS=1: how long each stage took, on stderr (bench/workflow/run.sh).
        if
            environment "GORDO_WORKFLOW_TIMINGS"
            |> Option.exists (fun v -> v <> "" && v <> "0")
        then
            generated.Timings @ [ writeTime ]
            |> List.iter (StageTiming.format >> eprintfn "timing: %s")

        match written with
        | Ok() -> 0
        | Error code -> code

    /// Runs `gordo workflow generate`; exit 0, 1 (config/template/schema errors), 2 (usage) or 20
    /// (the --output-file cannot be written).
    let generate (results: ParseResults<WorkflowGenerateArgs>) : int =
        let sources = {
            Arguments = arguments results
            Environment = environment
            Now = DateTimeOffset.UtcNow
            InstalledVersion = version ()
            LogLevel = results.TryGetResult WorkflowGenerateArgs.Log_Level
        }

        match WorkflowOptions.parse sources with
        | Error errors ->
            errors |> List.iter (fun e -> eprintfn "error: %s" e.Message)
            2
        | Ok options ->
            match WorkflowGenerator.generate options environment with
            | Ok generated -> write options generated
            | Error error -> report error
