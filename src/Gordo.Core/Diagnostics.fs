namespace Gordo.Core

/// How serious a diagnostic is.
[<RequireQualifiedAccess>]
type Severity =
    /// The config cannot be used.
    | Error
    /// The config can be used, but probably not as the author meant.
    | Warning

/// A place in a source file: 1-based line and column. Line 0 means "not from a file" (a default).
[<Struct>]
type Position = {
    /// The file name as the user gave it.
    File: string
    /// 1-based line, 0 when the value did not come from a file.
    Line: int
    /// 1-based column.
    Column: int
}

/// Helpers for positions.
[<RequireQualifiedAccess>]
module Position =
    /// The position of values that come from built-in defaults.
    let none: Position = { File = ""; Line = 0; Column = 0 }

    /// True when the position points into a file.
    let isKnown (position: Position) : bool = position.Line > 0

/// One problem found in a config: what, where, and how to fix it.
type Diagnostic = {
    /// Stable code, e.g. GORDO0107.
    Code: string
    /// Error or warning.
    Severity: Severity
    /// What is wrong.
    Message: string
    /// How to fix it, when there is something useful to say.
    Hint: string option
    /// Where in the source it is.
    Position: Position
    /// The YAML path of the offending node, e.g. machines[2].dataset.tags[0].
    Path: string
}

/// Building and inspecting diagnostics.
[<RequireQualifiedAccess>]
module Diagnostic =
    /// True for errors.
    let isError (diagnostic: Diagnostic) : bool = diagnostic.Severity = Severity.Error

    /// True when any diagnostic in the list is an error.
    let hasErrors (diagnostics: Diagnostic list) : bool = List.exists isError diagnostics

    /// Orders diagnostics by file, line, column, then code.
    let sort (diagnostics: Diagnostic list) : Diagnostic list =
        diagnostics
        |> List.sortBy (fun d -> d.Position.File, d.Position.Line, d.Position.Column, d.Code)

    /// Compiler-style header: `file:line:col: error GORDO0107: message`.
    let format (diagnostic: Diagnostic) : string =
        let severity =
            match diagnostic.Severity with
            | Severity.Error -> "error"
            | Severity.Warning -> "warning"

        let where =
            if Position.isKnown diagnostic.Position then
                sprintf "%s:%d:%d" diagnostic.Position.File diagnostic.Position.Line diagnostic.Position.Column
            else
                diagnostic.Position.File

        let at =
            if diagnostic.Path = "" then
                ""
            else
                sprintf " (at %s)" diagnostic.Path

        sprintf "%s: %s %s: %s%s" where severity diagnostic.Code diagnostic.Message at
