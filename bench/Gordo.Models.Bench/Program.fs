module Gordo.Models.Bench.Program

// Benchmarks of issue 4, each side by side with its peer in bench/peers/models_peer.py:
//   dotnet run -c Release --project bench/Gordo.Models.Bench [train|predict|pca]...

open System
open System.Diagnostics
open System.IO
open Gordo.Core
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Models.Networks

let private data rows cols =
    Array2D.init rows cols (fun i j -> sin (float i / 37.0 + float j) * 0.7 + 0.1 * cos (float i / 5.0 * float (j + 1)))

let private peer (name: string) =
    let script =
        Path.Combine(__SOURCE_DIRECTORY__, "..", "peers", "models_peer.py")
        |> Path.GetFullPath

    if File.Exists "/usr/bin/python3" then
        let psi =
            ProcessStartInfo("/usr/bin/python3", script :: List.ofArray (name.Split ' '), RedirectStandardOutput = true)

        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEnd().Trim()
        p.WaitForExit()

        if p.ExitCode = 0 then
            out
        else
            "peer failed (python3-torch / python3-sklearn installed?)"
    else
        "peer skipped (no /usr/bin/python3)"

let private autoEncoder epochs =
    Definition.create "gordo.machine.model.models.KerasAutoEncoder" [
        "kind", Value.String "feedforward_hourglass"
        "epochs", Value.Int epochs
    ]
    :?> KerasAutoEncoder

/// Epochs of the training benchmark (GORDO_BENCH_EPOCHS, default 10 as in the issue).
let private epochs =
    match Environment.GetEnvironmentVariable "GORDO_BENCH_EPOCHS" with
    | null -> 10
    | text -> int text

let private train () =
    Torch.Native.setThreads 2
    let x = data 52560 20
    let model = autoEncoder (int64 epochs)
    let watch = Stopwatch.StartNew()
    model.Fit(x, x)
    let ours = watch.Elapsed.TotalSeconds
    printfn "train  hourglass AE 52,560x20, %d epochs, batch 32, 2 threads" epochs
    printfn "       gordo-dotnet-train-seconds %.2f" ours
    printfn "       %s" (peer $"train {epochs}")

let private predict () =
    Torch.Native.setThreads 2
    let train = data 1000 20
    let model = autoEncoder 1L
    model.Fit(train, train)
    let dir = Path.Combine(Path.GetTempPath(), "gordo-bench-model")
    Artifact.save dir model Value.Null
    let loaded = (Artifact.load dir).Model
    let x = data 100 20

    for _ in 1..200 do
        loaded.Predict x |> ignore

    let times =
        Array.init 2000 (fun _ ->
            let start = Stopwatch.GetTimestamp()
            loaded.Predict x |> ignore
            Stopwatch.GetElapsedTime(start).TotalMicroseconds)
        |> Array.sort

    printfn "predict 100x20 through a loaded hourglass AE (median of 2000)"
    printfn "       gordo-dotnet-predict-median-us %.1f" times.[times.Length / 2]
    printfn "       %s" (peer "predict")

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

        let watch = Stopwatch.StartNew()
        pipeline.Fit(x, x)
        watch.Elapsed.TotalSeconds

    let best = List.init 3 (fun _ -> fit ()) |> List.min
    printfn "pca    Pipeline(MinMaxScaler, PCA) fit on 52,560x100 (best of 3)"
    printfn "       gordo-dotnet-pca-pipeline-seconds %.3f" best
    printfn "       %s" (peer "pca")

[<EntryPoint>]
let main argv =
    let chosen =
        if argv.Length = 0 then
            [| "pca"; "predict"; "train" |]
        else
            argv

    for name in chosen do
        match name with
        | "train" -> train ()
        | "predict" -> predict ()
        | "pca" -> pca ()
        | other -> eprintfn "unknown benchmark %s (train|predict|pca)" other

    0
