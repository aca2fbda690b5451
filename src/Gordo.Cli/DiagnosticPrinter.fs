namespace Gordo.Cli

open System
open System.IO
open Gordo.Core

/// Prints diagnostics like a compiler: header, the offending line and a caret, then the hint.
[<RequireQualifiedAccess>]
module DiagnosticPrinter =
    let private sourceLine (lines: Map<string, string[]>) (diagnostic: Diagnostic) =
        match lines.TryFind diagnostic.Position.File with
        | Some fileLines when diagnostic.Position.Line > 0 && diagnostic.Position.Line <= fileLines.Length ->
            Some fileLines.[diagnostic.Position.Line - 1]
        | _ -> None

    /// Reads the lines of the files named by the diagnostics (for the source excerpt).
    let loadLines (diagnostics: Diagnostic list) : Map<string, string[]> =
        diagnostics
        |> List.map _.Position.File
        |> List.distinct
        |> List.choose (fun file ->
            try
                if
                    File.Exists file
                    && FileInfo(file).Length < Gordo.Core.Config.Compiler.maxFileBytes
                then
                    Some(file, File.ReadAllLines file)
                else
                    None
            with _ ->
                None)
        |> Map.ofList

    /// One diagnostic as text: header, excerpt with caret, hint.
    let format (lines: Map<string, string[]>) (diagnostic: Diagnostic) : string =
        let excerpt =
            match sourceLine lines diagnostic with
            | Some line ->
                let shown = line.Replace('\t', ' ')

                let shown =
                    if shown.Length > 160 then
                        shown.Substring(0, 160) + "..."
                    else
                        shown

                let caret =
                    String(' ', max 0 (min (diagnostic.Position.Column - 1) shown.Length)) + "^"

                sprintf "\n    %s\n    %s" shown caret
            | None -> ""

        let hint =
            diagnostic.Hint
            |> Option.map (sprintf "\n    hint: %s")
            |> Option.defaultValue ""

        Diagnostic.format diagnostic + excerpt + hint

    /// The summary line: "2 errors, 1 warning".
    let summary (diagnostics: Diagnostic list) : string =
        let errors = diagnostics |> List.filter Diagnostic.isError |> List.length
        let warnings = diagnostics.Length - errors

        let plural n word =
            sprintf "%d %s%s" n word (if n = 1 then "" else "s")

        sprintf "%s, %s" (plural errors "error") (plural warnings "warning")
