/// Micro harness of the ML server's request path (issue 6), without HTTP: parses the benchmark
/// body (X and y, 100 rows x 10 tags in pandas dict form), runs the anomaly handler and writes the
/// JSON reply into memory, many times, and prints CPU and wall milliseconds per request for each
/// stage. CPU time (not wall time) is the figure to compare on a shared machine.
/// Usage: dotnet run -c Release --project bench/Gordo.Server.Bench -- REVISION_DIR BODY_JSON [N]
/// (`GORDO_BENCH_KEEP=DIR bench/server/run.sh` keeps its revision as DIR/models/1 and DIR/body.json).
module Gordo.Server.Bench.Program

open CommunityToolkit.HighPerformance.Buffers
open System
open System.Buffers
open System.Diagnostics
open System.IO
open System.Text.Json
open Gordo.Server

let private context (config: ServerConfig) (store: ModelStore) (input: string -> InputTable option) = {
    Path = "/gordo/v0/bench/bench-model/anomaly/prediction"
    Config = config
    Store = store
    Revision = {
        Name = "1"
        Directory = config.ModelCollectionDir.Value
    }
    Model = "bench-model"
    Query = fun _ -> None
    Input = input
    Route = fun _ -> None
}

/// Renders a reply as the server does (into a pooled buffer); its length.
let private write (reply: Reply) : int =
    use buffer = new ArrayPoolBufferWriter<byte>(300_000)
    Reply.render "1" reply.Body buffer |> ignore
    buffer.WrittenCount

let private measure (iterations: int) (name: string) (run: unit -> unit) =
    // Warm-up long enough for tiered compilation and PGO to settle (several seconds).
    let warm = Stopwatch.StartNew()

    while warm.Elapsed.TotalSeconds < 5.0 do
        run ()

    GC.Collect()
    let gcs = Array.init 3 GC.CollectionCount
    let allocated = GC.GetTotalAllocatedBytes()
    let paused = GC.GetTotalPauseDuration()
    let cpu = Process.GetCurrentProcess().TotalProcessorTime
    let wall = Stopwatch.StartNew()

    for _ in 1..iterations do
        run ()

    let cpuMs =
        (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds
        / float iterations

    let per (x: float) = x / float iterations

    printfn
        "%-28s CPU %.3f ms  wall %.3f ms  allocated %.0f KB  GC pause %.3f ms  GCs per 1,000 (gen 0/1/2) %s"
        name
        cpuMs
        (per wall.Elapsed.TotalMilliseconds)
        (per (float (GC.GetTotalAllocatedBytes() - allocated) / 1024.0))
        (per (GC.GetTotalPauseDuration() - paused).TotalMilliseconds)
        (Array.init 3 (fun g -> string ((GC.CollectionCount g - gcs.[g]) * 1000 / iterations))
         |> String.concat "/")

let private run (args: string[]) =
    let iterations = if args.Length > 2 then int args.[2] else 2000
    let body = File.ReadAllBytes args.[1]

    let config = {
        ServerConfig.defaults with
            ModelCollectionDir = Some args.[0]
    }

    let request = context config (ModelStore config)
    let parse () = InputJson.tables (ReadOnlyMemory body)
    let parsed = parse ()
    let tables = Map.ofList [ "X", parsed "X"; "y", parsed "y" ]
    let cached = fun key -> tables.[key]
    printfn "reply: %d bytes" (write (Handlers.anomaly (request cached)))

    let numbers = Array.init 5300 (fun i -> sin (float i) * 37.0 + 50.0)
    let digits = Array.zeroCreate<byte> 32

    measure iterations "format 5,300 numbers (ours)" (fun () ->
        for v in numbers do
            ShortestDouble.format v (Span digits) |> ignore)

    measure iterations "format 5,300 numbers (.NET)" (fun () ->
        for v in numbers do
            let mutable n = 0

            v.TryFormat(Span digits, &n, ReadOnlySpan<char>.Empty, Globalization.CultureInfo.InvariantCulture)
            |> ignore)

    measure iterations "parse X and y" (fun () ->
        let t = parse ()
        t "X" |> ignore
        t "y" |> ignore)

    measure iterations "handler (parsed input)" (fun () -> Handlers.anomaly (request cached) |> ignore)
    measure iterations "handler + reply" (fun () -> write (Handlers.anomaly (request cached)) |> ignore)
    measure iterations "whole request path" (fun () -> write (Handlers.anomaly (request (parse ()))) |> ignore)

[<EntryPoint>]
let main args =
    if args.Length < 2 then
        // `dotnet fsi build.fsx bench` runs every bench without arguments: nothing to measure.
        printfn
            "usage: Gordo.Server.Bench REVISION_DIR BODY_JSON [ITERATIONS] (GORDO_BENCH_KEEP=DIR bench/server/run.sh makes both)"
    else
        run args

    0
