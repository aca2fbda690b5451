/// BenchmarkDotNet micro-benchmarks, run in process (no generated project to build):
///   dotnet run -c Release --project bench/Gordo.Micro.Bench [-- --quick] [BenchmarkDotNet options]
/// `--quick` is the CI-sized job (1 warm-up, 3 iterations); default 3 warm-ups, 10 iterations.
/// Besides BenchmarkDotNet's own tables, hands every figure to bench/run.fsx (`BenchLine`).
module Gordo.Micro.Bench.Program

open System
open System.IO
open BenchmarkDotNet.Configs
open BenchmarkDotNet.Jobs
open BenchmarkDotNet.Reports
open BenchmarkDotNet.Running
open BenchmarkDotNet.Toolchains.InProcess.Emit

/// Which table row a benchmark method feeds: ours or the peer, the row's key, its text.
type private Feeds =
    | Ours of key: string * what: string
    | Peer of key: string * name: string

let private rows =
    dict [
        ("ShortestDoubleBench", "Ours"), Ours("shortest-double", "5,300 doubles to shortest UTF-8 text")
        ("ShortestDoubleBench", "DotNet"), Peer("shortest-double", ".NET Double.TryFormat")
        ("YamlReadBench", "Ours"), Ours("yaml-read", "read a 1,000-machine config (0.6 MB) into the YAML tree")
        ("YamlReadBench", "YamlDotNet"), Peer("yaml-read", "YamlDotNet")
        ("CompileBench", "Compile"), Ours("compile-warm", "config compiler, 10,000 machines (5.9 MB), warm, in process")
        ("RequestPathBench", "ReadInput"), Ours("server-read", "server: read X and y (100 x 10, pandas dict JSON)")
        ("RequestPathBench", "HandlerAndReply"),
        Ours("server-handler", "server: anomaly handler + JSON reply (100 x 10)")
        ("RequestPathBench", "HandlerAndReplyQuality"),
        Ours("server-handler-quality", "server: anomaly handler + JSON reply with ?quality=true (100 x 10)")
        ("QualityFlagsBench", "Columns"),
        Ours("quality-flags", "data-quality columns of one request (100 x 10), before the reply")
        ("QualityReplyBench", "Write"),
        Ours("quality-reply", "data-quality columns written into a reply (11 x 100 cells, with start and end)")
        ("RequestPathBench", "WholePath"), Ours("server-path", "server: body to reply bytes, no HTTP (100 x 10)")
        ("InfluxReplyBench", "ReadOneTag"),
        Ours("influx-reply", "client: read one tag's InfluxDB reply (4,176 rows, 29 days of 10 minutes)")
        ("LineProtocolBench", "WriteChunk"),
        Ours("line-protocol", "client: line protocol of a 1,000-row chunk (31 series, 31,000 points)")
        ("ResampleBench", "ResampleYear"),
        Ours("resample", "resample one tag-year of minute data to 10T (mean, interpolate)")
        ("DensePredictBench", "Predict100x20"), Ours("predict", "predict 100 x 20, loaded hourglass autoencoder")
        ("ModelStoreLoadBench", "ColdLoad"), Ours("store-load", "server model store: load one model from disk")
    ]

let private job (quick: bool) =
    let baseJob =
        if quick then
            Job.Default.WithWarmupCount(1).WithIterationCount(3)
        else
            Job.Default.WithWarmupCount(3).WithIterationCount(10)

    baseJob.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance)

let private config (quick: bool) =
    ManualConfig
        .Create(DefaultConfig.Instance)
        .AddJob(job quick)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "gordo-micro-bench"))

/// Hands one report's mean (and allocation per operation) to bench/run.fsx.
let private emit (report: BenchmarkReport) =
    let descriptor = report.BenchmarkCase.Descriptor

    match rows.TryGetValue((descriptor.Type.Name, descriptor.WorkloadMethod.Name)), report.ResultStatistics with
    | (true, feeds), stats when not (isNull stats) ->
        let seconds = stats.Mean / 1e9

        let allocated =
            report.GcStats.GetBytesAllocatedPerOperation report.BenchmarkCase
            |> Option.ofNullable
            |> Option.map (fun bytes -> $"alloc %.1f{float bytes / 1024.0} KB/op")
            |> Option.defaultValue ""

        match feeds with
        | Ours(key, what) -> BenchLine.ours key what seconds "s" allocated
        | Peer(key, name) -> BenchLine.peer key name seconds "s" allocated
    | _ -> ()

[<EntryPoint>]
let main argv =
    let quick = argv |> Array.contains "--quick"
    let rest = argv |> Array.filter ((<>) "--quick")

    let args =
        if rest |> Array.exists (fun a -> a = "--filter" || a = "-f") then
            rest
        else
            Array.append rest [| "--filter"; "*" |]

    let summaries =
        BenchmarkSwitcher.FromAssembly(typeof<Feeds>.Assembly).Run(args, config quick)
        |> Array.ofSeq

    let reports = summaries |> Array.collect (fun s -> Array.ofSeq s.Reports)
    reports |> Array.iter emit

    let failed =
        summaries |> Array.exists (fun s -> s.HasCriticalValidationErrors)
        || reports |> Array.exists (fun r -> not r.Success)

    if failed then 1 else 0
