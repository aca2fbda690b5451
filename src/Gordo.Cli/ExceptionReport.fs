namespace Gordo.Cli

open System
open System.IO
open Gordo.Core
open Gordo.Models.Artifacts

/// The failure report `gordo build` writes for Kubernetes (spec §6.5).
[<RequireQualifiedAccess>]
module ExceptionReport =
    /// Gordo's limit for the report text (2024 − 500).
    let maxLength = 1524

    /// Every character that is neither whitespace nor in U+0020–U+007F becomes `?`.
    let sanitize (text: string) : string =
        text
        |> String.map (fun c ->
            if Char.IsWhiteSpace c || (c >= ' ' && c <= '\u007f') then
                c
            else
                '?')

    /// Cuts a message to `limit` characters with `...`; "" when too little would remain.
    let trimMessage (limit: int) (message: string) : string =
        if message.Length <= limit then message
        elif limit - 3 <= 3 then ""
        else message.Substring(0, limit - 3) + "..."

    /// Keeps traceback lines from the end while the running total (from 4) fits; prepends `...`.
    let trimTraceback (limit: int) (lines: string list) : string =
        if lines |> List.sumBy _.Length <= limit then
            String.concat "" lines
        else
            let kept =
                List.rev lines
                |> List.scan (fun (total, _) line -> total + line.Length, Some line) (4, None)
                |> List.tail
                |> List.takeWhile (fun (total, _) -> total <= limit)
                |> List.choose snd
                |> List.rev

            "...\n" + String.concat "" kept

    /// The report value for a failure of `typeName` with `message` at `level`.
    let value (level: ReportLevel) (typeName: string) (message: string) : Value =
        let text = sanitize message

        match level with
        | ReportLevel.Exit_Code -> Value.Map []
        | ReportLevel.Type -> Value.Map [ "type", Value.String typeName ]
        | ReportLevel.Message ->
            Value.Map [
                "type", Value.String typeName
                "message", Value.String(trimMessage maxLength text)
            ]
        | ReportLevel.Traceback ->
            let lines = text.Split('\n') |> Array.map (fun l -> l + "\n") |> List.ofArray

            Value.Map [
                "type", Value.String typeName
                "traceback", Value.String(trimTraceback maxLength lines)
            ]

    /// Writes the report; problems writing it are printed, never raised (as Gordo does).
    let write (path: string) (level: ReportLevel) (typeName: string) (message: string) : unit =
        try
            AtomicPath.writeAllBytes path (Json.toBytes (value level typeName message))
        with e ->
            eprintfn "gordo build: cannot write the exception report to %s: %s" path e.Message
