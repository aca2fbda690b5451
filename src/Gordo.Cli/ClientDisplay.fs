namespace Gordo.Cli

open System
open System.Collections.Generic
open System.Diagnostics
open System.Globalization
open System.IO
open Gordo.Client

/// `--log-level` of `gordo client` (`critical` is `Error`).
[<RequireQualifiedAccess>]
type ClientLogLevel =
    /// Every event as a plain line, and every HTTP request.
    | Debug
    /// Progress: redrawn in place on a terminal, plain lines otherwise.
    | Info
    /// Failures only.
    | Warning
    /// Nothing but the final summary of failures.
    | Error

/// Progress of `gordo client predict`: on a terminal one line per machine redrawn in place
/// (chunks done / total, rows/s); otherwise plain timestamped lines `[machine] text`, as the
/// builder's progress. The level decides what is shown (see `ClientLogLevel`).
type ClientDisplay(terminal: bool, level: ClientLogLevel, writer: TextWriter) =
    let live = terminal && level = ClientLogLevel.Info
    let gate = obj ()
    let order = ResizeArray<string>()
    let lines = Dictionary<string, string>()
    let started = Dictionary<string, Stopwatch>()
    let mutable drawn = 0

    let rate (name: string) (rows: int) =
        match started.TryGetValue name with
        | true, clock when clock.Elapsed.TotalSeconds > 0.0 -> float rows / clock.Elapsed.TotalSeconds
        | _ -> 0.0

    let plain (name: string) (text: string) =
        writer.Write(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z' ", CultureInfo.InvariantCulture))
        writer.WriteLine $"[%s{name}] %s{text}"
        writer.Flush()

    let redraw () =
        let width = order |> Seq.map String.length |> Seq.fold max 7
        let out = Text.StringBuilder()

        if drawn > 0 then
            out.Append($"\u001b[%d{drawn}A") |> ignore

        for m in order do
            out.Append("\r\u001b[2K  ").Append(m.PadRight width).Append("  ").Append(lines.[m]).Append('\n')
            |> ignore

        drawn <- order.Count
        writer.Write(out.ToString())
        writer.Flush()

    let rows = Dictionary<string, int>()

    let set (name: string) (text: string) (important: bool) =
        if not (lines.ContainsKey name) then
            order.Add name

        lines.[name] <- text

        match level with
        | ClientLogLevel.Info when live -> redraw ()
        | ClientLogLevel.Debug
        | ClientLogLevel.Info -> plain name text
        | ClientLogLevel.Warning when important -> plain name text
        | _ -> ()

    /// Shows one event.
    member _.Show(event: ClientEvent) : unit =
        lock gate (fun () ->
            match event with
            | ClientEvent.Started(name, n, chunks) ->
                started.[name] <- Stopwatch.StartNew()
                rows.[name] <- 0
                set name $"%d{n} rows in %d{chunks} chunks" false
            | ClientEvent.ChunkDone(name, k, total, n) ->
                rows.[name] <- rows.GetValueOrDefault name + n
                set name $"chunk %d{k}/%d{total}, %.0f{rate name rows.[name]} rows/s" false
            | ClientEvent.ChunkFailed(name, message) -> set name $"error: %s{message}" true
            | ClientEvent.Finished o ->
                let text =
                    match o.Errors with
                    | [] -> $"done: %d{o.Rows} rows, %.0f{rate o.Name (rows.GetValueOrDefault o.Name)} rows/s"
                    | errors -> $"FAILED (%d{errors.Length} errors), %d{o.Rows} rows forwarded"

                set o.Name text (not o.Errors.IsEmpty))
