namespace Gordo.Core.Specs

/// A name a config may use outside class paths (a Keras optimizer or loss, a metric, a filter
/// method), with the other spellings Gordo accepts and whether it is built here.
type VocabularyEntry = {
    /// The canonical name (Keras' class or function name, scikit-learn's function name).
    Name: string
    /// Other accepted spellings (`mse`, `MSE`, `rmsprop`, ...).
    Aliases: string list
    /// Whether the back end implements it.
    Support: Support
}

/// The names of `optimizer`, `compile_kwargs.loss`, `evaluation.metrics` and
/// `filter_periods.filter_method`: the one table `gordo validate` checks and the back ends build
/// from (their tests walk every implemented entry).
[<RequireQualifiedAccess>]
module Vocabulary =
    let private named name aliases = {
        Name = name
        Aliases = aliases
        Support = Support.Implemented
    }

    let private missing name hint = {
        Name = name
        Aliases = []
        Support = Support.NotImplemented hint
    }

    let private optimizer (name: string) = named name [ name.ToLowerInvariant() ]

    /// Keras optimizers (Keras 3 names, parameters and defaults; `tensorflow.keras.optimizers.<Name>`).
    let optimizers: VocabularyEntry list =
        [ "Adam"; "SGD"; "RMSprop"; "Adagrad"; "Adadelta"; "Adamax"; "Nadam" ]
        |> List.map optimizer

    /// Keras losses by function name, with Keras' short names.
    let losses: VocabularyEntry list = [
        named "mean_squared_error" [ "mse"; "MSE" ]
        named "mean_absolute_error" [ "mae"; "MAE" ]
        named "mean_absolute_percentage_error" [ "mape"; "MAPE" ]
        named "mean_squared_logarithmic_error" [ "msle"; "MSLE" ]
        named "huber" [ "huber_loss" ]
        named "log_cosh" [ "logcosh" ]
    ]

    /// scikit-learn's regression metrics that `evaluation.metrics` may name (bare or
    /// `sklearn.metrics.<name>`); the first four are Gordo's default list.
    let metrics: VocabularyEntry list =
        let deviance name =
            missing name "use another regression metric (mean_squared_error, r2_score, ...)"

        [
            "explained_variance_score"
            "r2_score"
            "mean_squared_error"
            "mean_absolute_error"
            "median_absolute_error"
            "max_error"
            "mean_absolute_percentage_error"
            "mean_squared_log_error"
            "root_mean_squared_error"
            "root_mean_squared_log_error"
            "mean_pinball_loss"
            "d2_absolute_error_score"
            "d2_pinball_score"
        ]
        |> List.map (fun name -> named name [])
        |> fun implemented ->
            implemented
            @ [
                deviance "mean_poisson_deviance"
                deviance "mean_gamma_deviance"
                deviance "mean_tweedie_deviance"
                deviance "d2_tweedie_score"
            ]

    /// gordo-core's `filter_periods.filter_method` values.
    let filterMethods: VocabularyEntry list = [
        named "median" []
        named "quantile" []
        named "iforest" []
        named "all" []
    ]

    /// The entry a name or alias denotes in a table.
    let tryFind (table: VocabularyEntry list) (name: string) : VocabularyEntry option =
        table |> List.tryFind (fun e -> e.Name = name || List.contains name e.Aliases)

    /// Every spelling of a table (for suggestions).
    let spellings (table: VocabularyEntry list) : string list =
        table |> List.collect (fun e -> e.Name :: e.Aliases)

    /// The implemented entries of a table.
    let implemented (table: VocabularyEntry list) : VocabularyEntry list =
        table |> List.filter (fun e -> e.Support = Support.Implemented)

    /// The bare metric name of a metric reference (`sklearn.metrics.r2_score` and
    /// `sklearn.metrics._regression.r2_score` → `r2_score`), if it is in the table.
    let tryMetric (reference: string) : VocabularyEntry option =
        let bare = reference.Substring(reference.LastIndexOf '.' + 1)

        let pathOk =
            not (reference.Contains '.')
            || reference = "sklearn.metrics." + bare
            || reference = "sklearn.metrics._regression." + bare

        if pathOk then tryFind metrics bare else None

    /// The catalog path of a Keras optimizer entry.
    let optimizerPath (entry: VocabularyEntry) : string =
        "tensorflow.keras.optimizers." + entry.Name
