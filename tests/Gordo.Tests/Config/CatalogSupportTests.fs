module Gordo.Tests.Config.CatalogSupportTests

open Expecto
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Tests.Support

let private withModel (model: string) =
    (configYaml [ "a" ]).Replace("  model: sklearn.decomposition.PCA", "  model:" + model)

/// A machine with a dataset or evaluation block appended (indented for the machine entry).
let private withMachineLines (lines: string) = configYaml [ "a" ] + lines

let private autoEncoder (settings: string) =
    withModel $"\n    gordo.machine.model.models.KerasAutoEncoder:\n      kind: feedforward_hourglass\n%s{settings}"

let private only (text: string) =
    let compilation = compile text
    compilation.Diagnostics |> List.map (fun d -> d.Code, d.Severity)

[<Tests>]
let tests =
    testList "Config.Catalog support" [
        test "a catalog class without a .NET implementation is a GORDO0209 error with a hint" {
            let compilation =
                compile (withModel " {sklearn.cluster.FeatureAgglomeration: {pooling_func: numpy.median}}")

            Expect.equal (errorCodes compilation) [ "GORDO0209" ] "not implemented"
            Expect.isSome compilation.Diagnostics.Head.Hint "hint"

            let nested =
                withModel
                    "\n    sklearn.pipeline.Pipeline:\n      steps: [{sklearn.cluster.FeatureAgglomeration: {pooling_func: numpy.median}}, sklearn.linear_model.LinearRegression]"

            Expect.equal (errorCodes (compile nested)) [ "GORDO0209" ] "inside a pipeline"
        }
        test "every Keras optimizer by name is accepted; others are GORDO0210" {
            for entry in Vocabulary.optimizers do
                for name in entry.Name :: entry.Aliases do
                    Expect.isEmpty (errorCodes (compile (autoEncoder $"      optimizer: %s{name}"))) name

            Expect.equal (errorCodes (compile (autoEncoder "      optimizer: Ftrl"))) [ "GORDO0210" ] "Ftrl"
            Expect.equal (errorCodes (compile (autoEncoder "      optimizer: rmsprob"))) [ "GORDO0210" ] "typo"
        }
        test "optimizer_kwargs are checked against the optimizer's Keras parameters" {
            let settings =
                "      optimizer: SGD\n      optimizer_kwargs: {learning_rate: 0.1, nesterov: true, momentum: 0.9}"

            Expect.isEmpty (errorCodes (compile (autoEncoder settings))) "SGD kwargs"
            let rho = "      optimizer: RMSprop\n      optimizer_kwargs: {rhoo: 0.8}"
            Expect.equal (errorCodes (compile (autoEncoder rho))) [ "GORDO0201" ] "misspelt"
            let adamDefault = "      optimizer_kwargs: {beta_1: fast}"
            Expect.equal (errorCodes (compile (autoEncoder adamDefault))) [ "GORDO0202" ] "Adam by default"
        }
        test "every Keras loss name is accepted in compile_kwargs; others are GORDO0211" {
            for entry in Vocabulary.losses do
                for name in entry.Name :: entry.Aliases do
                    let settings = $"      compile_kwargs: {{loss: %s{name}}}"
                    Expect.isEmpty (errorCodes (compile (autoEncoder settings))) name

            let hinge = "      compile_kwargs: {loss: hinge}"
            Expect.equal (errorCodes (compile (autoEncoder hinge))) [ "GORDO0211" ] "hinge"
        }
        test "every implemented metric by bare name and sklearn.metrics path; deviances are GORDO0135" {
            for entry in Vocabulary.implemented Vocabulary.metrics do
                for name in [ entry.Name; "sklearn.metrics." + entry.Name ] do
                    let text = withMachineLines $"    evaluation:\n      metrics: [%s{name}]\n"
                    Expect.isEmpty (errorCodes (compile text)) name

            let poisson =
                withMachineLines "    evaluation:\n      metrics: [mean_poisson_deviance]\n"

            Expect.equal (errorCodes (compile poisson)) [ "GORDO0135" ] "not implemented"
        }
        test "filter_method median, quantile, iforest and all are accepted; others are GORDO0123" {
            let filter methodName =
                withMachineLines $"      resolution: 10T\n      filter_periods: {{filter_method: %s{methodName}}}\n"

            Expect.isEmpty (errorCodes (compile (filter "quantile"))) "quantile"
            Expect.isEmpty (errorCodes (compile (filter "iforest"))) "iforest"
            Expect.isEmpty (errorCodes (compile (filter "all"))) "all"
            Expect.equal (errorCodes (compile (filter "mean"))) [ "GORDO0123" ] "unknown"
        }
        test "raw Keras Dense settings the trainers lack are GORDO0206/GORDO0209; no optimizer means rmsprop" {
            let raw (dense: string) =
                withModel (
                    "\n    gordo.machine.model.models.KerasRawModelRegressor:\n      kind:\n        compile: {loss: mse}\n"
                    + "        spec:\n          tensorflow.keras.models.Sequential:\n            layers:\n"
                    + $"              - tensorflow.keras.layers.Dense: {{units: 2, %s{dense}}}"
                )

            Expect.isEmpty (errorCodes (compile (raw "activation: tanh"))) "valid, Keras' default optimizer"
            Expect.equal (errorCodes (compile (raw "use_bias: false"))) [ "GORDO0206" ] "no bias"

            let kernel = "kernel_regularizer: {tensorflow.keras.regularizers.L1: {l1: 0.1}}"
            Expect.equal (errorCodes (compile (raw kernel))) [ "GORDO0206" ] "kernel regulariser"
            let l2 = "activity_regularizer: {tensorflow.keras.regularizers.L2: {l2: 0.1}}"
            Expect.equal (errorCodes (compile (raw l2))) [ "GORDO0209" ] "L2"
        }
        test "gordo.model.* (Gordo before 6) is read as a legacy path with a warning" {
            let text =
                withModel
                    "\n    gordo.model.anomaly.diff.DiffBasedAnomalyDetector:\n      base_estimator:\n        gordo.model.models.KerasAutoEncoder: {kind: feedforward_hourglass}"

            Expect.equal
                (only text)
                [ "GORDO0203", Severity.Warning; "GORDO0203", Severity.Warning ]
                "two legacy paths, no error"
        }
        test "an anomaly detector's base_estimator ending in a transformer is GORDO0212 at the base_estimator" {
            let detector (inner: string) =
                withModel
                    $"\n    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:\n      base_estimator:\n%s{inner}"

            let pcaLast =
                detector
                    "        sklearn.pipeline.Pipeline:\n          steps:\n            - sklearn.preprocessing.MinMaxScaler\n            - sklearn.decomposition.PCA: {n_components: 1}"

            let compilation = compile pcaLast
            Expect.equal (errorCodes compilation) [ "GORDO0212" ] "pipeline ending in PCA"
            let d = compilation.Diagnostics.Head
            Expect.stringContains d.Message "'sklearn.decomposition.PCA'" "names the last step"
            Expect.isSome d.Hint "says how to fix it"

            Expect.equal
                (errorCodes (
                    compile (detector "        {sklearn.pipeline.Pipeline: [sklearn.preprocessing.MinMaxScaler]}")
                ))
                [ "GORDO0212" ]
                "list form"

            Expect.equal
                (errorCodes (compile (detector "        sklearn.preprocessing.MinMaxScaler")))
                [ "GORDO0212" ]
                "a transformer alone"

            let predicting =
                "        sklearn.pipeline.Pipeline:\n          steps:\n            - sklearn.decomposition.PCA: {n_components: 1}\n            - sklearn.linear_model.LinearRegression"

            Expect.isEmpty (errorCodes (compile (detector predicting))) "PCA before a regressor"

            Expect.isEmpty
                (errorCodes (
                    compile (
                        detector "        gordo.machine.model.models.KerasAutoEncoder: {kind: feedforward_hourglass}"
                    )
                ))
                "a network"
        }
    ]
