module Gordo.Tests.Cli.KillCliTests

open System
open System.Diagnostics
open System.IO
open System.Text
open Expecto
open Gordo.Core
open Gordo.Models.Artifacts
open Gordo.Tests.Cli.GordoProcess

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-kill-%s{name}-" + Guid.NewGuid().ToString("N"))

let private machines = [ "pump-1"; "pump-2" ]

/// Two sample-plant machines (generated in memory) with a symmetric autoencoder of `width`
/// units per hidden layer: width 512 makes a model of about 6 MB, so a save lasts long enough
/// for a poll to catch its temporary directory.
let private config (width: int) (epochs: int) =
    let path = temp "config" + ".yaml"

    File.WriteAllText(
        path,
        $"""machines:
  - name: pump-1
    dataset:
      tags: [PLANT-FT-011.PV, PLANT-PT-011.PV, PLANT-TT-011.PV, PLANT-VT-011.PV]
  - name: pump-2
    dataset:
      tags: [PLANT-FT-021.PV, PLANT-PT-021.PV, PLANT-TT-021.PV, PLANT-VT-021.PV]
globals:
  dataset:
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
                kind: feedforward_symmetric
                dims: [%d{width}, %d{width}]
                funcs: [tanh, tanh]
                epochs: %d{epochs}
  evaluation:
    cv:
      sklearn.model_selection.TimeSeriesSplit:
        n_splits: 2
"""
    )

    path

let private localBuild (configPath: string) (output: string) (extra: string list) =
    [ "local-build"; configPath; "--output"; output ] @ extra

/// The names in `folder` of temporary entries of atomic writes (`.<name>.tmp-<guid>[.old]`).
let private temporaries (folder: string) =
    Directory.GetFileSystemEntries folder
    |> Array.map Path.GetFileName
    |> Array.filter (fun n -> (AtomicPath.tryLeftover n).IsSome)

let private reportOf (output: string) =
    File.ReadAllBytes(Path.Combine(output, "report.html"))

let private isCompletePage (bytes: byte[]) =
    Encoding.UTF8.GetString(bytes).TrimEnd().EndsWith "</html>"

/// Every model directory is complete (it loads, checksums verified) or absent.
let private modelsCompleteOrAbsent (output: string) =
    for m in machines do
        let dir = Path.Combine(output, m)

        if Directory.Exists dir then
            Expect.isTrue (Artifact.load dir).Model.IsFitted $"%s{m} is complete"

/// Starts `args`, waits until `marker` is in its standard output, then (when `entry` is given)
/// polls `output` without pausing until an entry whose name satisfies `entry` exists, and kills
/// the process with SIGKILL. False when the build ended before that.
let private killAt (args: string list) (marker: string) (output: string) (entry: (string -> bool) option) =
    use proc = new Running([], args)
    let started = proc.WaitFor(_.Out, marker, TimeSpan.FromMinutes 3.0)

    let seen () =
        match entry with
        | None -> true
        | Some wanted ->
            Directory.Exists output
            && Directory.EnumerateFileSystemEntries output
               |> Seq.exists (Path.GetFileName >> wanted)

    let mutable caught = false

    while started && not caught && not proc.HasExited do
        if seen () then
            proc.KillNow()
            caught <- true

    if not started && not proc.HasExited then
        failtestf "'%s' never appeared\nstdout:\n%s\nstderr:\n%s" marker proc.Out proc.Err

    caught

/// Kills builds at the moment `entry` appears until one dies leaving a temporary entry behind
/// (the kill landed mid-write; it may also land just after the rename); after each kill the
/// models are complete or absent and the report is the one before it (or, after its rename, a
/// complete new one).
let private killMidWrite (args: string list) (marker: string) (output: string) (entry: string -> bool) =
    let rec attempt n =
        let before = reportOf output
        let killed = killAt args marker output (Some entry)
        modelsCompleteOrAbsent output
        let after = reportOf output
        let leftovers = temporaries output |> Array.filter entry

        if killed && leftovers.Length > 0 then
            Expect.equal after before "killed mid-write: the previous report is intact"
        else
            Expect.isTrue (after = before || isCompletePage after) "the report is the previous one or complete"

            if n = 1 then
                failtestf "no kill landed while the entry existed in 5 attempts (%s)" marker
            else
                attempt (n - 1)

    attempt 5

let private killTests =
    test "SIGKILL while fetching, training, saving and writing the report: complete or absent; the rebuild recovers" {
        let output = temp "models"
        let configPath = config 512 3
        let code, stdout, err = run [] (localBuild configPath output [])
        Expect.equal code 0 (stdout + err)
        let first = reportOf output
        let args = localBuild configPath output []

        for marker in [ "[pump-1] fetching data"; "[pump-1] epoch 1/" ] do
            Expect.isTrue (killAt args marker output None) $"killed after '%s{marker}'"
            modelsCompleteOrAbsent output
            Expect.equal (reportOf output) first $"killed after '%s{marker}': the previous report is intact"

        killMidWrite args "[pump-1] fitting the final model" output _.StartsWith(".pump-1.tmp-")
        killMidWrite args "[pump-2] done in" output _.StartsWith(".report.html.tmp-")

        // What a kill between the two renames of a swap leaves: the previous pump-2 moved aside,
        // the new one complete in its temporary directory, no pump-2. Entries that only look
        // like ours stay.
        let metadata = File.ReadAllBytes(Path.Combine(output, "pump-2", "metadata.json"))
        let guid = Guid.NewGuid().ToString("N")
        Directory.Move(Path.Combine(output, "pump-2"), Path.Combine(output, $".pump-2.tmp-%s{guid}.old"))

        Directory.CreateDirectory(Path.Combine(output, $".pump-2.tmp-%s{guid}"))
        |> ignore

        let foreign = [ ".notes.tmp-keep"; "pump-3.tmp-" + guid ]

        for name in foreign do
            File.WriteAllText(Path.Combine(output, name), "not ours")

        let code, stdout, err =
            run [] (localBuild configPath output [ "--machine"; "pump-1" ])

        Expect.equal code 0 (stdout + err)
        Expect.isEmpty (temporaries output) "no temporary entries left"

        Expect.equal
            (Directory.GetFileSystemEntries output
             |> Array.map Path.GetFileName
             |> Set.ofArray)
            (set ([ "pump-1"; "pump-2"; "report.html" ] @ foreign))
            "the models, the report and the entries that are not ours"

        modelsCompleteOrAbsent output

        Expect.equal
            (File.ReadAllBytes(Path.Combine(output, "pump-2", "metadata.json")))
            metadata
            "pump-2, not rebuilt, is back from where the swap had moved it"

        Expect.isTrue (isCompletePage (reportOf output)) "a complete report"
    }

let private fullDisk =
    test "a report that does not fit: exit 1, a clear message, the models complete, no report and no temporary file" {
        let mount = temp "tmpfs"
        // The two small models fit; the report (plotly.js inline, about 4 MB) does not.
        Tmpfs.mount mount "size=2048k"

        try
            let code, stdout, err = run [] (localBuild (config 8 2) mount [])
            Expect.equal code 1 (stdout + err)
            Expect.stringContains stdout "2 built, 0 failed" "the models built"

            Expect.stringContains
                err
                $"gordo local-build: report not written (exit 1): no space left on device while writing %s{mount}/report.html"
                "says why"

            Expect.isFalse (stdout.Contains "report: ") "no report line"
            Expect.isEmpty (temporaries mount) "no temporary file"
            Expect.isFalse (File.Exists(Path.Combine(mount, "report.html"))) "no report"
            modelsCompleteOrAbsent mount
            Expect.isTrue (machines |> List.forall (fun m -> Directory.Exists(Path.Combine(mount, m)))) "both models"
        finally
            Tmpfs.unmount mount
    }

let private unwritable =
    testList "an unwritable output folder fails at once (exit 20), before any data is fetched" [
        test "local-build into a path that is a file" {
            let file = temp "file"
            File.WriteAllText(file, "")
            let code, stdout, err = run [] (localBuild (config 8 2) file [])
            Expect.equal code 20 (stdout + err)

            Expect.stringContains
                err
                $"gordo local-build: cannot write to the output folder '%s{file}': it is a file, not a directory; choose another output folder"
                "names the folder and says what is wrong"

            Expect.stringContains err "(nothing was fetched or trained) (PermissionError, exit 20)" "and the outcome"
            Expect.isFalse (stdout.Contains "fetching data") "nothing fetched"
        }
        test "local-build and build into a read-only filesystem" {
            let mount = temp "readonly"
            Tmpfs.mount mount "ro,size=64k"

            try
                let code, stdout, err = run [] (localBuild (config 8 2) mount [])
                Expect.equal code 20 (stdout + err)
                Expect.stringContains err $"cannot write to the output folder '%s{mount}'" "names the folder"
                Expect.isFalse (stdout.Contains "fetching data") "nothing fetched"

                let code, stdout, err =
                    run [] [
                        "build"
                        "--config"
                        config 8 2
                        "--machine"
                        "pump-1"
                        Path.Combine(mount, "pump-1")
                    ]

                Expect.equal code 20 (stdout + err)

                Expect.stringContains
                    err
                    "[pump-1] FAILED (PermissionError, exit 20): cannot write to the output folder"
                    "build"

                Expect.isFalse (err.Contains "fetching data") "nothing fetched"
            finally
                Tmpfs.unmount mount
        }
    ]

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli kill and output faults" [ killTests; fullDisk; unwritable ]
