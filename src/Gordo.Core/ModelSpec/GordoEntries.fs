namespace Gordo.Core.Specs

open Gordo.Core
open Gordo.Core.Specs.CatalogDsl

/// Gordo's own classes and the Keras parts a config can name.
module internal GordoEntries =
    type T = ParameterType

    /// Arguments of Keras `fit` that the wrappers pass through.
    let private fitParameters = [
        p "batch_size" (nullable T.Int) nul
        p "epochs" T.Int (int 1)
        p "verbose" T.Int (int 0)
        p "validation_split" T.Float (flt 0.0)
        p "shuffle" T.Bool yes
        p "callbacks" (nullable T.StepList) nul
        p "class_weight" T.Any nul
        p "initial_epoch" T.Int (int 0)
        p "validation_batch_size" (nullable T.Int) nul
    ]

    /// Arguments of the network factories (§2.4, §2.5).
    let private factoryParameters = [
        p "encoding_dim" (T.ListOf T.Int) (ints [ 256; 128; 64 ])
        p "encoding_func" (T.ListOf T.String) (strs [ "tanh"; "tanh"; "tanh" ])
        p "decoding_dim" (T.ListOf T.Int) (ints [ 64; 128; 256 ])
        p "decoding_func" (T.ListOf T.String) (strs [ "tanh"; "tanh"; "tanh" ])
        p "dims" (T.ListOf T.Int) (ints [ 256; 128; 64 ])
        p "funcs" (T.ListOf T.String) (strs [ "tanh"; "tanh"; "tanh" ])
        p "encoding_layers" T.Int (int 3)
        p "compression_factor" T.Float (flt 0.5)
        p "func" T.String (str "tanh")
        p "out_func" T.String (str "linear")
        p "optimizer" (T.Either(T.String, T.Estimator)) (str "Adam")
        p "optimizer_kwargs" T.Mapping (Value.Map [])
        p "compile_kwargs" T.Mapping (Value.Map [])
        p "loss" T.String (str "mean_squared_error")
        p "n_features" T.Int nul
        p "n_features_out" T.Int nul
    ]

    let private feedForwardKinds = NetworkKinds.names NetworkFamily.FeedForward

    let private lstmKinds = NetworkKinds.names NetworkFamily.Lstm

    let private wrapper path (parameters: ParameterSpec list) =
        entry ClassKind.Network ("gordo.machine.model.models." + path) [] parameters
        |> legacy [ "gordo_components.model.models." + path ]
        |> openParameters

    let private network path kinds extra =
        wrapper
            path
            ((req "kind" (T.Either(T.OneOf kinds, T.String)) :: extra)
             @ fitParameters
             @ factoryParameters)

    /// The LSTM wrappers' own constructor arguments (they replace `fit`'s nullable batch size).
    let private windowParameters = [ p "lookback_window" T.Int (int 1); p "batch_size" T.Int (int 32) ]

    let private lstm path =
        let fit =
            fitParameters
            |> List.filter (fun q -> q.Name <> "batch_size")
            |> List.append [ p "steps_per_epoch" (nullable T.Int) nul ]

        wrapper
            path
            ((req "kind" (T.Either(T.OneOf lstmKinds, T.String)) :: windowParameters)
             @ fit
             @ factoryParameters)

    let private networks = [
        network "KerasAutoEncoder" feedForwardKinds []
        lstm "KerasLSTMAutoEncoder"
        lstm "KerasLSTMForecast"
        wrapper "KerasRawModelRegressor" (req "kind" T.Mapping :: fitParameters)
    ]

    let private defaultBase =
        Value.Map [
            "gordo.machine.model.models.KerasAutoEncoder", Value.Map [ "kind", str "feedforward_hourglass" ]
        ]

    let private detectors = [
        entry ClassKind.AnomalyDetector "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector" [] [
            p "base_estimator" T.Estimator defaultBase
            p "scaler" T.Estimator (str "sklearn.preprocessing.MinMaxScaler")
            p "require_thresholds" T.Bool yes
            p "shuffle" T.Bool no
            p "window" (nullable T.Int) nul
            p "smoothing_method" (nullable (T.OneOf [ "smm"; "sma"; "ewma" ])) nul
        ]
        |> legacy [ "gordo_components.model.anomaly.diff.DiffBasedAnomalyDetector" ]
        entry ClassKind.AnomalyDetector "gordo.machine.model.anomaly.diff.DiffBasedKFCVAnomalyDetector" [] [
            p "base_estimator" T.Estimator defaultBase
            p "scaler" T.Estimator (str "sklearn.preprocessing.MinMaxScaler")
            p "require_thresholds" T.Bool yes
            p "shuffle" T.Bool yes
            p "window" (nullable T.Int) (int 144)
            p "smoothing_method" (nullable (T.OneOf [ "smm"; "sma"; "ewma" ])) (str "smm")
            p "threshold_percentile" T.Float (flt 0.99)
        ]
    ]

    let private transformers = [
        entry ClassKind.Transformer "gordo.machine.model.transformers.imputer.InfImputer" [] [
            p "inf_fill_value" (nullable T.Float) nul
            p "neg_inf_fill_value" (nullable T.Float) nul
            p "strategy" (nullable (T.OneOf [ "minmax"; "extremes" ])) (str "minmax")
            p "delta" T.Float (flt 2.0)
        ]
        |> legacy [ "gordo_components.model.transformers.imputer.InfImputer" ]
        entry ClassKind.Function "gordo.machine.model.transformer_funcs.general.multiply_by" [] []
        |> legacy [ "gordo_components.model.transformer_funcs.general.multiply_by" ]
        // FeatureAgglomeration's pooling functions: nothing else applies them.
        entry ClassKind.Function "numpy.mean" [] []
        |> notImplemented "leave pooling_func out: FeatureAgglomeration pools with numpy.mean by default"
        entry ClassKind.Function "numpy.median" [] []
        |> notImplemented "FeatureAgglomeration pools with numpy.mean only: leave pooling_func out"
    ]

    let private keras name kind parameters =
        entry kind ("tensorflow.keras." + name) [ "keras." + name ] parameters

    let private kerasParts = [
        keras "callbacks.EarlyStopping" ClassKind.KerasPart [
            p "monitor" T.String (str "val_loss")
            p "min_delta" T.Float (flt 0.0)
            p "patience" T.Int (int 0)
            p "verbose" T.Int (int 0)
            p "mode" (T.OneOf [ "auto"; "min"; "max" ]) (str "auto")
            p "baseline" (nullable T.Float) nul
            p "restore_best_weights" T.Bool no
            p "start_from_epoch" T.Int (int 0)
        ]
        keras "models.Sequential" ClassKind.KerasPart [
            p "layers" (nullable T.StepList) nul
            p "name" (nullable T.String) nul
        ]
        keras "layers.Dense" ClassKind.KerasPart [
            req "units" T.Int
            p "activation" (nullable T.String) nul
            p "use_bias" T.Bool yes
            p "input_dim" (nullable T.Int) nul
            p "input_shape" (nullable (T.ListOf T.Int)) nul
            p "kernel_regularizer" (nullable T.Estimator) nul
            p "activity_regularizer" (nullable T.Estimator) nul
        ]
        keras "layers.LSTM" ClassKind.KerasPart [
            req "units" T.Int
            p "activation" (nullable T.String) (str "tanh")
            p "return_sequences" T.Bool no
            p "input_shape" (nullable (T.ListOf T.Int)) nul
        ]
        keras "layers.Dropout" ClassKind.KerasPart [ req "rate" T.Float ]
        keras "optimizers.Adam" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "beta_1" T.Float (flt 0.9)
            p "beta_2" T.Float (flt 0.999)
            p "epsilon" T.Float (flt 1e-07)
            p "amsgrad" T.Bool no
        ]
        keras "optimizers.SGD" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.01)
            p "momentum" T.Float (flt 0.0)
            p "nesterov" T.Bool no
        ]
        keras "optimizers.RMSprop" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "rho" T.Float (flt 0.9)
            p "momentum" T.Float (flt 0.0)
            p "epsilon" T.Float (flt 1e-07)
            p "centered" T.Bool no
        ]
        keras "optimizers.Adagrad" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "initial_accumulator_value" T.Float (flt 0.1)
            p "epsilon" T.Float (flt 1e-07)
        ]
        keras "optimizers.Adadelta" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "rho" T.Float (flt 0.95)
            p "epsilon" T.Float (flt 1e-07)
        ]
        keras "optimizers.Adamax" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "beta_1" T.Float (flt 0.9)
            p "beta_2" T.Float (flt 0.999)
            p "epsilon" T.Float (flt 1e-07)
        ]
        keras "optimizers.Nadam" ClassKind.KerasPart [
            p "learning_rate" T.Float (flt 0.001)
            p "beta_1" T.Float (flt 0.9)
            p "beta_2" T.Float (flt 0.999)
            p "epsilon" T.Float (flt 1e-07)
        ]
        keras "regularizers.L1" ClassKind.KerasPart [ p "l1" T.Float (flt 0.01) ]
        keras "regularizers.L2" ClassKind.KerasPart [ p "l2" T.Float (flt 0.01) ]
        |> notImplemented "the trainers apply tensorflow.keras.regularizers.L1 as a Dense activity_regularizer only"
    ]

    /// Every Gordo and Keras entry.
    let all: CatalogEntry list = networks @ detectors @ transformers @ kerasParts
