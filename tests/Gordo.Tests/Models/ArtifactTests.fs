module Gordo.Tests.Models.ArtifactTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions

let private data =
    Array2D.init 120 4 (fun i j -> sin (float i / 5.0 + float j) + 0.05 * float (i % 7))

let private input = {
    InputNames = [| "a"; "b"; "c"; "d" |]
    TargetNames = [| "a"; "b"; "c"; "d" |]
    Index = None
    Frequency = None
}

/// The default Gordo model: DiffBasedAnomalyDetector around a feedforward_hourglass autoencoder.
let private trained () =
    let model =
        Definition.create "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector" [ "window", Value.Int 6L ]
        :?> DiffDetector

    model.CrossValidate(data, data, None) |> ignore
    model.Fit(data, data)
    model

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "gordo-artifact-tests", Guid.NewGuid().ToString("N"))

let private metadata = Value.Map [ "name", Value.String "machine-1" ]

[<Tests>]
let tests =
    testList "Models.Artifacts" [
        test "save/load round-trips definition, weights, thresholds and metadata" {
            let model = trained ()
            let dir = tempDir ()
            Artifact.save dir model metadata

            Expect.equal
                (Directory.GetFiles dir |> Array.map Path.GetFileName |> Array.sort)
                [| "definition.json"; "info.json"; "metadata.json"; "state.bin" |]
                "files"

            let loaded = Artifact.load dir
            Expect.equal loaded.Metadata metadata "metadata"
            Expect.equal (Definition.intoValue loaded.Model) (Definition.intoValue model) "definition"
            let again = loaded.Model :?> DiffDetector

            let same (a: AnomalyFrame) (b: AnomalyFrame) =
                List.forall2
                    (fun (na, (va: float[])) (nb, (vb: float[])) ->
                        na = nb && Array.forall2 (fun (x: float) y -> x.Equals y) va vb)
                    a.Columns
                    b.Columns

            Expect.isTrue
                (same (again.Anomaly(data, data, input)) (model.Anomaly(data, data, input)))
                "same anomaly frame"

            Expect.equal
                (Json.toText (Value.Map(again.Metadata())))
                (Json.toText (Value.Map(model.Metadata())))
                "same model metadata"
        }
        test "saving over an existing artifact replaces it" {
            let model = trained ()
            let dir = tempDir ()
            Artifact.save dir model metadata
            Artifact.save dir model (Value.Map [ "name", Value.String "v2" ])
            Expect.equal (Artifact.load dir).Metadata (Value.Map [ "name", Value.String "v2" ]) "replaced"
            Expect.isEmpty (Directory.GetDirectories(Path.GetDirectoryName dir, ".*tmp*")) "no temp dirs left"
        }
        test "dumps/loads round-trips through one byte stream" {
            let model = trained ()
            let loaded = Artifact.loads (Artifact.dumps model metadata)
            Expect.equal (loaded.Model.Predict data) (model.Predict data) "same predictions"
        }
        test "a corrupt state file is reported as a checksum mismatch" {
            let dir = tempDir ()
            Artifact.save dir (trained ()) metadata
            let path = Path.Combine(dir, "state.bin")
            let bytes = File.ReadAllBytes path
            bytes.[bytes.Length / 2] <- bytes.[bytes.Length / 2] ^^^ 0xFFuy
            File.WriteAllBytes(path, bytes)
            Expect.throwsT<ArtifactException> (fun () -> Artifact.load dir |> ignore) "corrupt"
        }
        test "foreign bytes and other format versions are clear errors" {
            Expect.throwsT<ArtifactException> (fun () -> Artifact.loads [| 1uy; 2uy; 3uy |] |> ignore) "not a tar"
            let dir = tempDir ()
            Artifact.save dir (trained ()) metadata
            let info = Path.Combine(dir, "info.json")
            File.WriteAllText(info, File.ReadAllText(info).Replace("\"format_version\": 1", "\"format_version\": 99"))

            let message =
                try
                    Artifact.load dir |> ignore
                    ""
                with :? ArtifactException as e ->
                    e.Message

            Expect.stringContains message "version 99 is not supported" "version error"
        }
    ]
