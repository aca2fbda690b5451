namespace Gordo.Models.Definitions

open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Preprocessing
open Gordo.Models.Decomposition
open Gordo.Models.Linear
open Gordo.Models.Composition
open Gordo.Models.Selection

/// A catalog class kept as configuration only (Keras layers, optimizers, callbacks,
/// regularisers): the network that owns it reads its arguments.
type internal ConfigPart(classPath: string, args: (string * Arg) list) =
    inherit Estimator(classPath, args)
    override _.IsFitted = true
    override _.Fit(_, _) = ()

    override this.Clone() =
        ConfigPart(classPath, Args.clone this.Args)

    override _.SaveState() = State.Empty
    override _.LoadState _ = ()

/// `from_definition` (spec §2.1) and `into_definition` (spec §2.2) over the model catalog.
[<RequireQualifiedAccess>]
module Definition =
    /// Builds a class from its arguments; networks take their seed and anomaly detectors their
    /// target names from the context, at construction.
    type private Constructor = ModelContext -> (string * Arg) list -> Estimator

    let private plain (make: (string * Arg) list -> Estimator) : Constructor = fun _ args -> make args

    let private sklearn: (string * Constructor) list = [
        "sklearn.preprocessing.MinMaxScaler", plain (fun a -> MinMaxScaler a)
        "sklearn.preprocessing.StandardScaler", plain (fun a -> StandardScaler a)
        "sklearn.preprocessing.RobustScaler", plain (fun a -> RobustScaler a)
        "sklearn.preprocessing.FunctionTransformer", plain (fun a -> FunctionTransformer a)
        "sklearn.decomposition.PCA", plain (fun a -> Pca a)
        "sklearn.decomposition.TruncatedSVD", plain (fun a -> TruncatedSvd a)
        "sklearn.impute.SimpleImputer", plain (fun a -> SimpleImputer a)
        "gordo.machine.model.transformers.imputer.InfImputer", plain (fun a -> InfImputer a)
        "sklearn.linear_model.LinearRegression", plain (fun a -> LinearRegression a)
        "sklearn.cluster.FeatureAgglomeration", plain (fun a -> Cluster.FeatureAgglomeration a)
        "sklearn.ensemble.RandomForestRegressor", (fun c a -> Ensemble.RandomForestRegressor(a, Seed = c.Seed))
        "sklearn.multioutput.MultiOutputRegressor", plain (fun a -> MultiOutputRegressor a)
        "sklearn.compose.TransformedTargetRegressor", plain (fun a -> TransformedTargetRegressor a)
        "sklearn.pipeline.Pipeline", plain (fun a -> Pipeline a)
        "sklearn.pipeline.FeatureUnion", plain (fun a -> FeatureUnion a)
        "sklearn.compose.ColumnTransformer", plain (fun a -> ColumnTransformer a)
        "sklearn.model_selection.TimeSeriesSplit", plain (fun a -> TimeSeriesSplit a)
        "sklearn.model_selection.KFold", plain (fun a -> KFold a)
        "sklearn.model_selection.ShuffleSplit", plain (fun a -> ShuffleSplit a)
        "gordo.machine.model.models.KerasAutoEncoder", (fun c a -> Networks.KerasAutoEncoder(a, Seed = c.Seed))
        "gordo.machine.model.models.KerasLSTMAutoEncoder", (fun c a -> Networks.KerasLSTMAutoEncoder(a, Seed = c.Seed))
        "gordo.machine.model.models.KerasLSTMForecast", (fun c a -> Networks.KerasLSTMForecast(a, Seed = c.Seed))
        "gordo.machine.model.models.KerasRawModelRegressor",
        (fun c a -> Networks.KerasRawModelRegressor(a, Seed = c.Seed))
        "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
        (fun c a -> Anomaly.DiffBasedAnomalyDetector(a, TargetNames = c.TargetNames))
        "gordo.machine.model.anomaly.diff.DiffBasedKFCVAnomalyDetector",
        (fun c a -> Anomaly.DiffBasedKFCVAnomalyDetector(a, TargetNames = c.TargetNames))
    ]

    let private constructors = dict sklearn

    let private entryOf (path: string) =
        match Catalog.tryFind path with
        | Some e -> e
        | None ->
            raise (
                ModelDefinitionException(
                    $"internal error: '%s{path}' is not in the model catalog (gordo validate should have caught it)"
                )
            )

    let private stepsKey (path: string) =
        match path with
        | "sklearn.pipeline.FeatureUnion" -> "transformer_list"
        | "tensorflow.keras.models.Sequential" -> "layers"
        | _ -> "steps"

    let rec private construct (context: ModelContext) (spec: ModelSpec) : Estimator =
        match spec with
        | ModelSpec.Literal text -> LiteralStep text
        | ModelSpec.Steps(path, steps) ->
            construct
                context
                (ModelSpec.Class(path, [ stepsKey path, Parameter.Items(steps |> List.map Parameter.Model) ]))
        | ModelSpec.Class(path, parameters) ->
            let entry = entryOf path

            if entry.Kind = ClassKind.Function then
                FunctionReference entry.Path
            else
                let given = parameters |> List.map (fun (k, p) -> k, argOf context p)
                // Keras wrappers and parts keep only the given kwargs (their into_definition hook
                // writes those back, as Gordo does); everything else is fully expanded.
                let expanded =
                    match entry.Kind with
                    | ClassKind.Network
                    | ClassKind.KerasPart -> given
                    | _ -> Args.withDefaults entry.Path given

                let args = expanded |> List.map (buildDefault context entry)

                match constructors.TryGetValue entry.Path with
                | true, make -> make context args
                | _ when entry.Kind = ClassKind.KerasPart -> ConfigPart(entry.Path, args)
                | _ ->
                    raise (
                        ModelDefinitionException(
                            $"'%s{entry.Path}' is in the catalog but has no .NET implementation yet"
                        )
                    )

    and private argOf (context: ModelContext) (parameter: Parameter) : Arg =
        match parameter with
        | Parameter.Plain v -> Arg.Plain v
        | Parameter.Model m -> Arg.Model(construct context m)
        | Parameter.Items items -> Arg.Items(items |> List.map (argOf context))

    /// Catalog defaults that name estimators (`scaler: sklearn...MinMaxScaler`) are built too.
    and private buildDefault (context: ModelContext) (entry: CatalogEntry) (name: string, arg: Arg) : string * Arg =
        let isEstimator =
            match Catalog.tryParameter entry name with
            | Some p ->
                match p.Type with
                | ParameterType.Estimator
                | ParameterType.Nullable ParameterType.Estimator -> true
                | _ -> false
            | None -> false

        match arg with
        | Arg.Plain(Value.String _ as v)
        | Arg.Plain(Value.Map [ _ ] as v) when isEstimator -> name, Arg.Model(construct context (SpecValue.toSpec v))
        | _ -> name, arg

    /// Builds the model a definition describes (spec §2.1) in a context: every network in it is
    /// seeded with `context.Seed`, every anomaly detector names its targets `context.TargetNames`,
    /// and the model knows X's column names when `context.InputNames` gives them.
    let build (context: ModelContext) (spec: ModelSpec) : Estimator =
        let model = construct context spec

        if context.InputNames.Length > 0 then
            model.BindColumnNames context.InputNames

        model

    /// Builds the model a definition describes (spec §2.1) in the empty context.
    let fromSpec (spec: ModelSpec) : Estimator = build ModelContext.empty spec

    /// Builds a model from its value form (`{class: params}`).
    let fromValue (definition: Value) : Estimator = fromSpec (SpecValue.toSpec definition)

    /// The fully expanded definition of a model (spec §2.2).
    let into (model: Estimator) : ModelSpec = model.Definition

    /// The fully expanded definition as a value.
    let intoValue (model: Estimator) : Value = SpecValue.ofSpec model.Definition

    /// A default-constructed catalog class (e.g. `Definition.create "sklearn.preprocessing.MinMaxScaler" []`).
    let create (classPath: string) (parameters: (string * Value) list) : Estimator =
        fromSpec (ModelSpec.Class(classPath, parameters |> List.map (fun (k, v) -> k, Parameter.Plain v)))
