module Gordo.Tests.Cli.NoTorchCliTests

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open Expecto
open Gordo.Tests.Cli.RunServerCliTests

/// Packages whose files a CLI without the TorchSharp back end does not have.
let private isTorch (name: string) =
    [ "TorchSharp"; "libtorch"; "Gordo.Models.Torch" ]
    |> List.exists (fun prefix -> name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))

/// Everything this test writes (the CLI copy is 60 MB), removed at the end.
let private root =
    Path.Combine(Path.GetTempPath(), "gordo-notorch-" + Guid.NewGuid().ToString("N"))

let private temp (name: string) =
    Path.Combine(root, $"%s{name}-" + Guid.NewGuid().ToString("N"))

/// Copies the CLI's build output. Not its `<rid>/` folders: `dotnet publish -r <rid>` (the
/// image's and bench/client's self-contained CLI, libtorch included) builds into them.
let private copyTree (source: string) (target: string) =
    let ridBuild (file: string) =
        let top = Path.GetRelativePath(source, file).Split(Path.DirectorySeparatorChar).[0]
        top.StartsWith "linux-" || top.StartsWith "win-" || top.StartsWith "osx-"

    for file in
        Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
        |> Seq.filter (not << ridBuild) do
        let destination = Path.Combine(target, Path.GetRelativePath(source, file))
        Directory.CreateDirectory(Path.GetDirectoryName destination) |> ignore
        File.Copy(file, destination)

/// The files of the torch packages (runtime and native assets, by the deps file), and the deps
/// file without them: what a publish without Gordo.Models.Torch would have.
let private stripDeps (dir: string) : string list =
    let path = Path.Combine(dir, "gordo.deps.json")
    let deps = JsonNode.Parse(File.ReadAllText path)
    let removed = ResizeArray<string>()

    for target in deps.["targets"].AsObject() |> Seq.map _.Value.AsObject() do
        for entry in target |> Seq.filter (fun e -> isTorch e.Key) |> List.ofSeq do
            for kind in [ "runtime"; "native"; "runtimeTargets" ] do
                match entry.Value.[kind] with
                | null -> ()
                | assets ->
                    for asset in assets.AsObject() do
                        let relative =
                            if kind = "runtime" then
                                Path.GetFileName asset.Key
                            else
                                asset.Key

                        removed.Add(Path.Combine(dir, relative))

            target.Remove entry.Key |> ignore

        for entry in target do
            match entry.Value.["dependencies"] with
            | null -> ()
            | dependencies ->
                for name in dependencies.AsObject() |> Seq.map _.Key |> Seq.filter isTorch |> List.ofSeq do
                    dependencies.AsObject().Remove name |> ignore

    let libraries = deps.["libraries"].AsObject()

    for name in libraries |> Seq.map _.Key |> Seq.filter isTorch |> List.ofSeq do
        libraries.Remove name |> ignore

    File.WriteAllText(path, deps.ToJsonString())
    List.ofSeq removed

/// A copy of the built CLI without any TorchSharp, libtorch or Gordo.Models.Torch file.
let private cliWithoutTorch () : string =
    let dir = temp "cli"
    copyTree GordoProcess.outputDir dir
    let torchFiles = stripDeps dir
    Expect.isGreaterThan torchFiles.Length 3 "the deps file lists the torch assets"

    for file in torchFiles do
        File.Delete file

    for file in Directory.GetFiles(dir, "Gordo.Models.Torch.*") do
        File.Delete file

    let left =
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        |> Seq.map Path.GetFileName
        |> Seq.filter (fun f ->
            let f = f.ToLowerInvariant()
            f.Contains "torch" || f.StartsWith "libc10" || f.StartsWith "libgomp")
        |> List.ofSeq

    Expect.isEmpty left "no TorchSharp/libtorch file is left"
    dir

let private globals =
    """globals:
  dataset:
    train_start_date: 2020-01-01T00:00:00+00:00
    train_end_date: 2020-01-03T00:00:00+00:00
    resolution: 10T
    data_provider:
      type: SamplePlantDataProvider
      seed: 42
  evaluation:
    cv_mode: full_build
"""

let private tags (unit: int) =
    [ "FT"; "PT"; "TT"; "VT" ]
    |> List.map (fun t -> $"        - PLANT-%s{t}-0%d{unit}1.PV")
    |> String.concat "\n"

/// A Dense autoencoder anomaly detector and a scikit-learn pipeline with PCA.
let private managedConfig =
    $"""machines:
  - name: pump-1
    dataset:
      tags:
%s{tags 1}
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
                  epochs: 2
  - name: pump-2
    dataset:
      tags:
%s{tags 2}
    model:
      sklearn.pipeline.Pipeline:
        steps:
          - sklearn.preprocessing.MinMaxScaler
          - sklearn.decomposition.PCA:
              n_components: 2
%s{globals}"""

let private lstmConfig =
    $"""machines:
  - name: lstm-1
    dataset:
      tags:
%s{tags 1}
    model:
      gordo.machine.model.models.KerasLSTMAutoEncoder:
        kind: lstm_hourglass
        lookback_window: 3
        epochs: 1
%s{globals}"""

let private write (text: string) =
    let path = temp "config" + ".yaml"
    Directory.CreateDirectory root |> ignore
    File.WriteAllText(path, text)
    path

let private rows (n: int) =
    List.init n (fun i -> "[" + String.Join(", ", List.init 4 (fun j -> float (i + j) / 10.0)) + "]")
    |> String.concat ", "
    |> sprintf "[%s]"

let private post (port: int) (path: string) (body: string) =
    use http = new HttpClient()
    use content = new StringContent(body, Encoding.UTF8, "application/json")

    let response =
        http.PostAsync($"http://127.0.0.1:%d{port}/gordo/v0/plant%s{path}", content).Result

    int response.StatusCode, response.Content.ReadAsStringAsync().Result

/// Serves `models` with the stripped CLI and checks one prediction of each model over HTTP.
let private serve (cli: string) (models: string) =
    let port = freePort ()

    use server =
        new GordoProcess.Running(
            GordoProcess.startInfoIn cli [ "MODEL_COLLECTION_DIR", models ] [
                "run-server"
                "--host"
                "127.0.0.1"
                "--port"
                string port
            ]
        )

    Expect.isTrue (waitHealthy port) $"healthy: %s{server.Err}"
    let x = rows 5

    let status, body =
        post port "/pump-1/anomaly/prediction" $"""{{"X": %s{x}, "y": %s{x}}}"""

    Expect.equal status 200 body
    Expect.stringContains body "total-anomaly-scaled" "anomaly columns"
    let status, body = post port "/pump-2/prediction" $"""{{"X": %s{x}}}"""
    Expect.equal status 200 body
    Expect.stringContains body "model-output" "PCA output"

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli without TorchSharp" [
        test "scikit-learn and Dense models validate, build, score and serve; an LSTM names what is missing" {
            use _ =
                { new IDisposable with
                    member _.Dispose() =
                        if Directory.Exists root then
                            Directory.Delete(root, true)
                }

            let cli = cliWithoutTorch ()
            let gordo = GordoProcess.runIn cli []
            let config = write managedConfig
            let code, out, err = gordo [ "validate"; config ]
            Expect.equal code 0 (out + err)

            let models = temp "models"
            let code, out, err = gordo [ "local-build"; config; "--output"; models ]
            Expect.equal code 0 (out + err)
            Expect.stringContains out "2 built, 0 failed" "summary"

            let data = temp "data"
            let code, out, err = gordo [ "data"; "generate"; "--output"; data; "--days"; "2" ]
            Expect.equal code 0 (out + err)
            let scores = temp "scores" + ".csv"

            let code, out, err =
                gordo [
                    "anomaly"
                    Path.Combine(models, "pump-1")
                    "--data"
                    Path.Combine(data, "data.parquet")
                    "--output"
                    scores
                ]

            Expect.equal code 0 (out + err)
            Expect.stringContains (File.ReadAllText scores) "total-anomaly-scaled" "offline anomaly scores"

            serve cli models

            let code, out, err =
                gordo [ "local-build"; write lstmConfig; "--output"; temp "lstm" ]

            let output = out + err
            Expect.equal code 1 output

            Expect.stringContains
                output
                "KerasLSTMAutoEncoder needs the TorchSharp back end: add the package Gordo.Models.Torch (it brings TorchSharp and libtorch-cpu-linux-x64); it could not be loaded: "
                "names the missing back end"

            Expect.stringContains output "Gordo.Models.Torch" "names the missing assembly"
            Expect.isFalse (output.Contains "   at ") $"no stack trace: %s{output}"
            Expect.isFalse (output.Contains "Exception:") $"no exception dump: %s{output}"
        }
    ]
