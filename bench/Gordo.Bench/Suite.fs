namespace Gordo.Bench

open System
open System.Globalization
open System.IO
open Gordo.Core
open Gordo.Core.Config

/// One row of the results table.
type Row = {
    /// What was measured.
    Name: string
    /// The measurement.
    Sample: Sample
    /// The target, as text ("" when none).
    Target: string
    /// True/false when there is a target.
    Met: bool option
}

/// The measurements: our compiler in and out of process, `gordo validate`, and the Python peer.
[<RequireQualifiedAccess>]
module Suite =
    let private row name sample = {
        Name = name
        Sample = sample
        Target = ""
        Met = None
    }

    /// Stops the benchmark with a message (exit code 2).
    let check (label: string) (result: Result<'T, string>) : 'T =
        match result with
        | Ok value -> value
        | Error message ->
            eprintfn "bench: %s: %s" label message
            exit 2

    /// Child mode: compile FILE once and print "wallMs cpuMs peakBytes errors machines".
    let compileOnce (file: string) : int =
        let compilation, ms, cpu =
            Measure.time (fun () -> Compiler.compileFile Compiler.defaultOptions file)

        let errors =
            compilation.Diagnostics |> List.filter Diagnostic.isError |> List.length

        let machines =
            compilation.Project
            |> Option.map (fun p -> p.Machines.Length)
            |> Option.defaultValue 0

        let text (f: float) = f.ToString CultureInfo.InvariantCulture
        printfn "%s %s %d %d %d" (text ms) (text cpu) (Measure.peakWorkingSet ()) errors machines

        eprintfn
            "jit: %.0f ms, %d methods"
            (System.Runtime.JitInfo.GetCompilationTime(false).TotalMilliseconds)
            (System.Runtime.JitInfo.GetCompiledMethodCount false)

        if errors = 0 then 0 else 1

    let private self (args: string list) =
        let exe = Environment.ProcessPath

        if Path.GetFileNameWithoutExtension exe = "dotnet" then
            exe, typeof<Row>.Assembly.Location :: args
        else
            exe, args

    let private childResult (run: Measure.ProcessRun) =
        let number (text: string) =
            Double.Parse(text, CultureInfo.InvariantCulture)

        match run.Output.Trim().Split ' ' with
        | [| ms; cpu; peak; "0"; _ |] when run.ExitCode = 0 -> Ok(number ms, number cpu, int64 peak)
        | _ -> Error(sprintf "child compile failed (%d): %s" run.ExitCode run.Output)

    /// Compiles in fresh processes (so JIT is included): time inside the process and peak working set.
    let freshProcess (runs: int) (file: string) : Sample =
        let exe, args = self [ "compile"; file ]

        let results =
            List.init runs (fun _ -> check "fresh process" (childResult (Measure.run exe args)))

        {
            Runs = results |> List.map (fun (ms, _, _) -> ms)
            Cpu = results |> List.map (fun (_, cpu, _) -> cpu)
            PeakBytes = Some(results |> List.map (fun (_, _, peak) -> peak) |> List.max)
        }

    /// `gordo validate` as a whole process on the one-machine and the big file.
    let gordoRows (gordo: string) (count: int) (big: string) (one: string) : Row list =
        let validate runs file =
            check "gordo validate" (Measure.processRuns runs 0 gordo [ "validate"; file ])

        validate 1 one |> ignore
        let oneSample = validate 10 one

        [
            {
                row "gordo validate, 1-machine file (process wall)" oneSample with
                    Target = "<= 500 ms"
                    Met = Some(Measure.median oneSample.Runs <= 500.0)
            }
            row (sprintf "gordo validate, %d-machine file (process wall)" count) (validate 3 big)
        ]

    /// Publishes the CLI with ReadyToRun code into `dir` (how it would ship); the `gordo` path, or
    /// None (with a message) when publishing fails, e.g. without the runtime pack in the NuGet cache.
    let publishReadyToRun (root: string) (dir: string) : string option =
        let project = Path.Combine(root, "src", "Gordo.Cli")

        let run =
            Measure.run "dotnet" [
                "publish"
                project
                "-c"
                "Release"
                "-r"
                "linux-x64"
                "--self-contained"
                "false"
                "-p:PublishReadyToRun=true"
                "-o"
                dir
                "-nologo"
                "-v:q"
            ]

        let gordo = Path.Combine(dir, "gordo")

        if run.ExitCode = 0 && File.Exists gordo then
            Some gordo
        else
            eprintfn "bench: ReadyToRun publish failed (%d), row skipped: %s" run.ExitCode run.Output
            None

    /// `gordo validate` of the one-machine file with a ReadyToRun-published CLI.
    let readyToRunRows (gordo: string option) (one: string) : Row list =
        match gordo with
        | None -> []
        | Some exe ->
            let validate runs =
                check "gordo validate (ReadyToRun)" (Measure.processRuns runs 0 exe [ "validate"; one ])

            validate 1 |> ignore
            let sample = validate 10

            [
                {
                    row "gordo validate (ReadyToRun publish), 1-machine file (process wall)" sample with
                        Target = "<= 500 ms"
                        Met = Some(Measure.median sample.Runs <= 500.0)
                }
            ]

    /// PyYAML on the same files (empty when python3-yaml is missing).
    let peerRows (count: int) (big: string) (one: string) : Row list =
        if not (Peers.pythonYamlAvailable ()) then
            eprintfn "bench: python3 with PyYAML not found (apt-get install python3-yaml): no peer numbers"
            []
        else
            let runs n loader file =
                List.init n (fun _ -> check ("python3 " + loader) (Peers.parse loader file))

            [
                row
                    (sprintf "peer: python3 yaml.safe_load, %d machines (parse only)" count)
                    (Peers.parseSample (runs 1 "SafeLoader" big))
                if Peers.libyamlAvailable () then
                    row
                        (sprintf "peer: python3 yaml CSafeLoader (libyaml), %d machines (parse only)" count)
                        (Peers.parseSample (runs 3 "CSafeLoader" big))
                row
                    "peer: python3 start + yaml.safe_load, 1-machine file (process wall)"
                    (Peers.processSample (runs 5 "SafeLoader" one))
            ]
