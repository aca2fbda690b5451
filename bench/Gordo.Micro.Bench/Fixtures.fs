/// Inputs shared by the micro-benchmarks: generated configs, a trained anomaly model saved as a
/// server revision, the prediction body Gordo's client sends, irregular sensor data.
module Gordo.Micro.Bench.Fixtures

open System
open System.IO
open System.Text
open Gordo.Core
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions

/// The server benchmark's tags (10, as bench/server/run.sh).
let tags = Array.init 10 (fun j -> $"tag-%d{j}")

/// The server model: DiffBasedAnomalyDetector(Pipeline(MinMaxScaler, feedforward_hourglass)).
let private serverModel =
    let autoEncoder =
        Value.Map [
            "gordo.machine.model.models.KerasAutoEncoder",
            Value.Map [ "kind", Value.String "feedforward_hourglass"; "epochs", Value.Int 1L ]
        ]

    Value.Map [
        "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
        Value.Map [
            "base_estimator",
            Value.Map [
                "sklearn.pipeline.Pipeline",
                Value.List [ Value.String "sklearn.preprocessing.MinMaxScaler"; autoEncoder ]
            ]
        ]
    ]

let private metadata (name: string) =
    Value.Map [
        "name", Value.String name
        "dataset",
        Value.Map [
            "tag_list", Value.List(tags |> Array.map Value.String |> List.ofArray)
            "resolution", Value.String "10T"
        ]
    ]

/// A smooth signal of `rows` x `cols` (the same formula as bench/peers/models_peer.py).
let signal (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> sin (float i / 37.0 + float j) * 0.7 + 0.1 * cos (float i / 5.0 * float (j + 1)))

/// A fresh temporary folder.
let tempDir (prefix: string) : string =
    (Directory.CreateTempSubdirectory prefix).FullName

/// Trains the server model (thresholds from cross-validation) and saves it as `name` in a new
/// revision folder, which is returned.
let serverRevision (name: string) : string =
    let dir = tempDir "gordo-micro-revision-"
    let model = Definition.fromValue serverModel :?> DiffDetector
    let x = signal 500 tags.Length
    model.CrossValidate(x, x, None) |> ignore
    model.Fit(x, x)
    Artifact.save (Path.Combine(dir, name)) model (metadata name)
    dir

/// The prediction body: 100 rows x 10 tags in pandas dict form, as X and as y (bench/server/run.sh).
let predictionBody () : byte[] =
    let rows = [|
        for h in 0..23 do
            for m in 0..10..50 do
                $"2020-01-05 %02d{h}:%02d{m}:00+00:00"
    |]

    let table =
        tags
        |> Array.mapi (fun j tag ->
            let cells =
                rows
                |> Array.truncate 100
                |> Array.mapi (fun i row ->
                    let v = 50.0 + 10.0 * sin (float i / 7.0 + float j) + float (i % 5)
                    $"\"%s{row}\": %s{v.ToString Globalization.CultureInfo.InvariantCulture}")

            let joined = String.Join(", ", cells)
            $"\"%s{tag}\": {{%s{joined}}}")
        |> fun columns -> "{" + String.Join(", ", columns) + "}"

    Encoding.UTF8.GetBytes($"{{\"X\": %s{table}, \"y\": %s{table}}}")
