module Gordo.Tests.Cli.ConsoleTableTests

open System
open System.IO
open Expecto
open Gordo.Cli

let private render (terminal: bool) (rows: string list list) =
    use writer = new StringWriter()
    ConsoleTable.write writer terminal LocalBuild.summaryHeader rows

    writer.ToString().Split('\n')
    |> Array.map _.TrimEnd('\r')
    |> Array.filter ((<>) "")

let private longPath = "/models/" + String.replicate 40 "deep/" + "pump-1"

let private rows = [
    [ "pump-1"; "ok"; "1.2"; "0.981"; "0.975"; longPath ]
    [
        "pump-2"
        "failed (exit 30)"
        "-"
        "-"
        "-"
        "[red]no such file[/]: data.parquet"
    ]
]

/// The cells of a plain row, in order.
let private cells (line: string) =
    line.Split('|', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    |> List.ofArray

[<Tests>]
let tests =
    testList "Cli.ConsoleTable" [
        test "plain output: ASCII only, no escape codes, one line per row however long its cells" {
            let lines = render false rows

            for line in lines do
                Expect.all line (fun c -> c >= ' ' && c <= '~') $"printable ASCII: %s{line}"

            let body = lines |> Array.filter (fun l -> l.StartsWith "| ")

            Expect.equal (cells body[0]) LocalBuild.summaryHeader "the header row names every column in order"
            Expect.equal (cells body[1]) rows[0] "a long path stays on its row"
            Expect.equal (cells body[2]) rows[1] "markup-like text is printed as it is"
            Expect.equal body.Length 3 "header and two rows, nothing wrapped"
        }

        test "terminal output draws a rounded table around the same cells" {
            use writer = new StringWriter()
            let console = ConsoleTable.console writer true
            console.Profile.Width <- 200
            let row = [ "pump-2"; "failed (exit 30)"; "-"; "-"; "-"; "no such file" ]
            console.Write(ConsoleTable.build true LocalBuild.summaryHeader [ row ])
            let lines = writer.ToString().Split('\n')

            Expect.stringStarts lines[0] "╭" "rounded top border"
            Expect.isTrue (lines |> Array.exists (fun l -> l.Contains "│ failed (exit 30) │")) "the failed row"
        }
    ]
