/// The long config fuzzing run: `dotnet run -c Release --project bench/Gordo.Fuzz.Bench -- [cases] [seed]`
/// (10,000 cases by default) over the conformance configs; prints the crashes and hangs (each
/// case, to reproduce it as a regression test) and the counts and time. Exit 1 when any.
module Gordo.Fuzz.Bench.Program

open System
open System.Diagnostics
open System.IO
open FsCheck
open FsCheck.FSharp
open Gordo.Tests.Config.ConfigFuzz

let private corpus () =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then
            invalidOp "Gordo.sln not found above the working directory"
        elif File.Exists(Path.Combine(dir.FullName, "Gordo.sln")) then
            dir.FullName
        else
            up dir.Parent

    let root = up (DirectoryInfo(Directory.GetCurrentDirectory()))

    seeds (Path.Combine(root, "..", "shared", "conformance", "gordo-configs"))
    |> Map.ofList

[<EntryPoint>]
let main argv =
    let count = argv |> Array.tryItem 0 |> Option.map int |> Option.defaultValue 10_000
    let seed = argv |> Array.tryItem 1 |> Option.map uint64 |> Option.defaultValue 20UL
    let timeout = TimeSpan.FromSeconds 10.0
    let corpus = corpus ()

    let generated =
        cases (List.ofSeq corpus.Keys) |> Gen.sampleWithSeed (Rnd seed) 50 count

    let watch = Stopwatch.StartNew()
    let cpu = Process.GetCurrentProcess().TotalProcessorTime
    let mutable crashes, hangs, slowest = 0, 0, TimeSpan.Zero

    for case in generated do
        let bytes = render corpus.[case.Seed] case
        let one = Stopwatch.StartNew()

        match compile timeout bytes with
        | Compiled -> ()
        | Crashed e ->
            crashes <- crashes + 1
            printfn "CRASH %A\n  %s" case (e.ToString().Split('\n').[0])
        | Hung ->
            hangs <- hangs + 1
            printfn "HANG (> %O) %A" timeout case

        slowest <- max slowest one.Elapsed

    let cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds

    printfn
        "config fuzzing: %d cases (seed %d), %d crashes, %d hangs, %.1f s (CPU %.1f s, slowest compile %.2f s), load %.2f"
        count
        seed
        crashes
        hangs
        watch.Elapsed.TotalSeconds
        cpuSeconds
        slowest.TotalSeconds
        (File.ReadAllText("/proc/loadavg").Split(' ').[0] |> float)

    if crashes + hangs > 0 then 1 else 0
