/// Model kernels: a dense network's forward pass and the server's model store.
namespace Gordo.Micro.Bench

open System
open System.IO
open BenchmarkDotNet.Attributes
open Gordo.Core
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Server

/// 100 x 20 through a saved and loaded feedforward_hourglass autoencoder (managed dense kernels,
/// no libtorch call). Peer: the PyTorch module (bench/peers/models_peer.py predict).
[<MemoryDiagnoser>]
type DensePredictBench() =
    let mutable model = Unchecked.defaultof<Estimator>
    let x = Fixtures.signal 100 20

    /// Trains one epoch on 1,000 x 20, saves and loads the model.
    [<GlobalSetup>]
    member _.Setup() =
        let train = Fixtures.signal 1000 20

        let fresh =
            Definition.create "gordo.machine.model.models.KerasAutoEncoder" [
                "kind", Value.String "feedforward_hourglass"
                "epochs", Value.Int 1L
            ]

        fresh.Fit(train, train)
        let dir = Fixtures.tempDir "gordo-micro-model-"
        Artifact.save dir fresh Value.Null
        model <- (Artifact.load dir).Model
        Directory.Delete(dir, true)

    /// `Predict` on the loaded model.
    [<Benchmark>]
    member _.Predict100x20() = model.Predict x

/// Loading models into the server's store the way a first request does (metadata, artifact,
/// network), 100 copies of the server model per invocation; figures are per model.
[<MemoryDiagnoser>]
type ModelStoreLoadBench() =
    [<Literal>]
    let Models = 100

    let mutable revision = ""

    let rec copyDir (source: string) (target: string) =
        Directory.CreateDirectory target |> ignore

        for f in Directory.GetFiles source do
            File.Copy(f, Path.Combine(target, Path.GetFileName f))

        for d in Directory.GetDirectories source do
            copyDir d (Path.Combine(target, Path.GetFileName d))

    /// One trained model copied into `Models` model folders.
    [<GlobalSetup>]
    member _.Setup() =
        revision <- Fixtures.serverRevision "model-000"

        for i in 1 .. Models - 1 do
            copyDir (Path.Combine(revision, "model-000")) (Path.Combine(revision, $"model-%03d{i}"))

    /// Removes the revision.
    [<GlobalCleanup>]
    member _.Cleanup() = Directory.Delete(revision, true)

    /// Every model into a new, empty store.
    [<Benchmark(OperationsPerInvoke = 100)>]
    member _.ColdLoad() =
        let store = ModelStore(2 * Models, Int64.MaxValue, 16)

        for i in 0 .. Models - 1 do
            store.Model(revision, $"model-%03d{i}") |> ignore

        store.LoadedBytes

/// The data-quality columns of one anomaly request (100 rows x 10 tags, issue 21): what
/// `?quality=true` adds to the handler before the reply is written.
[<MemoryDiagnoser>]
type QualityFlagsBench() =
    let training = Fixtures.signal 500 Fixtures.tags.Length
    let x = Fixtures.signal 100 Fixtures.tags.Length

    let profile =
        Gordo.Models.Scoring.DataQuality.profile
            Fixtures.tags
            (Array.init (Array2D.length2 training) (fun j -> training.[*, j]))
            (Array.init (Array2D.length1 training) (fun i -> int64 i * TimeSpan.TicksPerMinute * 10L))

    /// `DataQuality.ofMatrix` on the request's X.
    [<Benchmark>]
    member _.Columns() =
        Gordo.Models.Scoring.DataQuality.ofMatrix profile Fixtures.tags x 0
