namespace Gordo.Bench

open System
open System.Diagnostics
open System.IO

/// One measured quantity: wall times of several runs and the peak memory seen.
type Sample = {
    /// Wall time of each run, in milliseconds.
    Runs: float list
    /// CPU time (user + system) of each run, in milliseconds.
    Cpu: float list
    /// Peak memory in bytes (working set / max RSS), when measured.
    PeakBytes: int64 option
}

/// Timing helpers.
[<RequireQualifiedAccess>]
module Measure =
    /// The median of a non-empty list.
    let median (values: float list) : float =
        let sorted = List.sort values
        let n = sorted.Length

        if n % 2 = 1 then
            sorted.[n / 2]
        else
            (sorted.[n / 2 - 1] + sorted.[n / 2]) / 2.0

    /// This process's CPU time so far (all threads), in milliseconds.
    let cpuNow () : float =
        use self = Process.GetCurrentProcess()
        self.TotalProcessorTime.TotalMilliseconds

    /// Runs `f` once: its result, the elapsed wall milliseconds and the CPU milliseconds used.
    let time (f: unit -> 'T) : 'T * float * float =
        let cpu = cpuNow ()
        let watch = Stopwatch.StartNew()
        let result = f ()
        result, watch.Elapsed.TotalMilliseconds, cpuNow () - cpu

    /// The result of a finished child process.
    type ProcessRun = {
        /// Exit code.
        ExitCode: int
        /// Captured standard output.
        Output: string
        /// Wall time from start to exit, in milliseconds (includes process start-up).
        WallMs: float
        /// CPU time (user + system) of the process and its children, in milliseconds.
        CpuMs: float
    }

    /// bash's `time` report (user and system seconds) from the last line of stderr.
    let private cpuOf (stderr: string) =
        let last = stderr.TrimEnd().Split('\n') |> Array.last

        match last.Trim().Split ' ' with
        | [| user; system |] ->
            let seconds (text: string) =
                Double.Parse(text, Globalization.CultureInfo.InvariantCulture)

            (seconds user + seconds system) * 1000.0
        | _ -> nan

    /// Runs a process to completion under bash's `time`, capturing stdout and the CPU time.
    let run (exe: string) (args: string list) : ProcessRun =
        let timed = "TIMEFORMAT='%3U %3S'; time \"$0\" \"$@\""

        let psi =
            ProcessStartInfo(
                "bash",
                "-c" :: timed :: exe :: args,
                RedirectStandardOutput = true,
                RedirectStandardError = true
            )

        let watch = Stopwatch.StartNew()
        use proc = Process.Start psi
        let errors = proc.StandardError.ReadToEndAsync()
        let output = proc.StandardOutput.ReadToEnd()
        proc.WaitForExit()
        let wall = watch.Elapsed.TotalMilliseconds

        {
            ExitCode = proc.ExitCode
            Output = output
            WallMs = wall
            CpuMs = cpuOf errors.Result
        }

    /// Times `runs` runs of a process; every run must exit with `expectedExit`.
    let processRuns (runs: int) (expectedExit: int) (exe: string) (args: string list) : Result<Sample, string> =
        let results = List.init runs (fun _ -> run exe args)

        match results |> List.tryFind (fun r -> r.ExitCode <> expectedExit) with
        | Some bad -> Error(sprintf "%s %s exited with %d: %s" exe (String.concat " " args) bad.ExitCode bad.Output)
        | None ->
            Ok {
                Runs = results |> List.map (fun r -> r.WallMs)
                Cpu = results |> List.map (fun r -> r.CpuMs)
                PeakBytes = None
            }

    /// The repository root: the first folder above the program holding Gordo.sln.
    let repositoryRoot () : string option =
        let rec up (dir: DirectoryInfo) =
            if isNull dir then
                None
            elif File.Exists(Path.Combine(dir.FullName, "Gordo.sln")) then
                Some dir.FullName
            else
                up dir.Parent

        up (DirectoryInfo AppContext.BaseDirectory)

    /// The current process's peak working set, in bytes.
    let peakWorkingSet () : int64 =
        use self = Process.GetCurrentProcess()
        self.Refresh()
        self.PeakWorkingSet64
