namespace Gordo.Cli

open System
open System.Collections.Generic
open System.Diagnostics
open System.Globalization
open System.IO
open Gordo.Models
open Gordo.Build

/// Plain progress lines `[machine] text` (no terminal control codes: logs, pipes, pods), with the
/// text of `BuildText`. Epoch lines are throttled per machine: the first and last epoch of every
/// fit, and otherwise at most one every two seconds. With `timestamps` each line starts with the
/// UTC time.
type BuildLog(writer: TextWriter, timestamps: bool) =
    let gate = obj ()
    let lastEpoch = Dictionary<string, int64>()
    let clock = Stopwatch.StartNew()

    let due (name: string) (event: BuildEvent) =
        match event with
        | BuildEvent.Training(TrainingSignal.Epoch(k, n, _)) ->
            let now = clock.ElapsedMilliseconds

            let show =
                k = 1
                || k = n
                || (match lastEpoch.TryGetValue name with
                    | true, last -> now - last >= BuildLog.EpochInterval
                    | _ -> true)

            if show then
                lastEpoch.[name] <- now

            show
        | _ -> true

    let line (name: string) (text: string) =
        if timestamps then
            writer.Write(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z' ", CultureInfo.InvariantCulture))

        writer.WriteLine $"[%s{name}] %s{text}"
        writer.Flush()

    /// Milliseconds between two epoch lines of one machine (first and last epochs excepted).
    static member EpochInterval: int64 = 2000L

    /// Writes the line of one project event (if due).
    member _.Show(event: ProjectEvent) : unit =
        lock gate (fun () ->
            match event with
            | ProjectEvent.Machine(name, e) when due name e -> line name (BuildText.describe e)
            | ProjectEvent.Machine _ -> ()
            | ProjectEvent.Finished o -> line o.Name (BuildText.outcome o))

/// One machine's line of the live display.
type private MachineLine = {
    Stage: string
    Fold: string
    Epoch: string
}

/// Progress of `gordo local-build`: on a terminal, one line per machine redrawn in place (data
/// fetch, fold k/n, epoch, done/failed); otherwise plain log lines `[machine] text`.
type BuildDisplay(machines: string list, live: bool) =
    let gate = obj ()
    let plain = BuildLog(Console.Out, false)
    let lines = Dictionary<string, MachineLine>()
    let width = machines |> List.map String.length |> List.fold max 7
    let clock = Stopwatch.StartNew()
    let mutable drawn = 0
    let mutable lastDraw = -1000L

    do
        for m in machines do
            lines.[m] <- {
                Stage = "waiting"
                Fold = ""
                Epoch = ""
            }

    let text (name: string) =
        let l = lines.[name]
        let detail = [ l.Fold; l.Epoch ] |> List.filter ((<>) "") |> String.concat "  "
        $"""  %s{name.PadRight width}  %s{l.Stage.PadRight 26}  %s{detail}"""

    let redraw (force: bool) =
        if force || clock.ElapsedMilliseconds - lastDraw >= 100L then
            lastDraw <- clock.ElapsedMilliseconds
            let out = Text.StringBuilder()

            if drawn > 0 then
                out.Append($"\u001b[%d{drawn}A") |> ignore

            for m in machines do
                out.Append("\r\u001b[2K").Append(text m).Append('\n') |> ignore

            drawn <- machines.Length
            Console.Out.Write(out.ToString())
            Console.Out.Flush()

    /// True when standard output is a terminal that understands cursor movement.
    static member IsTerminal: bool =
        not Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable "TERM" <> "dumb"
        && isNull (Environment.GetEnvironmentVariable "NO_COLOR")

    member private _.Update(name: string, event: BuildEvent) =
        let l = lines.[name]

        lines.[name] <-
            match event with
            | BuildEvent.Training(TrainingSignal.Fold(k, n)) -> {
                l with
                    Fold = $"fold %d{k}/%d{n}"
                    Epoch = ""
              }
            | BuildEvent.Training(TrainingSignal.Epoch(k, n, loss)) -> {
                l with
                    Epoch = $"epoch %d{k}/%d{n} loss %.4g{loss}"
              }
            | BuildEvent.Fitting -> {
                Stage = "fitting the final model"
                Fold = ""
                Epoch = ""
              }
            | BuildEvent.DataReady(rows, tags, _) -> {
                l with
                    Stage = $"data ready (%d{rows} rows, %d{tags} tags)"
              }
            | BuildEvent.CacheHit _ -> { l with Stage = "cache hit: copying" }
            | BuildEvent.Saving _ -> { l with Stage = "saving"; Epoch = "" }
            | other -> {
                l with
                    Stage = BuildText.describe other
              }

    /// Shows one project event.
    member this.Show(event: ProjectEvent) : unit =
        lock gate (fun () ->
            match event, live with
            | _, false -> plain.Show event
            | ProjectEvent.Machine(name, e), true ->
                this.Update(name, e)
                redraw false
            | ProjectEvent.Finished o, true ->
                let status =
                    match o.Result with
                    | Ok b -> $"done in %.1f{b.DurationSeconds} s" + (if b.FromCache then " (cached)" else "")
                    | Error e -> $"FAILED (exit %d{e.ExitCode}): %s{e.Message}"

                lines.[o.Name] <- {
                    Stage = status
                    Fold = ""
                    Epoch = ""
                }

                redraw true)

    /// Draws the final state (terminal mode).
    member _.Close() : unit =
        if live then
            lock gate (fun () -> redraw true)
