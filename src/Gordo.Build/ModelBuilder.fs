namespace Gordo.Build

open System
open System.Diagnostics
open System.IO
open System.Threading
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Models.Scoring
open Gordo.Models.Selection

/// What a build is doing (for progress displays).
[<RequireQualifiedAccess>]
type BuildEvent =
    /// Fetching the data.
    | FetchingData
    /// The data is ready: rows and input tags of X, and seconds taken.
    | DataReady of rows: int * tags: int * seconds: float
    /// Cross-validating over this many folds.
    | CrossValidating of folds: int
    /// Fitting the final model on all rows.
    | Fitting
    /// Writing the model directory.
    | Saving of path: string
    /// A fold started or an epoch finished.
    | Training of TrainingSignal
    /// The build cache has this model: it is copied, not rebuilt.
    | CacheHit of path: string
    /// The registry pointed at a directory that is missing or not a loadable model (ignored).
    | StaleCacheEntry of path: string

/// A built (or cross-validated) machine.
type BuiltModel = {
    /// The machine.
    Machine: Machine
    /// The model (unfitted with `cross_val_only`).
    Model: Estimator
    /// metadata.json (spec §4.7).
    Metadata: Value
    /// Cross-validation results (None with `build_only`).
    CrossValidation: CrossValidationResult option
    /// Where the model was written (None with `cross_val_only` or without an output directory).
    OutputDirectory: string option
    /// Total build seconds.
    DurationSeconds: float
    /// The build cache key (spec §4.6), when caching was used.
    CacheKey: string option
    /// True when the model came from the build cache (no data fetched, nothing trained).
    FromCache: bool
}

/// Gordo's ModelBuilder (spec §4.1, §4.2): data, model, cross-validation, fit, metadata, save.
[<RequireQualifiedAccess>]
module ModelBuilder =
    let private seconds (sw: Stopwatch) = sw.Elapsed.TotalSeconds

    let private attempt (f: unit -> 'T) : Result<'T, BuildError> =
        try
            Ok(f ())
        with
        | :? OperationCanceledException -> Error BuildError.Cancelled
        | e -> Error(BuildError.Model e)

    let private fetch (machine: Machine) (cancel: CancellationToken) =
        DataProviderRegistry.forDataset machine.Dataset
        |> Result.mapError BuildError.Provider
        |> Result.bind (fun provider ->
            DatasetRequest.ofConfig machine.Dataset
            |> Result.mapError BuildError.Data
            |> Result.bind (fun request ->
                try
                    (Dataset.getDataAsync provider request cancel).GetAwaiter().GetResult()
                    |> Result.mapError BuildError.Data
                with :? OperationCanceledException ->
                    Error BuildError.Cancelled))

    let private splitter (spec: ModelSpec) : Result<Splitter, BuildError> =
        attempt (fun () -> Definition.fromSpec spec)
        |> Result.bind (function
            | :? Splitter as s -> Ok s
            | other -> Error(BuildError.NotASplitter other.ClassPath))

    let private scale (evaluation: Evaluation) (y: Matrix) : Result<Matrix -> Matrix, BuildError> =
        match evaluation.ScoringScaler with
        | None -> Ok id
        | Some spec ->
            attempt (fun () ->
                let scaler = Definition.fromSpec spec
                scaler.Fit(y, y)
                scaler.Transform)

    let private crossValidate (model: Estimator) (data: DatasetResult) (metrics: Metric list) (s: Splitter) scaler =
        let x, y = Matrix.ofColumns data.X.Data, Matrix.ofColumns data.Y.Data
        let sw = Stopwatch.StartNew()

        attempt (fun () ->
            let folds =
                match model with
                | :? DiffDetector as d -> d.CrossValidate(x, y, Some s)
                | _ -> FoldResult.ofSplits model x y s

            {
                Scores = CrossValidation.scores (CrossValidation.scorers metrics data.Y.Columns) scaler folds
                Splits = CrossValidation.splits (Frame.timestamps data.X) (folds |> List.map _.Split)
                DurationSeconds = seconds sw
            })

    /// Runs cross-validation when the mode asks for it and the model predicts (spec §4.2 step 4).
    let private evaluate (input: BuildInput) (model: Estimator) (data: DatasetResult) progress =
        let evaluation = input.Machine.Evaluation

        if evaluation.CvMode = CvMode.BuildOnly || not model.CanPredict then
            Ok None
        else
            Metrics.resolve evaluation.Metrics
            |> Result.bind (fun metrics ->
                splitter evaluation.Cv
                |> Result.bind (fun s ->
                    progress (BuildEvent.CrossValidating(s.Split(Frame.length data.X).Length))

                    scale evaluation (Matrix.ofColumns data.Y.Data)
                    |> Result.bind (crossValidate model data metrics s)
                    |> Result.map Some))

    let private fit (model: Estimator) (data: DatasetResult) : Result<float * int, BuildError> =
        let x, y = Matrix.ofColumns data.X.Data, Matrix.ofColumns data.Y.Data
        let sw = Stopwatch.StartNew()

        // model_offset (spec §4.2 step 6) is len(X) − len(predict(X)); every model declares it
        // (LSTM wrappers: lookback_window − 1 + lookahead), so the training set is not predicted.
        attempt (fun () ->
            model.Fit(x, y)
            seconds sw, model.Offset)

    /// Removes what a failed atomic save may have left next to the target directory.
    let private cleanTemp (directory: string) =
        let target = Path.GetFullPath directory

        try
            AtomicPath.clean (Path.GetDirectoryName target) (Some(Path.GetFileName target))
        with
        | :? IOException
        | :? UnauthorizedAccessException -> ()

    /// Writes a model directory atomically; on failure removes the temporary directory.
    let internal save (directory: string) (model: Estimator) (metadata: Value) : Result<string, BuildError> =
        try
            Artifact.save directory model metadata
            Ok(Path.GetFullPath directory)
        with e ->
            cleanTemp directory
            Error(BuildError.Output(directory, e))

    let private facts (data: DatasetResult) (queried: float) (cv: CrossValidationResult option) = {
        QueryDurationSeconds = Some queried
        DatasetMeta = BuildMetadata.datasetMeta data
        TrainingProfile =
            DataQuality.profile data.X.Columns data.X.Data data.X.Index
            |> DataQuality.toValue
        CrossValidation = cv
        TrainingSeconds = None
        Offset = 0
        Created = None
        ModelMeta = []
    }

    /// Fits, describes and (with an output directory) saves a cross-validated model.
    let private finish input (model: Estimator) data outputDirectory progress (start: Stopwatch) baseFacts =
        progress BuildEvent.Fitting

        fit model data
        |> Result.bind (fun (trainSeconds, offset) ->
            let metadata =
                BuildMetadata.machine input (Definition.intoValue model) {
                    baseFacts with
                        TrainingSeconds = Some trainSeconds
                        Offset = offset
                        Created = Some DateTimeOffset.Now
                        ModelMeta = model.Metadata()
                }

            match outputDirectory with
            | None -> Ok(metadata, None)
            | Some dir ->
                progress (BuildEvent.Saving dir)
                save dir model metadata |> Result.map (fun path -> metadata, Some path))
        |> Result.map (fun (metadata, path) -> {
            Machine = input.Machine
            Model = model
            Metadata = metadata
            CrossValidation = baseFacts.CrossValidation
            OutputDirectory = path
            DurationSeconds = seconds start
            CacheKey = None
            FromCache = false
        })

    let private compileIn (context: ModelContext) (machine: Machine) : Result<Estimator, BuildError> =
        attempt (fun () -> Definition.build context machine.Model)

    /// Compiles a machine's model definition into an unfitted estimator whose networks carry the
    /// evaluation seed (no data: the model knows no column names).
    let internal compile (machine: Machine) : Result<Estimator, BuildError> =
        compileIn (ModelContext.seeded machine.Evaluation.Seed) machine

    /// The model of a machine built for its data: seeded, with X's and y's column names.
    let private compileFor (machine: Machine) (data: DatasetResult) : Result<Estimator, BuildError> =
        compileIn
            {
                Seed = machine.Evaluation.Seed
                InputNames = data.X.Columns
                TargetNames = data.Y.Columns
            }
            machine

    /// Builds one machine (spec §4.2): fetch data, compile the model, cross-validate per
    /// `evaluation.cv_mode`, fit, and write the model directory atomically when `outputDirectory`
    /// is given (never with `cross_val_only`). A failed build writes nothing.
    let build
        (input: BuildInput)
        (outputDirectory: string option)
        (progress: BuildEvent -> unit)
        (cancel: CancellationToken)
        : Result<BuiltModel, BuildError> =
        let start = Stopwatch.StartNew()
        let machine = input.Machine
        use _ = Progress.scope (BuildEvent.Training >> progress) cancel
        progress BuildEvent.FetchingData

        fetch machine cancel
        |> Result.bind (fun data ->
            let queried = seconds start
            progress (BuildEvent.DataReady(Frame.length data.X, data.X.Columns.Length, queried))

            compileFor machine data
            |> Result.bind (fun model ->
                if cancel.IsCancellationRequested then
                    Error BuildError.Cancelled
                else
                    evaluate input model data progress
                    |> Result.map (fun cv -> data, model, facts data queried cv)))
        |> Result.bind (fun (data, model, baseFacts) ->
            if cancel.IsCancellationRequested then
                Error BuildError.Cancelled
            elif machine.Evaluation.CvMode = CvMode.CrossValOnly then
                Ok {
                    Machine = machine
                    Model = model
                    Metadata = BuildMetadata.machine input (Definition.intoValue model) baseFacts
                    CrossValidation = baseFacts.CrossValidation
                    OutputDirectory = None
                    DurationSeconds = seconds start
                    CacheKey = None
                    FromCache = false
                }
            else
                finish input model data outputDirectory progress start baseFacts)
