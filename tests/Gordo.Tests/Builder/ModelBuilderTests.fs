module Gordo.Tests.Builder.ModelBuilderTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data
open Gordo.Models.Anomaly
open Gordo.Build

let private tempDir (prefix: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-%s{prefix}-" + Guid.NewGuid().ToString("N"))

/// Two days of 10-minute sample data for one machine (289 rows, 4 tags).
let sampleData =
    lazy
        (let dir = tempDir "builder-data"

         SampleData.write dir {
             SampleData.defaults with
                 Days = 2
                 Machines = [ "pump-1" ]
         }
         |> ignore

         Path.Combine(dir, "data.parquet"))

let pipelineModel =
    """
      sklearn.pipeline.Pipeline:
        steps:
          - sklearn.preprocessing.MinMaxScaler
          - sklearn.decomposition.PCA:
              n_components: 2
          - sklearn.linear_model.LinearRegression"""

let detectorModel =
    """
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
                  epochs: 1"""

/// A one-machine config on the sample data.
let configText (dataPath: string) (model: string) (evaluation: string) =
    let tags =
        SampleData.tagNames 0
        |> List.map (sprintf "          - %s")
        |> String.concat "\n"

    $"""machines:
  - name: pump-1
    dataset:
      tags:
%s{tags}
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-01-03T00:00:00+00:00
      resolution: 10T
      data_provider:
        type: FileDataProvider
        path: %s{dataPath}
    model:%s{model}
    metadata:
      owner: builder-tests
%s{evaluation}"""

let inputOf (text: string) : BuildInput =
    let compilation = Compiler.compileText Compiler.defaultOptions "test.yaml" text

    match BuildInput.ofCompilation compilation with
    | [ input ] -> input
    | _ -> failwithf "config does not compile: %A" compilation.Diagnostics

let build (model: string) (evaluation: string) (output: string option) =
    ModelBuilder.build (inputOf (configText sampleData.Value model evaluation)) output ignore CancellationToken.None

let private path (keys: string list) (v: Value) =
    keys |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some v)

let private number (v: Value option) =
    match v with
    | Some(Value.Float f) -> f
    | Some(Value.Int i) -> float i
    | other -> failwithf "not a number: %A" other

let private ok (r: Result<BuiltModel, BuildError>) =
    match r with
    | Ok b -> b
    | Error e -> failwithf "build failed: %s" e.Message

let private scores (b: BuiltModel) =
    b.CrossValidation.Value.Scores |> Map.ofList

[<Tests>]
let tests =
    testSequenced
    <| testList "Builder" [
        test "pipeline full build: scores per metric, tag and fold, splits, metadata, artifact" {
            let out = tempDir "builder-out"
            let b = build pipelineModel "" (Some out) |> ok
            let s = scores b
            let tags = SampleData.tagNames 0

            for metric in
                [
                    "explained-variance-score"
                    "r2-score"
                    "mean-squared-error"
                    "mean-absolute-error"
                ] do
                for key in metric :: (tags |> List.map (fun t -> metric + "-" + t.Replace(' ', '-'))) do
                    let stats = Map.ofList s.[key]

                    for stat in
                        [
                            "fold-mean"
                            "fold-std"
                            "fold-max"
                            "fold-min"
                            "fold-1"
                            "fold-2"
                            "fold-3"
                        ] do
                        Expect.isTrue (stats.ContainsKey stat) $"%s{key} %s{stat}"

                    Expect.floatClose
                        Accuracy.high
                        stats.["fold-mean"]
                        ((stats.["fold-1"] + stats.["fold-2"] + stats.["fold-3"]) / 3.0)
                        "mean of folds"

                // aggregate = mean of the per-tag values for these metrics
                let fold1 k = (Map.ofList s.[k]).["fold-1"]
                let perTag = tags |> List.averageBy (fun t -> fold1 (metric + "-" + t))
                Expect.floatClose Accuracy.high (fold1 metric) perTag $"%s{metric} aggregate"

            Expect.isGreaterThan (Map.ofList s.["mean-squared-error"]).["fold-min"] 0.0 "mse positive"
            Expect.isGreaterThan (Map.ofList s.["r2-score"]).["fold-mean"] 0.0 "PCA(2) explains the tags"
            let splits = Map.ofList b.CrossValidation.Value.Splits
            // 289 rows, TimeSeriesSplit(3): test_size 72, first fold trains on 73 rows
            Expect.equal splits.["fold-1-n-train"] (Value.Int 73L) "n-train"
            Expect.equal splits.["fold-3-n-test"] (Value.Int 72L) "n-test"
            Expect.equal splits.["fold-1-train-start"] (Value.String "2020-01-01 00:00:00+00:00") "train start"

            let metadata =
                Gordo.Models.Artifacts.Json.ofBytes (File.ReadAllBytes(Path.Combine(out, "metadata.json")))

            for key in
                [
                    "name"
                    "dataset"
                    "model"
                    "metadata"
                    "runtime"
                    "project_name"
                    "evaluation"
                ] do
                Expect.isSome (Value.tryGet key metadata) key

            Expect.equal
                (path [ "metadata"; "user_defined"; "machine-metadata"; "owner" ] metadata)
                (Some(Value.String "builder-tests"))
                "user metadata nested once"

            let model = [ "metadata"; "build_metadata"; "model" ]
            Expect.equal (number (path (model @ [ "model_offset" ]) metadata)) 0.0 "offset"
            Expect.isGreaterThan (number (path (model @ [ "model_training_duration_sec" ]) metadata)) 0.0 "fit time"
            Expect.isGreaterThan (number (path (model @ [ "cross_validation"; "cv_duration_sec" ]) metadata)) 0.0 "cv"

            Expect.isGreaterThan
                (number (path [ "metadata"; "build_metadata"; "dataset"; "query_duration_sec" ] metadata))
                0.0
                "query time"

            Expect.isSome (path [ "metadata"; "build_metadata"; "dataset"; "dataset_meta"; "x_hist" ] metadata) "meta"
            let loaded = Gordo.Models.Artifacts.Artifact.load out
            Expect.isTrue loaded.Model.IsFitted "the saved model loads fitted"
            Expect.isEmpty (Directory.GetDirectories(Path.GetDirectoryName out, ".gordo-builder-out*")) "no temp"
        }
        test "anomaly detector around a KerasAutoEncoder: thresholds from cross-validation" {
            let b = build detectorModel "" None |> ok
            let detector = b.Model :?> DiffBasedAnomalyDetector
            let t = detector.Thresholds.Value
            Expect.equal t.Feature.Length 4 "one threshold per tag"
            Expect.all t.Feature (fun v -> v > 0.0) "feature thresholds positive"
            Expect.isGreaterThan t.Aggregate 0.0 "aggregate threshold positive"
            let meta = path [ "metadata"; "build_metadata"; "model"; "model_meta" ] b.Metadata
            Expect.isSome (meta |> Option.bind (Value.tryGet "aggregate-threshold")) "thresholds in model_meta"
            Expect.isSome (meta |> Option.bind (Value.tryGet "history")) "Keras history in model_meta"
            Expect.equal (scores b).Count 20 "4 metrics x (4 tags + aggregate)"
        }
        test "LSTM forecast detector: model_offset, scores on the trimmed truth, aligned thresholds" {
            let model =
                """
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasLSTMForecast:
                  kind: lstm_hourglass
                  lookback_window: 6"""

            let b = build model "" None |> ok

            let offset =
                path [ "metadata"; "build_metadata"; "model"; "model_offset" ] b.Metadata

            Expect.equal (number offset) 6.0 "lookback_window rows have no prediction"
            Expect.equal (scores b).Count 20 "4 metrics x (4 tags + aggregate)"
            let detector = b.Model :?> DiffBasedAnomalyDetector
            Expect.all detector.Thresholds.Value.Feature (fun v -> v > 0.0) "feature thresholds"
            let meta = path [ "metadata"; "build_metadata"; "model"; "model_meta" ] b.Metadata
            Expect.equal (meta |> Option.bind (Value.tryGet "forecast_steps")) (Some(Value.Int 1L)) "forecast_steps"
        }
        test "cross_val_only writes nothing and has no creation date" {
            let out = tempDir "builder-cvonly"

            let b =
                build pipelineModel "    evaluation:\n      cv_mode: cross_val_only" (Some out)
                |> ok

            Expect.isFalse (Directory.Exists out) "nothing written"
            Expect.isNone b.OutputDirectory "no output"

            Expect.equal
                (path [ "metadata"; "build_metadata"; "model"; "model_creation_date" ] b.Metadata)
                (Some Value.Null)
                "creation date null"

            Expect.isFalse b.Model.IsFitted "model untrained"
        }
        test "build_only: empty scores and splits, fitted model" {
            let b = build pipelineModel "    evaluation:\n      cv_mode: build_only" None |> ok
            Expect.isNone b.CrossValidation "no cross-validation"

            let cv =
                path [ "metadata"; "build_metadata"; "model"; "cross_validation" ] b.Metadata

            Expect.equal (cv |> Option.bind (Value.tryGet "scores")) (Some(Value.Map [])) "scores {}"
            Expect.equal (cv |> Option.bind (Value.tryGet "cv_duration_sec")) (Some Value.Null) "null duration"
            Expect.isTrue b.Model.IsFitted "fitted"
        }
        test "custom metrics, KFold cv and a scoring scaler" {
            let evaluation =
                "    evaluation:\n      metrics: [sklearn.metrics.r2_score]\n      scoring_scaler: sklearn.preprocessing.MinMaxScaler\n      cv:\n        sklearn.model_selection.KFold:\n          n_splits: 2"

            let s = build pipelineModel evaluation None |> ok |> scores
            // Gordo merges the machine's list over the default one element by element (spec §1.3):
            // [r2_score] over the four defaults gives r2, r2, mse, mae; the r2 keys appear once.
            Expect.equal s.Count 15 "three distinct metrics"
            Expect.isTrue ((Map.ofList s.["r2-score"]).ContainsKey "fold-2") "two folds"
            Expect.isFalse ((Map.ofList s.["r2-score"]).ContainsKey "fold-3") "not three"
        }
        test "missing data file: FileNotFoundError, exit 30, nothing written" {
            let out = tempDir "builder-missing"
            let text = configText (tempDir "nowhere" + ".parquet") pipelineModel ""

            match ModelBuilder.build (inputOf text) (Some out) ignore CancellationToken.None with
            | Ok _ -> failtest "should fail"
            | Error e ->
                Expect.equal e.ExitCode 30 e.Message
                Expect.stringContains e.Message "not found" "message"
                Expect.isFalse (Directory.Exists out) "nothing written"
        }
        test "a cancelled build fails with Cancelled" {
            use cts = new CancellationTokenSource()
            cts.Cancel()
            let input = inputOf (configText sampleData.Value pipelineModel "")

            match ModelBuilder.build input None ignore cts.Token with
            | Error BuildError.Cancelled -> ()
            | other -> failtestf "expected Cancelled, got %A" (Result.map (fun _ -> ()) other)
        }
    ]
