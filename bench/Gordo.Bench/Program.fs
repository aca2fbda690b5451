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
        let fresh = Suite.freshProcess 3 big
        let peak = fresh.PeakBytes |> Option.defaultValue 0L

        [
            {
                Name = sprintf "parse+normalize+check %d machines (fresh process, incl. JIT)" count
                Sample = fresh
                Target = "<= 2000 ms, <= 1 GB"
                Met = Some(Measure.median fresh.Runs <= 2000.0 && peak <= 1024L * 1024L * 1024L)
            }
        ]

    let private seconds (r: Row) = Measure.median r.Sample.Runs / 1000.0

    let private note (r: Row) =
        let cpu = sprintf "CPU %.2f s" (Measure.median r.Sample.Cpu / 1000.0)

        match r.Sample.PeakBytes with
        | Some peak -> sprintf "%s, peak %.0f MB" cpu (mb peak)
        | None -> cpu

    /// The figures for bench/run.fsx's table (medians; process wall unless said otherwise).
    let private emit (count: int) (ours: Row list) (gordoRows: Row list) (r2rRows: Row list) (peers: Row list) =
        let peer (text: string) =
            peers |> List.tryFind (fun r -> r.Name.Contains text)

        let pair key what (r: Row) (p: (string * Row option) list) =
            BenchLine.ours key what (seconds r) "s" (note r)

            for name, row in p do
                row |> Option.iter (fun x -> BenchLine.peer key name (seconds x) "s" (note x))

        pair "compile-fresh" (sprintf "config compiler, %d machines, fresh process (incl. JIT)" count) ours.[0] [
            "PyYAML safe_load, parse only", peer "safe_load, "
        ]

        pair
            "compile-fresh-libyaml"
            (sprintf "config compiler, %d machines, fresh process, against libyaml" count)
            ours.[0]
            [ "PyYAML CSafeLoader (libyaml), parse only", peer "CSafeLoader" ]

        pair "validate-1" "gordo validate, 1 machine" gordoRows.[0] [
            "python3 start + yaml.safe_load", peer "1-machine"
        ]

        pair "validate-n" (sprintf "gordo validate, %d machines" count) gordoRows.[1] []

        for r in r2rRows do
            pair "validate-1-r2r" "gordo validate, 1 machine, ReadyToRun publish" r []

    let private report (count: int) (publish: bool) (root: string) (gordo: string) (big: string) (one: string) =
        let ours = compileRows count big
        let gordoRows = Suite.gordoRows gordo count big one
        let published = Path.Combine(Path.GetDirectoryName big, "gordo-r2r")

        let r2rRows =
            if publish then
                Suite.readyToRunRows (Suite.publishReadyToRun root published) one
            else
                []

        let peers = Suite.peerRows count big one
        printTable (ours @ gordoRows @ r2rRows @ peers)
        printfn ""

        let torch =
            Directory.GetFiles(Path.GetDirectoryName gordo, "*orch*", SearchOption.AllDirectories)

        printfn "TorchSharp next to gordo: %b" (torch.Length > 0)

        let peer (text: string) =
            peers |> List.tryFind (fun r -> r.Name.Contains text)

        ratio "python3 + safe_load (1 machine) / gordo validate (1 machine)" gordoRows.[0] (peer "1-machine")
        emit count ours gordoRows r2rRows peers

    let private suite (count: int) (publish: bool) : int =
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

                report count publish root gordo big one
                printfn "load average after: %s" (File.ReadAllText("/proc/loadavg").Trim())
                0
        finally
            dir.Delete true

    /// Entry point: `compile FILE` (child mode) or the suite (`--machines N`, default 10,000;
    /// `--no-publish` skips the ReadyToRun publish and its row).
    [<EntryPoint>]
    let main (argv: string[]) : int =
        match List.ofArray argv with
        | [ "compile"; file ] -> Suite.compileOnce file
        | [ "--machines"; n ] -> suite (int n) true
        | [ "--machines"; n; "--no-publish" ] -> suite (int n) false
        | [] -> suite 10000 true
        | _ ->
            eprintfn "usage: Gordo.Bench [--machines N [--no-publish]] | compile FILE"
            2
