module Gordo.Tests.Builder.CatalogWalkTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Specs
open Gordo.Data
open Gordo.Models
open Gordo.Build

/// A model that uses some catalog names, with the evaluation and dataset lines it needs.
type private Sample = {
    Label: string
    /// The model block, indented under `model:`.
    Model: string
    /// Lines of the machine's `evaluation:` (indented 6).
    Evaluation: string
    /// Extra lines of the machine's `dataset:` (indented 6).
    Dataset: string
}

let private sample label model = {
    Label = label
    Model = model
    Evaluation = ""
    Dataset = ""
}

let private network (optimizer: string) (loss: string) =
    sample
        $"KerasAutoEncoder with %s{optimizer} and %s{loss}"
        $"""
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          gordo.machine.model.models.KerasAutoEncoder:
            kind: feedforward_hourglass
            epochs: 1
            optimizer: {{tensorflow.keras.optimizers.%s{optimizer}: {{learning_rate: 0.002}}}}
            compile_kwargs: {{loss: %s{loss}}}"""

let private implementedNames table =
    Vocabulary.implemented table |> List.map _.Name

/// Every optimizer once, the losses spread over them (the rest with Adam).
let private networks =
    let optimizers = implementedNames Vocabulary.optimizers
    let losses = implementedNames Vocabulary.losses

    [
        for i in 0 .. max optimizers.Length losses.Length - 1 ->
            network optimizers.[i % optimizers.Length] losses.[i % losses.Length]
    ]

let private transformers = {
    sample
        "scalers, imputers, functions, decompositions, every metric, KFold, median filter"
        """
      sklearn.pipeline.Pipeline:
        steps:
          - gordo.machine.model.transformers.imputer.InfImputer
          - sklearn.impute.SimpleImputer
          - sklearn.preprocessing.RobustScaler
          - sklearn.preprocessing.StandardScaler
          - sklearn.preprocessing.MinMaxScaler
          - sklearn.preprocessing.FunctionTransformer:
              func: gordo.machine.model.transformer_funcs.general.multiply_by
              kw_args: {factor: 2}
          - sklearn.decomposition.TruncatedSVD: {n_components: 3}
          - sklearn.decomposition.PCA: {n_components: 2}
          - sklearn.linear_model.LinearRegression""" with
        Evaluation =
            let metrics = implementedNames Vocabulary.metrics |> String.concat ", "
            $"      metrics: [%s{metrics}]\n      cv: {{sklearn.model_selection.KFold: {{n_splits: 3}}}}"
        Dataset = "      filter_periods: {filter_method: median, window: 12}"
}

let private composites = {
    sample
        "FeatureUnion, ColumnTransformer, MultiOutputRegressor, TransformedTargetRegressor, quantile filter"
        """
      sklearn.pipeline.Pipeline:
        steps:
          - sklearn.compose.ColumnTransformer:
              transformers:
                - [scaled, sklearn.preprocessing.MinMaxScaler, [0, 1]]
              remainder: passthrough
          - sklearn.pipeline.FeatureUnion:
              transformer_list:
                - sklearn.preprocessing.StandardScaler
                - sklearn.decomposition.PCA: {n_components: 2}
          - sklearn.compose.TransformedTargetRegressor:
              regressor:
                sklearn.multioutput.MultiOutputRegressor:
                  estimator: sklearn.linear_model.LinearRegression
              transformer: sklearn.preprocessing.StandardScaler""" with
        Evaluation = "      cv: {sklearn.model_selection.ShuffleSplit: {n_splits: 2, test_size: 0.25}}"
        Dataset = "      filter_periods: {filter_method: quantile}"
}

let private kfcv =
    sample
        "DiffBasedKFCVAnomalyDetector, TimeSeriesSplit"
        """
      gordo.machine.model.anomaly.diff.DiffBasedKFCVAnomalyDetector:
        base_estimator: sklearn.linear_model.LinearRegression
        window: 6"""
    |> fun s -> {
        s with
            Evaluation = "      cv: {sklearn.model_selection.TimeSeriesSplit: {n_splits: 2}}"
    }

let private lstms = [
    for wrapper in [ "KerasLSTMAutoEncoder"; "KerasLSTMForecast" ] ->
        sample
            wrapper
            $"""
      gordo.machine.model.models.%s{wrapper}:
        kind: lstm_hourglass
        lookback_window: 3
        encoding_layers: 1
        epochs: 1"""
]

let private raw =
    sample
        "KerasRawModelRegressor with every Keras layer, the L1 regulariser and EarlyStopping"
        """
      gordo.machine.model.models.KerasRawModelRegressor:
        epochs: 2
        validation_split: 0.2
        callbacks:
          - tensorflow.keras.callbacks.EarlyStopping: {patience: 1}
        kind:
          compile: {loss: log_cosh, optimizer: nadam}
          spec:
            tensorflow.keras.models.Sequential:
              layers:
                - tensorflow.keras.layers.LSTM: {units: 4, return_sequences: false, input_shape: [1, 4]}
                - tensorflow.keras.layers.Dropout: {rate: 0.1}
                - tensorflow.keras.layers.Dense:
                    units: 4
                    activity_regularizer: {tensorflow.keras.regularizers.L1: {l1: 0.001}}"""

let private forest = {
    sample
        "FeatureAgglomeration then RandomForestRegressor, iforest filter"
        """
      sklearn.pipeline.Pipeline:
        steps:
          - sklearn.cluster.FeatureAgglomeration: {n_clusters: 2, linkage: average}
          - sklearn.ensemble.RandomForestRegressor: {n_estimators: 5, max_depth: 4, random_state: 1}""" with
        Dataset = "      filter_periods: {filter_method: iforest}"
}

let private forestAll = {
    sample
        "RandomForestRegressor in an anomaly detector, every filter"
        """
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.ensemble.RandomForestRegressor: {n_estimators: 3, max_features: sqrt}""" with
        Dataset = "      filter_periods: {filter_method: all}"
}

let private samples =
    [ transformers; composites; kfcv; raw; forest; forestAll ] @ lstms @ networks

let private configOf (dataPath: string) (s: Sample) =
    let tags =
        SampleData.tagNames 0
        |> List.map (sprintf "          - %s")
        |> String.concat "\n"

    let evaluation =
        if s.Evaluation = "" then
            ""
        else
            "    evaluation:\n" + s.Evaluation + "\n"

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
%s{s.Dataset}
    model:%s{s.Model}
%s{evaluation}"""

/// Compiles with no diagnostic at all, builds, saves, loads and predicts alike.
let private buildSavedLoaded (s: Sample) =
    let text = configOf ModelBuilderTests.sampleData.Value s
    let compilation = Compiler.compileText Compiler.defaultOptions "walk.yaml" text
    Expect.isEmpty (compilation.Diagnostics |> List.filter Diagnostic.isError) $"%s{s.Label}: validate accepts"
    let input = BuildInput.ofCompilation compilation |> List.exactlyOne

    let out =
        Path.Combine(Path.GetTempPath(), "gordo-walk-" + Guid.NewGuid().ToString "N")

    try
        match ModelBuilder.build input (Some out) ignore CancellationToken.None with
        | Error e -> failtest $"%s{s.Label}: build failed after validate accepted it: %s{e.Message}"
        | Ok built ->
            let loaded = Artifacts.Artifact.load out
            let x = Array2D.init 24 4 (fun i j -> 0.1 * float ((i * 7 + j * 3) % 11))
            let expected = built.Model.Output x
            let actual = loaded.Model.Output x
            Expect.equal (Matrix.rows actual) (Matrix.rows expected) $"%s{s.Label}: rows"

            for i in 0 .. Matrix.rows expected - 1 do
                for j in 0 .. Matrix.cols expected - 1 do
                    Expect.floatClose Accuracy.high actual.[i, j] expected.[i, j] $"%s{s.Label}: prediction"
    finally
        if Directory.Exists out then
            Directory.Delete(out, true)

/// Every implemented name of the catalog and the vocabulary appears in some sample.
let private uncovered () =
    let text =
        samples
        |> List.map (fun s -> s.Model + s.Evaluation + s.Dataset)
        |> String.concat "\n"

    let classes =
        Catalog.entries
        |> List.filter (fun e -> e.Support = Support.Implemented)
        |> List.map _.Path

    let names =
        [
            Vocabulary.optimizers
            Vocabulary.losses
            Vocabulary.metrics
            Vocabulary.filterMethods
        ]
        |> List.collect implementedNames

    classes @ names
    |> List.filter (fun name -> not (text.Contains name || text.Contains(name.ToLowerInvariant())))

[<Tests>]
let tests =
    testSequenced
    <| testList "Builder.Catalog walk" [
        test "the samples use every implemented class, optimizer, loss, metric and filter method" {
            Expect.equal (uncovered ()) [] "names no sample uses"
        }
        for s in samples do
            test $"validate accepts, builds, saves, loads and predicts: %s{s.Label}" { buildSavedLoaded s }
    ]
