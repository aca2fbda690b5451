module Gordo.Tests.Config.NetworkSpecTests

open Expecto
open Gordo.Core
open Gordo.Tests.Support

/// A one-machine config whose model is the given YAML block (indented under `model:`).
let private withModel (model: string) =
    (configYaml [ "a" ]).Replace("  model: sklearn.decomposition.PCA", "  model:" + model)

let private lstmModel =
    """
    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
      base_estimator:
        sklearn.pipeline.Pipeline:
          steps:
            - sklearn.preprocessing.MinMaxScaler
            - gordo.machine.model.models.KerasLSTMForecast:
                kind: lstm_hourglass
                lookback_window: LOOKBACK
                batch_size: 64
                epochs: 2"""

let private rawModel (compile: string) (layers: string) =
    $"""
    gordo.machine.model.models.KerasRawModelRegressor:
      kind:
%s{compile}
        spec:
          tensorflow.keras.models.Sequential:
            layers:
%s{layers}"""

let private denseLayers =
    """              - tensorflow.keras.layers.LSTM: {units: 4, return_sequences: true}
              - tensorflow.keras.layers.Dropout: {rate: 0.1}
              - tensorflow.keras.layers.Dense: {units: 2}"""

let private adam =
    "        compile:\n          loss: mse\n          optimizer: adam"

let private withKind (classPath: string) (kind: string) =
    withModel $"\n    gordo.machine.model.models.%s{classPath}:\n      kind: %s{kind}\n      epochs: 1"

/// The one diagnostic of a config whose model has this kind, and where the kind's value is.
let private kindDiagnostic (classPath: string) (kind: string) =
    let text = withKind classPath kind
    let lines = text.Split '\n'
    let line = lines |> Array.findIndex (fun l -> l.Contains "kind:")
    let compilation = compile text
    Expect.equal (codes compilation) [ "GORDO0206" ] $"one diagnostic for kind %s{kind}"
    let d = compilation.Diagnostics.Head
    Expect.equal (d.Position.Line, d.Position.Column) (line + 1, lines.[line].IndexOf(kind) + 1) "at the value"
    d.Message

let private factories = "gordo.machine.model.factories."

let private codesOf (text: string) =
    compile text |> codes |> List.filter (fun c -> c.StartsWith "GORDO02")

[<Tests>]
let tests =
    testList "Config.Network model specs" [
        test "LSTM wrappers: lookback_window and batch_size are known, typed parameters" {
            Expect.isEmpty (codesOf (withModel (lstmModel.Replace("LOOKBACK", "10")))) "valid"
            let d = compile (withModel (lstmModel.Replace("LOOKBACK", "ten")))
            Expect.equal (codes d) [ "GORDO0202" ] "lookback_window must be an integer"
            Expect.stringContains d.Diagnostics.Head.Message "lookback_window" "names the parameter"
        }
        test "kind: registered names and Gordo's dotted module.function paths to them are valid" {
            for classPath, kind in
                [
                    "KerasAutoEncoder", "feedforward_symmetric"
                    "KerasAutoEncoder", factories + "feedforward_autoencoder.feedforward_hourglass"
                    "KerasLSTMAutoEncoder", factories + "lstm_autoencoder.lstm_model"
                    "KerasLSTMForecast", factories + "lstm_autoencoder.lstm_hourglass"
                ] do
                Expect.isEmpty (compile (withKind classPath kind)).Diagnostics $"%s{classPath} %s{kind}"
        }
        test "kind: unknown modules, functions and names are errors with Gordo's text at the value" {
            let message = kindDiagnostic "KerasAutoEncoder" "my_models.factories.wide"

            Expect.stringContains
                message
                "kind: my_models.factories.wide, unable to find module: 'my_models.factories'"
                "module"

            Expect.stringContains message "feedforward_autoencoder.<one of them>" "what to write"
            let missing = factories + "feedforward_autoencoder.feedforward_wide"

            Expect.stringContains
                (kindDiagnostic "KerasAutoEncoder" missing)
                $"kind: %s{missing}, unable to find class feedforward_wide in module '%s{factories}feedforward_autoencoder'"
                "function"

            Expect.stringContains
                (kindDiagnostic "KerasLSTMForecast" "lstm_hourglas")
                "kind: lstm_hourglas is not an available model for type: KerasLSTMForecast!"
                "bare name"

            Expect.stringContains
                (kindDiagnostic "KerasLSTMAutoEncoder" (factories + "feedforward_autoencoder.feedforward_model"))
                "builds another kind of network than KerasLSTMAutoEncoder trains"
                "other family"
        }
        test "KerasRawModelRegressor: a Sequential of LSTM/Dropout/Dense with compile is valid" {
            Expect.isEmpty (codesOf (withModel (rawModel adam denseLayers))) "valid"
        }
        test "KerasRawModelRegressor: missing compile, bad loss, unknown layer parameter are diagnosed" {
            let missing = compile (withModel (rawModel "" denseLayers))
            Expect.equal (codes missing) [ "GORDO0206" ] "missing compile"
            Expect.stringContains missing.Diagnostics.Head.Message "('spec', 'compile')" "Gordo's words"
            let hinge = adam.Replace("loss: mse", "loss: hinge")
            Expect.equal (codesOf (withModel (rawModel hinge denseLayers))) [ "GORDO0211" ] "unsupported loss"

            let typo = denseLayers.Replace("{units: 2}", "{unit: 2}")

            Expect.contains (codesOf (withModel (rawModel adam typo))) "GORDO0201" "unknown Dense parameter"

            let optimizer =
                adam.Replace("optimizer: adam", "optimizer: {tensorflow.keras.optimizers.Adam: {learning_rat: 0.1}}")

            Expect.equal
                (codesOf (withModel (rawModel optimizer denseLayers)))
                [ "GORDO0201" ]
                "misspelt Adam parameter"
        }
    ]
