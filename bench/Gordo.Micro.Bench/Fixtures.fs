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

let tags = ServerModel.tags

/// A smooth signal of `rows` x `cols` (the same formula as bench/peers/models_peer.py).
let signal (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> sin (float i / 37.0 + float j) * 0.7 + 0.1 * cos (float i / 5.0 * float (j + 1)))

/// A fresh temporary folder.
let tempDir (prefix: string) : string =
    (Directory.CreateTempSubdirectory prefix).FullName

/// `metadata` with the training profile of `x` (10-minute rows), as the builder writes it, so
/// that the server can answer `?quality=true`.
let private withTrainingProfile (x: float[,]) (metadata: Value) : Value =
    let columns = Array.init (Array2D.length2 x) (fun j -> x.[*, j])

    let ticks =
        Array.init (Array2D.length1 x) (fun i -> int64 i * TimeSpan.TicksPerMinute * 10L)

    let profile = Gordo.Models.Scoring.DataQuality.profile tags columns ticks

    let buildMetadata =
        Value.Map [
            "build_metadata",
            Value.Map [
                "dataset", Value.Map [ "training_profile", Gordo.Models.Scoring.DataQuality.toValue profile ]
            ]
        ]

    match metadata with
    | Value.Map entries -> Value.Map(entries @ [ "metadata", buildMetadata ])
    | other -> other

/// Trains the server model (thresholds from cross-validation) and saves it as `name` in a new
/// revision folder, which is returned.
let serverRevision (name: string) : string =
    let dir = tempDir "gordo-micro-revision-"
    let model = Definition.fromValue ServerModel.definition :?> DiffDetector
    let x = signal 500 tags.Length
    model.CrossValidate(x, x, None) |> ignore
    model.Fit(x, x)
    Artifact.save (Path.Combine(dir, name)) model (withTrainingProfile x (ServerModel.metadata name))
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
