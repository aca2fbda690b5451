/// The ML server's model store: cold load of one model from disk and the memory of 1,000 loaded
/// DiffBasedAnomalyDetector(MinMaxScaler + feedforward_hourglass) models.
module Gordo.ModelStore.Bench.Program

open System
open System.Diagnostics
open System.IO
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Server

let private tags = ServerModel.tags

let private data rows =
    Array2D.init rows tags.Length (fun i j -> sin (float i / 7.0 + float j) + 0.01 * float (i % 13))

let private definition = ServerModel.definition

let private metadata = ServerModel.metadata

let rec private copyDir (source: string) (target: string) =
    Directory.CreateDirectory target |> ignore

    for f in Directory.GetFiles source do
        File.Copy(f, Path.Combine(target, Path.GetFileName f))

    for d in Directory.GetDirectories source do
        copyDir d (Path.Combine(target, Path.GetFileName d))

/// One trained model saved once, then copied to `count` model directories.
let private revision (count: int) : string =
    let dir =
        Path.Combine(Path.GetTempPath(), "gordo-store-bench", Guid.NewGuid().ToString("N"), "1")

    let model = Definition.fromValue definition :?> DiffDetector
    let x = data 500
    model.CrossValidate(x, x, None) |> ignore
    model.Fit(x, x)
    let first = Path.Combine(dir, "model-0000")
    Artifact.save first model (metadata "model-0000")

    for i in 1 .. count - 1 do
        copyDir first (Path.Combine(dir, $"model-%04d{i}"))

    dir

let private rssMb () =
    let p = Process.GetCurrentProcess()
    p.Refresh()
    float p.WorkingSet64 / 1048576.0

let private settle () =
    GC.Collect()
    GC.WaitForPendingFinalizers()
    GC.Collect()

let private percentile (sorted: float[]) (p: float) =
    sorted.[min (sorted.Length - 1) (int (float sorted.Length * p))]

[<EntryPoint>]
let main argv =
    let count =
        match argv with
        | [| n |] -> int n
        | _ -> 1000

    Torch.Native.setThreads 1
    let dir = revision count

    let fileBytes =
        ModelStore.EstimatedBytes(Path.Combine(dir, "model-0000"))
        - ModelStore.OverheadBytes

    settle ()
    let before = rssMb ()
    let store = ModelStore(count * 2, Int64.MaxValue, 16)

    let times =
        Array.init count (fun i ->
            let watch = Stopwatch.StartNew()
            store.Model(dir, $"model-%04d{i}") |> ignore
            watch.Elapsed.TotalMilliseconds)

    settle ()
    let after = rssMb ()
    let warm = times.[1..] |> Array.sort
    let perModelKb = (after - before) * 1024.0 / float count
    printfn "model store: %d DiffBasedAnomalyDetector(MinMaxScaler + feedforward_hourglass) models, 10 tags" count
    printfn "  artifact files per model       %.1f KB" (float fileBytes / 1024.0)
    printfn "  cold load, first in process    %.1f ms (JIT and TorchSharp start-up included)" times.[0]

    printfn
        "  cold load from disk            median %.2f ms, p99 %.2f ms, max %.2f ms (%d models)"
        (percentile warm 0.5)
        (percentile warm 0.99)
        (Array.last warm)
        warm.Length

    printfn "  RSS before loading             %.0f MB (runtime, TorchSharp, training of the one model)" before
    printfn "  RSS with %d models loaded    %.0f MB (+%.1f KB per model)" count after perModelKb
    printfn "  store estimate per model       %.1f KB" (float store.LoadedBytes / 1024.0 / float count)

    BenchLine.ours
        "store-rss"
        $"server model store: memory per loaded hourglass model (%d{count} models)"
        (perModelKb * 1024.0)
        "B"
        $"RSS %.0f{before} MB to %.0f{after} MB"

    BenchLine.ours
        "store-first"
        "server model store: first load in a fresh process (JIT included)"
        (times.[0] / 1000.0)
        "s"
        ""

    0
