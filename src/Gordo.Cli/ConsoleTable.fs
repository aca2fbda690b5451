namespace Gordo.Cli

open System.IO
open Spectre.Console
open Spectre.Console.Rendering

/// Tables on standard output through Spectre.Console: on a terminal, a rounded table with a bold
/// header; piped, redirected, `NO_COLOR` or `TERM=dumb`, plain ASCII with no escape codes and no
/// wrapped cells, so the lines stay one row each for `grep` and logs.
[<RequireQualifiedAccess>]
module ConsoleTable =

    /// Plain output is never wrapped: a row is one line however long its cells are.
    [<Literal>]
    let private PlainWidth = 4096

    /// A console writing to `writer`; `terminal` says whether it may use ANSI codes and colour.
    let console (writer: TextWriter) (terminal: bool) : IAnsiConsole =
        let settings =
            AnsiConsoleSettings(
                Ansi = (if terminal then AnsiSupport.Detect else AnsiSupport.No),
                ColorSystem =
                    (if terminal then
                         ColorSystemSupport.Detect
                     else
                         ColorSystemSupport.NoColors),
                Out = AnsiConsoleOutput writer,
                Interactive = InteractionSupport.No
            )

        let console = AnsiConsole.Create settings

        if not terminal then
            console.Profile.Width <- PlainWidth
            console.Profile.Capabilities.Unicode <- false

        console

    /// The table: one column per header, cells as literal text (no markup is interpreted).
    let build (terminal: bool) (header: string list) (rows: string list list) : Table =
        let table =
            Table(Border = (if terminal then TableBorder.Rounded else TableBorder.Ascii))

        for h in header do
            let style =
                if terminal then
                    Style(decoration = Decoration.Bold)
                else
                    Style.Plain

            table.AddColumn(TableColumn(Text(h, style))) |> ignore

        for r in rows do
            table.AddRow(r |> List.map (fun c -> Text c :> IRenderable)) |> ignore

        table

    /// Writes the table to `writer` (see `console`).
    let write (writer: TextWriter) (terminal: bool) (header: string list) (rows: string list list) : unit =
        (console writer terminal).Write(build terminal header rows)
