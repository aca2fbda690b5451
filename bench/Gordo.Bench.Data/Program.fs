/// Data-layer benchmark (issue 3): one year of irregular 1-minute data for 100 tags (GORDO_BENCH_TAGS), read from
/// Parquet (one file per tag), resampled to 10T with mean, interpolated, joined, row-filtered.
/// The same pipeline runs in pandas (bench/peers/data_pipeline.py) in the same run; each side runs
/// in its own process so peak memory is its own.
///   dotnet run -c Release --project bench/Gordo.Bench.Data [-- DIR]
module Gordo.Bench.Data.Program

open System
open System.Diagnostics
open System.IO
open System.Threading
open Gordo.Core.Config
open Gordo.Data
open Gordo.Core.Language

/// Tags in the data set: GORDO_BENCH_TAGS, default 100 (the child inherits it).
let tags =
    match Environment.GetEnvironmentVariable "GORDO_BENCH_TAGS" with
    | null
    | "" -> 100
    | text -> int text

let start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
let finish = start.AddYears 1
let filter = "`TAG-000` > -0.5"

let tagName (k: int) = sprintf "TAG-%03d" k

/// Irregular minute samples: +-20 s jitter, 2% missing, 0.5% NaN.
let series (k: int) : int64[] * float[] =
    let rng = Random(k)
    let minutes = int (finish - start).TotalMinutes

    let keep = [|
        for i in 0 .. minutes - 1 do
            if rng.NextDouble() > 0.02 then
                yield i
    |]

    let ticks =
        keep
        |> Array.map (fun i ->
            start.UtcTicks
            + int64 i * TimeSpan.TicksPerMinute
            + int64 ((rng.NextDouble() - 0.5) * 40.0 * float TimeSpan.TicksPerSecond))

    let values =
        keep
        |> Array.map (fun i ->
            if rng.NextDouble() < 0.005 then
                nan
            else
                sin (float i / 1440.0 * 2.0 * Math.PI + float k) + 0.1 * rng.NextDouble())

    ticks, values

let generate (dir: string) =
    let pq, raw = Path.Combine(dir, "parquet"), Path.Combine(dir, "raw")
    Directory.CreateDirectory pq |> ignore
    Directory.CreateDirectory raw |> ignore

    for k in 0 .. tags - 1 do
        let ticks, values = series k

        let frame = {
            Index = ticks
            Offset = TimeSpan.Zero
            Columns = [| tagName k |]
            Data = [| values |]
        }

        ParquetIO.write (Path.Combine(pq, tagName k + ".parquet")) frame
        let ns = ticks |> Array.map (fun t -> (t - DateTime.UnixEpoch.Ticks) * 100L)

        File.WriteAllBytes(
            Path.Combine(raw, tagName k + ".ts"),
            Runtime.InteropServices.MemoryMarshal.AsBytes(ReadOnlySpan ns).ToArray()
        )

        File.WriteAllBytes(
            Path.Combine(raw, tagName k + ".val"),
            Runtime.InteropServices.MemoryMarshal.AsBytes(ReadOnlySpan values).ToArray()
        )

    File.WriteAllText(Path.Combine(dir, "done"), "")

/// The .NET pipeline: FileDataProvider over the Parquet directory + Dataset.getDataAsync.
let pipeline (dir: string) =
    let clock = Stopwatch.StartNew()

    let provider =
        FileDataProvider(Path.Combine(dir, "parquet"), FileLayout.Wide, None, "tag", "value") :> IDataProvider

    let expr =
        Expression.parse filter |> Result.defaultWith (fun e -> invalidOp e.Message)

    let request = {
        DatasetRequest.create start finish [ for k in 0 .. tags - 1 -> tagName k ] with
            InterpolationLimit = Some(TimeSpan.FromHours 48.0)
            RowFilter = [ filter, expr ]
    }

    let result =
        (Dataset.getDataAsync provider request CancellationToken.None).GetAwaiter().GetResult()
        |> Result.defaultWith (fun e -> invalidOp e.Message)

    let peak = Process.GetCurrentProcess().PeakWorkingSet64

    printfn
        "{\"impl\": \"gordo-dotnet\", \"seconds\": %.3f, \"peak_mb\": %.1f, \"rows\": %d, \"columns\": %d}"
        clock.Elapsed.TotalSeconds
        (float peak / 1048576.0)
        (Frame.length result.X)
        result.X.Columns.Length

let child (args: string list) =
    let psi =
        ProcessStartInfo(List.head args, List.tail args, RedirectStandardOutput = true)

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    out.Trim()

/// Hands both sides' time and peak memory to bench/run.fsx.
let emit (ours: string) (peer: string) =
    let read (json: string) =
        use doc = Text.Json.JsonDocument.Parse json
        let r = doc.RootElement

        r.GetProperty("impl").GetString(),
        r.GetProperty("seconds").GetDouble(),
        r.GetProperty("peak_mb").GetDouble() * 1048576.0

    let what =
        sprintf "data pipeline: %d tags x 1 year of minute data, Parquet to 10T frame" tags

    let _, seconds, peak = read ours
    BenchLine.ours "data" what seconds "s" ""
    BenchLine.ours "data-memory" (what + ", peak memory") peak "B" ""

    if peer.StartsWith "{" then
        let name, peerSeconds, peerPeak = read peer
        BenchLine.peer "data" name peerSeconds "s" "reads raw arrays, not Parquet"
        BenchLine.peer "data-memory" name peerPeak "B" ""

[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    | [ "run"; dir ] ->
        pipeline dir
        0
    | rest ->
        let dir =
            match rest with
            | [ d ] -> d
            | _ when tags = 100 -> Path.Combine(Path.GetTempPath(), "gordo-bench-data")
            | _ -> Path.Combine(Path.GetTempPath(), $"gordo-bench-data-%d{tags}")

        if not (File.Exists(Path.Combine(dir, "done"))) then
            printfn "generating %d tags x 1 year of irregular minute data in %s ..." tags dir
            generate dir

        let dll = Reflection.Assembly.GetExecutingAssembly().Location
        let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", ".."))
        let ours = child [ "dotnet"; "exec"; dll; "run"; dir ]
        printfn "%s" ours

        let peer =
            child [
                "/usr/bin/python3"
                Path.Combine(root, "bench", "peers", "data_pipeline.py")
                dir
            ]

        printfn "%s" peer
        emit ours peer
        0
