namespace Gordo.Cli

open System
open System.Collections.Generic
open System.Diagnostics
open Gordo.Models
open Gordo.Models.Builder

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

    /// The plain-log description of a build step.
    static member Describe(event: BuildEvent) : string =
        match event with
        | BuildEvent.FetchingData -> "fetching data"
        | BuildEvent.DataReady(rows, s) -> $"data ready: %d{rows} rows in %.2f{s} s"
        | BuildEvent.CrossValidating folds -> $"cross-validating (%d{folds} folds)"
        | BuildEvent.Fitting -> "fitting the final model"
        | BuildEvent.Saving path -> $"saving to %s{path}"
        | BuildEvent.Training(TrainingSignal.Fold(k, n)) -> $"fold %d{k}/%d{n}"
        | BuildEvent.Training(TrainingSignal.Epoch(k, n, loss)) -> $"epoch %d{k}/%d{n} loss %.4g{loss}"
        | BuildEvent.CacheHit path -> $"cache hit: copying %s{path}"
        | BuildEvent.StaleCacheEntry path -> $"stale cache entry ignored: %s{path}"

    /// The plain-log line of a finished machine.
    static member Outcome(outcome: MachineOutcome) : string =
        match outcome.Result with
        | Ok b when b.FromCache -> $"done in %.1f{b.DurationSeconds} s (from the build cache)"
        | Ok b -> $"done in %.1f{b.DurationSeconds} s"
        | Error e -> $"FAILED (%s{e.TypeName}, exit %d{e.ExitCode}): %s{e.Message}"

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
            | BuildEvent.DataReady(rows, _) -> {
                l with
                    Stage = $"data ready (%d{rows} rows)"
              }
            | BuildEvent.CacheHit _ -> { l with Stage = "cache hit: copying" }
            | BuildEvent.Saving _ -> { l with Stage = "saving"; Epoch = "" }
            | other -> {
                l with
                    Stage = BuildDisplay.Describe other
              }

    /// Shows one project event.
    member this.Show(event: ProjectEvent) : unit =
        lock gate (fun () ->
            match event, live with
            | ProjectEvent.Machine(name, e), false -> printfn "[%s] %s" name (BuildDisplay.Describe e)
            | ProjectEvent.Finished o, false -> printfn "[%s] %s" o.Name (BuildDisplay.Outcome o)
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
