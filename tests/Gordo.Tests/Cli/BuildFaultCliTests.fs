module Gordo.Tests.Cli.BuildFaultCliTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open Gordo.Core
open Gordo.Models.Artifacts
open Gordo.Tests.Cli.GordoProcess

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-buildfault-%s{name}-" + Guid.NewGuid().ToString("N"))

/// One sample-plant machine (generated in memory: no files) with an autoencoder; `seed` changes
/// the cache key without changing the model's size.
let private config (epochs: int) (seed: int) =
    let path = temp "config" + ".yaml"

    File.WriteAllText(
        path,
        $"""machines:
  - name: pump-1
    dataset:
      tags: [PLANT-FT-011.PV, PLANT-PT-011.PV, PLANT-TT-011.PV, PLANT-VT-011.PV]
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-01-04T00:00:00+00:00
      resolution: 10T
      data_provider: {{type: SamplePlantDataProvider, seed: 42}}
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
                  epochs: %d{epochs}
    evaluation:
      seed: %d{seed}
"""
    )

    path

/// `gordo build` of pump-1 into `out` with a registry.
let private buildArgs (configPath: string) (out: string) (register: string) = [
    "build"
    "--config"
    configPath
    "--machine"
    "pump-1"
    out
    "--model-register-dir"
    register
]

/// Kilobytes a directory's files take on a tmpfs (whole 4 KiB pages).
let private pagesKb (dir: string) =
    Directory.GetFiles dir
    |> Array.sumBy (fun f -> (FileInfo(f).Length + 4095L) / 4096L * 4L)

/// The previous model is still in `out` (same metadata.json, checksums verified by the loader),
/// nothing else (temporary directories, a partial report) is beside it, and the registry points at it.
let private intact (out: string) (metadata: byte[]) (register: string) =
    Expect.equal (File.ReadAllBytes(Path.Combine(out, "metadata.json"))) metadata "the previous metadata.json"
    Expect.isTrue (Artifact.load out).Model.IsFitted "the previous model loads (checksums verified)"
    let parent = Path.GetDirectoryName(Path.GetFullPath out)
    Expect.equal (Directory.GetFileSystemEntries parent) [| out |] "nothing beside the model"
    let entries = Directory.GetFiles register
    Expect.equal entries.Length 1 "only the previous model is registered"

    for entry in entries do
        Expect.equal (File.ReadAllText entry) (Path.GetFullPath out) "the registry points at the previous model"
        Expect.isTrue (Artifact.load (File.ReadAllText entry)).Model.IsFitted "registered model loads"

/// Builds the previous model (1 epoch, seed 0) into `out`; its metadata.json bytes.
let private previous (out: string) (register: string) =
    let code, stdout, err = run [] (buildArgs (config 1 0) out register)
    Expect.equal code 0 (stdout + err)
    File.ReadAllBytes(Path.Combine(out, "metadata.json"))

let private fullDisk =
    test "a full disk mid-write: OSError (exit 1), a clear message, the previous model and registry intact" {
        let mount, register = temp "tmpfs", temp "registry"
        Tmpfs.mount mount "size=8192k"

        try
            let out = Path.Combine(mount, "pump-1")
            let metadata = previous out register
            // Room for about half a model more: the new model's temporary directory fills the disk.
            let used = pagesKb out
            Tmpfs.resize mount (used + used / 2L)
            let report = temp "report" + ".json"

            let code, _, err =
                run [ "EXCEPTIONS_REPORTER_FILE", report ] (buildArgs (config 1 1) out register)

            Expect.equal code 1 err
            Expect.stringContains err "[pump-1] saving to" "it failed while writing the model"

            Expect.stringContains
                err
                $"[pump-1] FAILED (OSError, exit 1): no space left on device while writing the model to '%s{out}'"
                "the machine's failure"

            Expect.isFalse (err.Contains "   at ") "no stack trace"
            let json = Json.ofBytes (File.ReadAllBytes report)
            Expect.equal (Value.tryGet "type" json) (Some(Value.String "OSError")) "report type"
            intact out metadata register

            let code, stdout, err =
                run [] [
                    "local-build"
                    config 1 1
                    "--output"
                    mount
                    "--model-register-dir"
                    register
                ]

            Expect.equal code 1 (stdout + err)
            Expect.stringContains stdout "[pump-1] FAILED (OSError, exit 1): no space left on device" "local-build"
            Expect.stringContains err "report not written" "the report did not fit either"
            intact out metadata register
        finally
            Tmpfs.unmount mount
    }

/// Starts `args`, waits for training (an epoch line in the output `read` selects), sends SIGINT.
let private interruptWhileTraining (args: string list) (read: Running -> string) =
    use proc = new Running([], args)
    let training = proc.WaitFor(read, "epoch 1/", TimeSpan.FromMinutes 3.0)
    Expect.isTrue training $"training started\nstdout:\n%s{proc.Out}\nstderr:\n%s{proc.Err}"
    let watch = Stopwatch.StartNew()
    proc.Interrupt()
    let code = proc.WaitForExit(TimeSpan.FromSeconds 60.0)
    Expect.isLessThan watch.Elapsed.TotalSeconds 20.0 "exits promptly"
    code, proc.Out, proc.Err

let private interrupted =
    testList "SIGINT while training" [
        test "gordo build: exit 130, 'cancelled', the previous model and registry intact" {
            let out, register = Path.Combine(temp "models", "pump-1"), temp "registry"
            let metadata = previous out register

            let code, _, err =
                interruptWhileTraining (buildArgs (config 100000 1) out register) _.Err

            Expect.equal code (Some 130) err
            Expect.stringContains err "[pump-1] FAILED (KeyboardInterrupt, exit 130): the build was cancelled" "says so"
            intact out metadata register
        }
        test "gordo local-build: exit 130, 'cancelled', no report, the previous model intact" {
            let models, register = temp "models", temp "registry"
            let out = Path.Combine(models, "pump-1")
            let metadata = previous out register

            let code, stdout, err =
                interruptWhileTraining
                    [
                        "local-build"
                        config 100000 1
                        "--output"
                        models
                        "--model-register-dir"
                        register
                    ]
                    _.Out

            Expect.equal code (Some 130) (stdout + err)
            Expect.stringContains stdout "[pump-1] FAILED (KeyboardInterrupt, exit 130)" "the machine's line"
            Expect.stringContains err "gordo local-build: cancelled" "says so"
            intact out metadata register
        }
    ]

let private progress =
    test "gordo build logs plain timestamped progress lines on stderr, epochs throttled" {
        let out, register = temp "model", temp "registry"

        let code, stdout, err =
            run [] (buildArgs (config 300 0) out register @ [ "--print-cv-scores" ])

        Expect.equal code 0 err
        let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        let pattern = Regex @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \[pump-1\] "

        for line in lines do
            Expect.isTrue (pattern.IsMatch line) $"plain timestamped line: %s{line}"

        for text in
            [
                "] fetching data"
                "] data ready: 433 rows, 4 tags in "
                "] cross-validating (3 folds)"
                "] fold 1/3"
                "] fold 3/3"
                "] epoch 1/300 loss "
                "] epoch 300/300 loss "
                "] fitting the final model"
                $"] saving to %s{out}"
                "] done in "
                " s (data "
                "cross-validation "
                "final fit "
            ] do
            Expect.stringContains err text "progress line"

        let epochs = lines |> Array.filter _.Contains("] epoch ") |> Array.length
        Expect.isLessThan epochs 60 "epoch lines are throttled (4 fits x 300 epochs)"
        Expect.isFalse (err.Contains "\u001b") "no terminal control codes"
        Expect.isFalse (stdout.Contains "[pump-1]") "stdout keeps the result and scores only"
        Expect.stringContains stdout "r2-score_fold-mean=" "scores on stdout"
    }

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli build faults and progress" [ fullDisk; interrupted; progress ]
