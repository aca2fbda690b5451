namespace Gordo.Cli

open Argu
open Gordo.Core
open Gordo.Core.Config

/// `gordo validate` and `gordo config normalize`.
[<RequireQualifiedAccess>]
module ConfigCommands =
    let private severityName (severity: Severity) =
        match severity with
        | Severity.Error -> "error"
        | Severity.Warning -> "warning"

    let private diagnosticValue (d: Diagnostic) : Value =
        Value.Map [
            "file", Value.String d.Position.File
            "line", Value.Int(int64 d.Position.Line)
            "column", Value.Int(int64 d.Position.Column)
            "severity", Value.String(severityName d.Severity)
            "code", Value.String d.Code
            "message", Value.String d.Message
            "hint", d.Hint |> Option.map Value.String |> Option.defaultValue Value.Null
            "path", Value.String d.Path
        ]

    let private printText (diagnostics: Diagnostic list) (files: int) =
        let lines = DiagnosticPrinter.loadLines diagnostics

        for d in diagnostics do
            eprintfn "%s" (DiagnosticPrinter.format lines d)

        let summary = DiagnosticPrinter.summary diagnostics
        eprintfn "%s in %d file%s" summary files (if files = 1 then "" else "s")

    /// Argu takes unknown `--options` as config paths; report them as usage errors instead.
    let private unknownOption (paths: string list) : string option =
        paths
        |> List.tryFind (fun p -> p.StartsWith "-" && not (System.IO.File.Exists p))

    let private usageError (option: string) (usage: string) =
        eprintfn "ERROR: unknown option '%s'.\n%s" option usage
        2

    /// Checks every config; exit 0 when clean, 1 on errors (or warnings with --warnings-as-errors).
    let validate (args: ParseResults<ValidateArgs>) : int =
        let options = {
            ProjectName = args.TryGetResult ValidateArgs.Project_Name
            DefaultDataProvider = args.TryGetResult ValidateArgs.Default_Data_Provider
        }

        let files = args.GetResult ValidateArgs.Configs

        match unknownOption files with
        | Some option -> usageError option (args.Parser.PrintUsage())
        | None ->
            let diagnostics =
                files |> List.collect (fun f -> (Compiler.compileFile options f).Diagnostics)

            match args.GetResult(ValidateArgs.Format, DiagnosticFormat.Text) with
            | DiagnosticFormat.Json -> printfn "%s" (Print.json (diagnostics |> List.map diagnosticValue |> Value.List))
            | DiagnosticFormat.Text -> printText diagnostics files.Length

            let failed =
                Diagnostic.hasErrors diagnostics
                || (args.Contains ValidateArgs.Warnings_As_Errors && not diagnostics.IsEmpty)

            if failed then 1 else 0

    /// Prints the normalized project; exit 1 (with diagnostics) when the config has errors.
    let normalize (args: ParseResults<NormalizeArgs>) : int =
        let options = {
            ProjectName = args.TryGetResult NormalizeArgs.Project_Name
            DefaultDataProvider = args.TryGetResult NormalizeArgs.Default_Data_Provider
        }

        let file = args.GetResult NormalizeArgs.Config

        match unknownOption [ file ] with
        | Some option -> usageError option (args.Parser.PrintUsage())
        | None ->

            let compilation = Compiler.compileFile options file

            match compilation.Project, compilation.Normalized with
            | Some _, Some tree ->
                let value = Print.normalized tree

                match args.GetResult(NormalizeArgs.Format, DumpFormat.Yaml) with
                | DumpFormat.Yaml -> printf "%s" (Print.yaml value)
                | DumpFormat.Json -> printfn "%s" (Print.json value)

                0
            | _ ->
                printText compilation.Diagnostics 1
                1
