namespace Gordo.Bench

open System
open System.IO
open Gordo.Core
open Gordo.Core.Config

/// `dotnet run -c Release --project bench/Gordo.Bench [-- --machines N]`: the config compiler benchmark.
module Program =
    let private mb (bytes: int64) = float bytes / 1024.0 / 1024.0

    let private cell (r: Row) =
        let peak =
            r.Sample.PeakBytes
            |> Option.map (mb >> sprintf "%.0f MB")
            |> Option.defaultValue ""

        let met =
            match r.Met with
            | Some true -> "yes"
            | Some false -> "NO"
            | None -> ""

        sprintf
            "| %s | %d | %.0f ms | %.0f ms | %.0f ms | %s | %s | %s |"
            r.Name
            r.Sample.Runs.Length
            (Measure.median r.Sample.Runs)
            (List.min r.Sample.Runs)
            (Measure.median r.Sample.Cpu)
            peak
            r.Target
            met

    let private printTable (rows: Row list) =
        printfn "| measurement | runs | median wall | min wall | median CPU | peak memory | target | met |"
        printfn "|---|---|---|---|---|---|---|---|"
        rows |> List.iter (cell >> printfn "%s")

    let private ratio (label: string) (ours: Row) (peer: Row option) =
        peer
        |> Option.iter (fun p ->
            let wall = Measure.median p.Sample.Runs / Measure.median ours.Sample.Runs
            let cpu = Measure.median p.Sample.Cpu / Measure.median ours.Sample.Cpu
            printfn "%s: %.2fx wall, %.2fx CPU" label wall cpu)

    let private compileRows (count: int) (big: string) =
        let warm, allocated = Suite.inProcess 5 big
        let fresh = Suite.freshProcess 3 big
        let peak = fresh.PeakBytes |> Option.defaultValue 0L

        [
            {
                Name = sprintf "parse+normalize+check %d machines (in process, warm)" count
                Sample = warm
                Target = ""
                Met = None
            }
            {
                Name = sprintf "parse+normalize+check %d machines (fresh process, incl. JIT)" count
                Sample = fresh
                Target = "<= 2000 ms, <= 1 GB"
                Met = Some(Measure.median fresh.Runs <= 2000.0 && peak <= 1024L * 1024L * 1024L)
            }
        ],
        allocated

    let private report (count: int) (root: string) (gordo: string) (big: string) (one: string) =
        let ours, allocated = compileRows count big
        let gordoRows = Suite.gordoRows gordo count big one
        let published = Path.Combine(Path.GetDirectoryName big, "gordo-r2r")
        let r2rRows = Suite.readyToRunRows (Suite.publishReadyToRun root published) one
        let peers = Suite.peerRows count big one
        printTable (ours @ gordoRows @ r2rRows @ peers)
        printfn ""

        let torch =
            Directory.GetFiles(Path.GetDirectoryName gordo, "*orch*", SearchOption.AllDirectories)

        printfn
            "allocated per in-process compile: %.0f MB; TorchSharp next to gordo: %b"
            (mb allocated)
            (torch.Length > 0)

        let peer (text: string) =
            peers |> List.tryFind (fun r -> r.Name.Contains text)

        ratio "PyYAML safe_load (parse only) / our parse+normalize+check (warm)" ours.[0] (peer "safe_load, ")
        ratio "PyYAML CSafeLoader (parse only) / our parse+normalize+check (warm)" ours.[0] (peer "CSafeLoader")
        ratio "python3 + safe_load (1 machine) / gordo validate (1 machine)" gordoRows.[0] (peer "1-machine")

    let private suite (count: int) : int =
        let root =
            Measure.repositoryRoot ()
            |> Option.defaultWith (fun () -> Suite.check "repository" (Error "Gordo.sln not found"))

        let gordo =
            Path.Combine(root, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo")

        let dir = Directory.CreateTempSubdirectory "gordo-bench-"
        let big = Path.Combine(dir.FullName, sprintf "config-%d.yaml" count)
        let one = Path.Combine(dir.FullName, "config-1.yaml")
        File.WriteAllText(big, Generate.config count)
        File.WriteAllText(one, Generate.config 1)

        try
            let first = Compiler.compileFile Compiler.defaultOptions big

            match first.Project with
            | None ->
                first.Diagnostics
                |> List.truncate 20
                |> List.iter (Diagnostic.format >> eprintfn "%s")

                eprintfn "bench: the generated config has errors"
                1
            | Some project ->
                let size = mb (FileInfo(big).Length)

                printfn
                    "generated config: %d machines, %.1f MB, %d diagnostics"
                    project.Machines.Length
                    size
                    first.Diagnostics.Length

                printfn
                    "%d processors, load average before: %s"
                    Environment.ProcessorCount
                    (File.ReadAllText "/proc/loadavg" |> fun s -> s.Trim())

                report count root gordo big one
                printfn "load average after: %s" (File.ReadAllText("/proc/loadavg").Trim())
                0
        finally
            dir.Delete true

    /// Entry point: `compile FILE` (child mode) or the suite (`--machines N`, default 10,000).
    [<EntryPoint>]
    let main (argv: string[]) : int =
        match List.ofArray argv with
        | [ "compile"; file ] -> Suite.compileOnce file
        | [ "--machines"; n ] -> suite (int n)
        | [] -> suite 10000
        | _ ->
            eprintfn "usage: Gordo.Bench [--machines N] | compile FILE"
            2
