namespace Gordo.Core.Specs

open Gordo.Core
open Gordo.Core.Specs.CatalogDsl

/// The scikit-learn classes of the catalog (parameters and defaults of scikit-learn 1.2-1.5).
module internal SklearnEntries =
    type T = ParameterType

    let private scalers = [
        entry ClassKind.Transformer "sklearn.preprocessing.MinMaxScaler" [ "sklearn.preprocessing._data.MinMaxScaler" ] [
            p "feature_range" (T.ListOf T.Float) (ints [ 0; 1 ])
            p "copy" T.Bool yes
            p "clip" T.Bool no
        ]
        |> legacy [ "sklearn.preprocessing.data.MinMaxScaler" ]
        entry ClassKind.Transformer "sklearn.preprocessing.StandardScaler" [
            "sklearn.preprocessing._data.StandardScaler"
        ] [ p "copy" T.Bool yes; p "with_mean" T.Bool yes; p "with_std" T.Bool yes ]
        |> legacy [ "sklearn.preprocessing.data.StandardScaler" ]
        entry ClassKind.Transformer "sklearn.preprocessing.RobustScaler" [ "sklearn.preprocessing._data.RobustScaler" ] [
            p "with_centering" T.Bool yes
            p "with_scaling" T.Bool yes
            p "quantile_range" (T.ListOf T.Float) (Value.List [ flt 25.0; flt 75.0 ])
            p "copy" T.Bool yes
            p "unit_variance" T.Bool no
        ]
        |> legacy [ "sklearn.preprocessing.data.RobustScaler" ]
        entry ClassKind.Transformer "sklearn.preprocessing.FunctionTransformer" [
            "sklearn.preprocessing._function_transformer.FunctionTransformer"
        ] [
            p "func" (nullable T.Function) nul
            p "inverse_func" (nullable T.Function) nul
            p "validate" T.Bool no
            p "accept_sparse" T.Bool no
            p "check_inverse" T.Bool yes
            p "feature_names_out" T.Any nul
            p "kw_args" (nullable T.Mapping) nul
            p "inv_kw_args" (nullable T.Mapping) nul
        ]
    ]

    let private decompositions = [
        entry ClassKind.Transformer "sklearn.decomposition.PCA" [ "sklearn.decomposition._pca.PCA" ] [
            p "n_components" (nullable (T.Either(T.Float, T.String))) nul
            p "copy" T.Bool yes
            p "whiten" T.Bool no
            p "svd_solver" (T.OneOf [ "auto"; "full"; "arpack"; "randomized" ]) (str "auto")
            p "tol" T.Float (flt 0.0)
            p "iterated_power" (T.Either(T.Int, T.String)) (str "auto")
            p "n_oversamples" T.Int (int 10)
            p "power_iteration_normalizer" (T.OneOf [ "auto"; "QR"; "LU"; "none" ]) (str "auto")
            p "random_state" (nullable T.Int) nul
        ]
        |> legacy [ "sklearn.decomposition.pca.PCA" ]
        entry ClassKind.Transformer "sklearn.decomposition.TruncatedSVD" [
            "sklearn.decomposition._truncated_svd.TruncatedSVD"
        ] [
            p "n_components" T.Int (int 2)
            p "algorithm" (T.OneOf [ "arpack"; "randomized" ]) (str "randomized")
            p "n_iter" T.Int (int 5)
            p "n_oversamples" T.Int (int 10)
            p "power_iteration_normalizer" (T.OneOf [ "auto"; "QR"; "LU"; "none" ]) (str "auto")
            p "random_state" (nullable T.Int) nul
            p "tol" T.Float (flt 0.0)
        ]
        |> legacy [ "sklearn.decomposition.truncated_svd.TruncatedSVD" ]
        entry ClassKind.Transformer "sklearn.impute.SimpleImputer" [ "sklearn.impute._base.SimpleImputer" ] [
            p "missing_values" T.Any (flt nan)
            p "strategy" (T.OneOf [ "mean"; "median"; "most_frequent"; "constant" ]) (str "mean")
            p "fill_value" T.Any nul
            p "copy" T.Bool yes
            p "add_indicator" T.Bool no
            p "keep_empty_features" T.Bool no
        ]
        entry ClassKind.Transformer "sklearn.cluster.FeatureAgglomeration" [
            "sklearn.cluster._agglomerative.FeatureAgglomeration"
        ] [
            p "n_clusters" (nullable T.Int) (int 2)
            p "metric" (T.OneOf [ "euclidean"; "l2" ]) (str "euclidean")
            p "memory" T.Any nul
            p "connectivity" (only nul "connectivity constraints are not implemented: leave it out") nul
            p "compute_full_tree" (T.Either(T.Bool, T.String)) (str "auto")
            p "linkage" (T.OneOf [ "ward"; "complete"; "average"; "single" ]) (str "ward")
            p "pooling_func" T.Function (str "numpy.mean")
            p "distance_threshold" (nullable T.Float) nul
            p "compute_distances" T.Bool no
        ]
    ]

    let private regressors = [
        entry ClassKind.Regressor "sklearn.linear_model.LinearRegression" [
            "sklearn.linear_model._base.LinearRegression"
        ] [
            p "fit_intercept" T.Bool yes
            p "copy_X" T.Bool yes
            p "n_jobs" (nullable T.Int) nul
            p "positive" T.Bool no
        ]
        |> legacy [ "sklearn.linear_model.base.LinearRegression" ]
        entry ClassKind.Regressor "sklearn.multioutput.MultiOutputRegressor" [] [
            req "estimator" T.Estimator
            p "n_jobs" (nullable T.Int) nul
        ]
        entry ClassKind.Regressor "sklearn.compose.TransformedTargetRegressor" [
            "sklearn.compose._target.TransformedTargetRegressor"
        ] [
            p "regressor" (nullable T.Estimator) nul
            p "transformer" (nullable T.Estimator) nul
            p "func" (nullable T.Function) nul
            p "inverse_func" (nullable T.Function) nul
            p "check_inverse" T.Bool yes
        ]
        entry ClassKind.Regressor "sklearn.ensemble.RandomForestRegressor" [
            "sklearn.ensemble._forest.RandomForestRegressor"
        ] [
            p "n_estimators" T.Int (int 100)
            p "criterion" (T.OneOf [ "squared_error" ]) (str "squared_error") // the only one implemented
            p "max_depth" (nullable T.Int) nul
            p "min_samples_split" (T.Either(T.Int, T.Float)) (int 2)
            p "min_samples_leaf" (T.Either(T.Int, T.Float)) (int 1)
            p "min_weight_fraction_leaf" T.Float (flt 0.0)
            p "max_features" T.Any (flt 1.0)
            p "max_leaf_nodes" (only nul "limiting leaves is not implemented: use max_depth") nul
            p "min_impurity_decrease" T.Float (flt 0.0)
            p "bootstrap" T.Bool yes
            p "oob_score" T.Bool no
            p "n_jobs" (nullable T.Int) nul
            p "random_state" (nullable T.Int) nul
            p "verbose" T.Int (int 0)
            p "warm_start" T.Bool no
            p
                "ccp_alpha"
                (only (flt 0.0) "cost-complexity pruning is not implemented: use max_depth or min_samples_leaf")
                (flt 0.0)
            p "max_samples" T.Any nul
        ]
    ]

    let private composites = [
        entry ClassKind.Composite "sklearn.pipeline.Pipeline" [] [
            req "steps" T.StepList
            p "memory" T.Any nul
            p "verbose" T.Bool no
        ]
        entry ClassKind.Composite "sklearn.pipeline.FeatureUnion" [] [
            req "transformer_list" T.StepList
            p "n_jobs" (nullable T.Int) nul
            p "transformer_weights" (nullable T.Mapping) nul
            p "verbose" T.Bool no
        ]
        entry ClassKind.Composite "sklearn.compose.ColumnTransformer" [
            "sklearn.compose._column_transformer.ColumnTransformer"
        ] [
            req "transformers" (T.ListOf T.Any)
            p "remainder" T.Any (str "drop")
            p "sparse_threshold" T.Float (flt 0.3)
            p "n_jobs" (nullable T.Int) nul
            p "transformer_weights" (nullable T.Mapping) nul
            p "verbose" T.Bool no
            p "verbose_feature_names_out" T.Bool yes
        ]
    ]

    let private splitters = [
        entry ClassKind.Splitter "sklearn.model_selection.TimeSeriesSplit" [
            "sklearn.model_selection._split.TimeSeriesSplit"
        ] [
            p "n_splits" T.Int (int 5)
            p "max_train_size" (nullable T.Int) nul
            p "test_size" (nullable T.Int) nul
            p "gap" T.Int (int 0)
        ]
        entry ClassKind.Splitter "sklearn.model_selection.KFold" [ "sklearn.model_selection._split.KFold" ] [
            p "n_splits" T.Int (int 5)
            p "shuffle" T.Bool no
            p "random_state" (nullable T.Int) nul
        ]
        entry ClassKind.Splitter "sklearn.model_selection.ShuffleSplit" [
            "sklearn.model_selection._split.ShuffleSplit"
        ] [
            p "n_splits" T.Int (int 10)
            p "test_size" (nullable T.Float) nul
            p "train_size" (nullable T.Float) nul
            p "random_state" (nullable T.Int) nul
        ]
    ]

    /// Every scikit-learn entry.
    let all: CatalogEntry list =
        scalers @ decompositions @ regressors @ composites @ splitters
