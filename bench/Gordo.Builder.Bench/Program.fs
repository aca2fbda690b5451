module Gordo.Builder.Bench.Program

// The builder benchmarks of issue 5:
//   dotnet run -c Release --project bench/Gordo.Builder.Bench
// * one feedforward_hourglass DiffBasedAnomalyDetector machine on one month of 10-minute data
//   (sample plant, 10 tags: ~4,460 rows x 10, the issue's size): cross-validation (3 folds) + final fit + save; wall, CPU, peak memory;
// * the build cache: the same machine again with a registry (a hit copies the model and refreshes
//   its metadata without fetching data or training), 5 hits into fresh directories.

open System
open System.Diagnostics
open System.IO
open System.Threading
open Gordo.Core.Config
open Gordo.Data
open Gordo.Build

let private work =
    Path.Combine(Path.GetTempPath(), "gordo-builder-bench-" + Guid.NewGuid().ToString("N"))

let private plantMachines = [ "pump-1"; "pump-2"; "pump-3" ]

/// Ten tags: the sample plant has four per machine, so three machines' worth, less two.
let private benchTags =
    plantMachines
    |> List.mapi (fun i _ -> SampleData.tagNames i)
    |> List.concat
    |> List.truncate 10

let private config (data: string) =
    let tags = benchTags |> List.map (sprintf "          - %s") |> String.concat "\n"

    $"""machines:
  - name: pump-1
    dataset:
      tags:
%s{tags}
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-02-01T00:00:00+00:00
      resolution: 10T
      data_provider:
        type: FileDataProvider
        path: %s{data}
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
"""

let private input () =
    SampleData.write work {
        SampleData.defaults with
            Days = 31
            Machines = plantMachines
    }
    |> ignore

    let compilation =
        Compiler.compileText Compiler.defaultOptions "bench.yaml" (config (Path.Combine(work, "data.parquet")))

    match BuildInput.ofCompilation compilation with
    | [ one ] -> one
    | _ -> invalidOp $"the bench config does not compile: %A{compilation.Diagnostics}"

let private timed (f: unit -> 'T) =
    let proc = Process.GetCurrentProcess()
    let cpu = proc.TotalProcessorTime
    let watch = Stopwatch.StartNew()
    let result = f ()
    proc.Refresh()
    result, watch.Elapsed.TotalSeconds, (proc.TotalProcessorTime - cpu).TotalSeconds

let private options (name: string) = {
    OutputDirectory = Some(Path.Combine(work, name))
    RegisterDirectory = Some(Path.Combine(work, "registry"))
    ReplaceCache = false
}

let private build (input: BuildInput) (name: string) =
    match CachedBuilder.build input (options name) ignore CancellationToken.None with
    | Ok built -> built
    | Error e -> invalidOp $"build failed: %s{e.Message}"

[<EntryPoint>]
let main _ =
    let input = input ()
    let built, wall, cpu = timed (fun () -> build input "first")

    let rows =
        built.CrossValidation
        |> Option.map (fun cv -> cv.Splits.Length)
        |> Option.defaultValue 0

    let peak = float (Process.GetCurrentProcess().PeakWorkingSet64) / 1048576.0

    printfn
        "build (miss, %d tags): %.2f s wall, %.2f s CPU, peak working set %.0f MB (%d split entries)"
        benchTags.Length
        wall
        cpu
        peak
        rows

    let hits =
        [ 1..5 ]
        |> List.map (fun i ->
            let hit, wall, cpu = timed (fun () -> build input $"hit-%d{i}")

            if not hit.FromCache then
                invalidOp "expected a cache hit"

            wall, cpu)

    let walls = hits |> List.map fst

    BenchLine.ours
        "build-miss"
        $"build one hourglass anomaly machine, %d{benchTags.Length} tags x 1 month (CV 3 folds + fit + save)"
        wall
        "s"
        $"CPU %.2f{cpu} s, peak %.0f{peak} MB"

    BenchLine.ours
        "build-hit"
        "build the same machine again from the build cache (mean of 5)"
        (List.average walls)
        "s"
        $"max %.3f{List.max walls} s"

    printfn
        "cache hit: mean %.3f s wall, max %.3f s, mean %.3f s CPU (5 hits; target <= 1 s)"
        (List.average walls)
        (List.max walls)
        (hits |> List.averageBy snd)

    Directory.Delete(work, true)
    0
