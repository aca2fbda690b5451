module Gordo.Models.Bench.Program

// Benchmarks of issue 4, each side by side with its peer in bench/peers/models_peer.py, in the
// same invocation: every round runs ours, then the peer (alternating, so both see the same load);
// the report gives each round, the medians and the ratio ours / peer (≤ 1.0 means no slower).
//   dotnet run -c Release --project bench/Gordo.Models.Bench [train|pca|train-torchsharp|forest]...
// (prediction is a BenchmarkDotNet benchmark: bench/Gordo.Micro.Bench, DensePredictBench)
//   GORDO_BENCH_ROUNDS (default 3), GORDO_BENCH_EPOCHS (default 10)

open System
open System.Diagnostics
open System.IO
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions
open Gordo.Models.Networks
open Gordo.Models.Torch

let private data rows cols =
    Array2D.init rows cols (fun i j -> sin (float i / 37.0 + float j) * 0.7 + 0.1 * cos (float i / 5.0 * float (j + 1)))

let private setting (name: string) (fallback: int) =
    match Environment.GetEnvironmentVariable name with
    | null
    | "" -> fallback
    | text -> int text

let private rounds = setting "GORDO_BENCH_ROUNDS" 3
let private epochs = setting "GORDO_BENCH_EPOCHS" 10

/// One measurement: wall and CPU (NaN when not measured) in the benchmark's unit.
type private Sample = { Wall: float; Cpu: float }

/// Runs the peer; its last line is `<name> <wall> [cpu <cpu>]`.
let private peer (args: string) : Sample option =
    let script =
        Path.Combine(__SOURCE_DIRECTORY__, "..", "peers", "models_peer.py")
        |> Path.GetFullPath

    if not (File.Exists "/usr/bin/python3") then
        None
    else
        let psi =
            ProcessStartInfo("/usr/bin/python3", script :: List.ofArray (args.Split ' '), RedirectStandardOutput = true)

        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEnd().Trim()
        p.WaitForExit()
        let words = out.Split([| ' '; '\n' |], StringSplitOptions.RemoveEmptyEntries)

        match p.ExitCode, Array.tryFindIndex ((=) "cpu") words with
        | 0, Some i ->
            Some {
                Wall = float words.[1]
                Cpu = float words.[i + 1]
            }
        | 0, None when words.Length >= 2 -> Some { Wall = float words.[1]; Cpu = nan }
        | _ -> None

/// Wall and process CPU seconds of `f`.
let private timed (f: unit -> unit) : Sample =
    let proc = Process.GetCurrentProcess()
    let cpu = proc.TotalProcessorTime
    let watch = Stopwatch.StartNew()
    f ()
    let wall = watch.Elapsed.TotalSeconds
    proc.Refresh()

    {
        Wall = wall
        Cpu = (proc.TotalProcessorTime - cpu).TotalSeconds
    }

let private median (xs: float list) =
    let sorted = xs |> List.filter (Double.IsNaN >> not) |> List.sort

    if sorted.IsEmpty then nan else sorted.[sorted.Length / 2]

/// Alternates ours and the peer for `rounds` rounds and prints rounds, medians and ratios.
let private compare
    (key: string, what: string)
    (title: string)
    (unit: string)
    (ours: unit -> Sample)
    (peerArgs: string)
    (peerName: string)
    =
    printfn "%s" title
    let results = ResizeArray()

    let show (s: Sample) =
        if Double.IsNaN s.Cpu then
            $"%.3f{s.Wall} %s{unit}"
        else
            $"%.3f{s.Wall} %s{unit} (cpu %.3f{s.Cpu})"

    for round in 1..rounds do
        let o = ours ()
        let p = peer peerArgs
        results.Add(o, p)

        match p with
        | Some p -> printfn "  round %d: gordo-dotnet %s   %s %s" round (show o) peerName (show p)
        | None ->
            printfn
                "  round %d: gordo-dotnet %s   %s unavailable (python3-torch / python3-sklearn?)"
                round
                (show o)
                peerName

    let ow, oc =
        median [ for o, _ in results -> o.Wall ], median [ for o, _ in results -> o.Cpu ]

    let pw =
        median [
            for _, p in results do
                if p.IsSome then
                    p.Value.Wall
        ]

    let pc =
        median [
            for _, p in results do
                if p.IsSome then
                    p.Value.Cpu
        ]

    printfn "  median: gordo-dotnet %s, %s %s" (show { Wall = ow; Cpu = oc }) peerName (show { Wall = pw; Cpu = pc })
    let cpuRatio = if Double.IsNaN(oc / pc) then "" else $", cpu %.3f{oc / pc}"

    printfn "  ratio gordo-dotnet / %s: wall %.3f%s" peerName (ow / pw) cpuRatio
    let cpu (c: float) = $"CPU %.2f{c} s"
    BenchLine.ours key what ow "s" (cpu oc)

    if not (Double.IsNaN pw) then
        BenchLine.peer key peerName pw "s" (cpu pc)

let private autoEncoder epochs =
    Definition.create "gordo.machine.model.models.KerasAutoEncoder" [
        "kind", Value.String "feedforward_hourglass"
        "epochs", Value.Int epochs
    ]
    :?> KerasAutoEncoder

let private train () =
    Native.setThreads 2
    let x = data 52560 20

    compare
        ("train", $"train hourglass autoencoder 52,560 x 20, batch 32, epochs: %d{epochs}")
        $"train  hourglass AE 52,560x20, %d{epochs} epochs, batch 32, 2 threads (seconds)"
        "s"
        (fun () -> timed (fun () -> (autoEncoder (int64 epochs)).Fit(x, x)))
        $"train {epochs}"
        "PyTorch"

/// The TorchSharp trainer on the same network (networks with dropout/softmax train this way).
let private trainTorchSharp () =
    Native.setThreads 2
    let x = data 52560 20

    let spec =
        Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 20 20

    let options = {
        Epochs = epochs
        BatchSize = 32
        ValidationSplit = 0.0
        Shuffle = true
        Seed = 0
        EarlyStopping = None
    }

    let fit () =
        use parameters = (Tensors.ofArray (Layout.initialize spec 0)).requires_grad_ ()
        use xt = Tensors.ofMatrix x
        TorchTraining.fit spec parameters options xt xt |> ignore

    compare
        ("train-torchsharp", $"train the same network with TorchSharp, epochs: %d{epochs}")
        $"train-torchsharp  the TorchSharp trainer, same network and data, %d{epochs} epochs (seconds)"
        "s"
        (fun () -> timed fit)
        $"train {epochs}"
        "PyTorch"

let private pca () =
    let x = data 52560 100

    let fit () =
        let pipeline =
            Definition.fromValue (
                Value.Map [
                    "sklearn.pipeline.Pipeline",
                    Value.List [
                        Value.String "sklearn.preprocessing.MinMaxScaler"
                        Value.String "sklearn.decomposition.PCA"
                    ]
                ]
            )

        timed (fun () -> pipeline.Fit(x, x))

    fit () |> ignore // warm-up (JIT, libtorch load)

    compare
        ("pca", "Pipeline(MinMaxScaler, PCA) fit on 52,560 x 100")
        "pca    Pipeline(MinMaxScaler, PCA) fit on 52,560x100 (seconds)"
        "s"
        fit
        "pca"
        "scikit-learn"

/// RandomForestRegressor as Gordo fits it inside an anomaly detector (targets = the 10 inputs),
/// against scikit-learn with n_jobs=2 (this machine has 2 cores).
let private forest () =
    let x = data 10000 10

    let fit () =
        let model =
            Definition.create "sklearn.ensemble.RandomForestRegressor" [ "random_state", Value.Int 0L ]

        timed (fun () -> model.Fit(x, x))

    let warm =
        Definition.create "sklearn.ensemble.RandomForestRegressor" [ "n_estimators", Value.Int 4L ]

    warm.Fit(data 500 10, data 500 10) // JIT

    compare
        ("forest", "RandomForestRegressor(100 trees) fit on 10,000 x 10 (y = X)")
        "forest RandomForestRegressor 100 trees fit on 10,000x10, y = X (seconds)"
        "s"
        fit
        "forest"
        "scikit-learn (n_jobs=2)"

[<EntryPoint>]
let main argv =
    let chosen = if argv.Length = 0 then [| "pca"; "train" |] else argv

    printfn
        "Gordo.Models.Bench: %d rounds, ours then the peer in each round; %d cores"
        rounds
        Environment.ProcessorCount

    for name in chosen do
        match name with
        | "train" -> train ()
        | "train-torchsharp" -> trainTorchSharp ()
        | "pca" -> pca ()
        | "forest" -> forest ()
        | other -> eprintfn "unknown benchmark %s (train|pca|train-torchsharp|forest)" other

    0
