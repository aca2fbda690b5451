module Gordo.Tests.Cli.GordoProcess

open System
open System.Diagnostics
open System.IO
open System.Text
open System.Threading
open Gordo.Tests.Support

/// The built CLI's output folder.
let outputDir: string =
    Path.Combine(repoRoot, "src", "Gordo.Cli", "bin", "Release", "net10.0")

/// `dotnet exec DIR/gordo.dll args` with redirected output and extra environment variables.
let startInfoIn (dir: string) (env: (string * string) list) (args: string list) : ProcessStartInfo =
    let dll = Path.Combine(dir, "gordo.dll")

    let psi =
        ProcessStartInfo("dotnet", "exec" :: dll :: args, RedirectStandardOutput = true, RedirectStandardError = true)

    for k, v in env do
        psi.Environment.[k] <- v

    psi

/// `dotnet exec gordo.dll args` (the built CLI) with redirected output and extra environment variables.
let startInfo (env: (string * string) list) (args: string list) : ProcessStartInfo = startInfoIn outputDir env args

/// Runs the `gordo` in `dir` to the end; exit code, stdout and stderr.
let runIn (dir: string) (env: (string * string) list) (args: string list) : int * string * string =
    use proc = Process.Start(startInfoIn dir env args)
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()
    proc.WaitForExit()
    proc.ExitCode, out.Result, err.Result

/// Runs the built `gordo` to the end; exit code, stdout and stderr.
let run (env: (string * string) list) (args: string list) : int * string * string = runIn outputDir env args

/// A running `gordo` whose stdout and stderr are collected line by line as they come.
type Running(psi: ProcessStartInfo) =
    let proc = new Process(StartInfo = psi)
    let out = StringBuilder()
    let err = StringBuilder()

    let collect (buffer: StringBuilder) (e: DataReceivedEventArgs) =
        if not (isNull e.Data) then
            lock buffer (fun () -> buffer.AppendLine e.Data |> ignore)

    do
        proc.OutputDataReceived.Add(collect out)
        proc.ErrorDataReceived.Add(collect err)
        proc.Start() |> ignore
        proc.BeginOutputReadLine()
        proc.BeginErrorReadLine()

    /// Standard output so far.
    member _.Out: string = lock out (fun () -> out.ToString())

    /// Standard error so far.
    member _.Err: string = lock err (fun () -> err.ToString())

    /// Waits until `text` appears in the output chosen by `read`; false on timeout or exit.
    member this.WaitFor(read: Running -> string, text: string, timeout: TimeSpan) : bool =
        let watch = Stopwatch.StartNew()
        let mutable found = false

        while not found && not proc.HasExited && watch.Elapsed < timeout do
            found <- (read this).Contains text

            if not found then
                Thread.Sleep 100

        found

    /// Sends SIGINT (what Ctrl+C sends) with `kill -INT <pid>`.
    member _.Interrupt() : unit =
        use kill = Process.Start("kill", [ "-INT"; string proc.Id ])
        kill.WaitForExit()

    /// True once the process has exited.
    member _.HasExited: bool = proc.HasExited

    /// Sends SIGKILL (no handler runs, nothing is flushed or cleaned up) and waits for the end.
    member _.KillNow() : unit =
        proc.Kill()
        proc.WaitForExit()

    /// Waits for the exit (killing the process after `timeout`); the exit code, or None on timeout.
    member _.WaitForExit(timeout: TimeSpan) : int option =
        if proc.WaitForExit timeout then
            proc.WaitForExit() // drains the redirected output
            Some proc.ExitCode
        else
            proc.Kill true
            proc.WaitForExit()
            None

    /// The built `gordo` with these environment variables and arguments.
    new(env: (string * string) list, args: string list) = new Running(startInfo env args)

    interface IDisposable with
        member _.Dispose() =
            if not proc.HasExited then
                proc.Kill true

            proc.Dispose()
