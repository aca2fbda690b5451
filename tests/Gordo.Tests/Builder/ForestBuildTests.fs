module Gordo.Tests.Builder.ForestBuildTests

open System
open System.IO
open Expecto
open Gordo.Data
open Gordo.Models.Artifacts
open Gordo.Tests.Builder.ModelBuilderTests

let private forestModels = [
    "plain",
    """
      sklearn.ensemble.RandomForestRegressor:
        n_estimators: 8
        max_depth: 6"""
    "in an anomaly detector",
    """
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.ensemble.RandomForestRegressor:
            n_estimators: 8
            max_features: log2"""
    "FeatureAgglomeration in a pipeline",
    """
      sklearn.pipeline.Pipeline:
        steps:
          - sklearn.cluster.FeatureAgglomeration:
              n_clusters: 2
              linkage: complete
          - sklearn.ensemble.RandomForestRegressor:
              n_estimators: 4"""
]

let private buildSaveLoadPredict (model: string) =
    let out =
        Path.Combine(Path.GetTempPath(), "gordo-forest-build-" + Guid.NewGuid().ToString("N"))

    match build model "" (Some out) with
    | Error e -> failtest $"build failed: %s{e.Message}"
    | Ok built ->
        let loaded = Artifact.load built.OutputDirectory.Value
        let tags = (SampleData.tagNames 0).Length
        let x = Array2D.init 20 tags (fun i j -> sin (float (i + j)))
        Expect.isTrue built.Model.IsFitted "fitted"
        Expect.equal (loaded.Model.Predict x) (built.Model.Predict x) "the loaded model predicts as the built one"

[<Tests>]
let tests =
    testSequenced
    <| testList "Builder.ForestAndAgglomeration" [
        for name, model in forestModels do
            test $"builds, saves, loads and predicts: %s{name}" { buildSaveLoadPredict model }
    ]
