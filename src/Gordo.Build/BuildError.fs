namespace Gordo.Build

open System
open System.IO
open Gordo.Core
open Gordo.Data
open Gordo.Models

/// Why a machine did not build.
[<RequireQualifiedAccess>]
type BuildError =
    /// The data provider could not be created from the dataset's `data_provider`.
    | Provider of ProviderError
    /// Fetching or preparing the data failed.
    | Data of DatasetError
    /// A metric in `evaluation.metrics` is not known.
    | UnknownMetric of name: string
    /// `evaluation.cv` is not a cross-validation splitter.
    | NotASplitter of classPath: string
    /// Building, cross-validating or fitting the model failed.
    | Model of exn
    /// Writing the model directory failed.
    | Output of path: string * exn
    /// The build was cancelled.
    | Cancelled
    /// A reporter of `runtime.reporters` failed (Gordo's `ReporterException` family).
    | Reporter of typeName: string * message: string
    /// The output folder cannot be created or written (found before any data is fetched).
    | Unwritable of path: string * exn

    /// A one-line description (what failed and why).
    member this.Message: string =
        match this with
        | Provider e -> $"data provider: %s{e.Message}"
        | Data e -> $"data: %s{e.Message}"
        | UnknownMetric name ->
            $"evaluation.metrics: unknown metric '%s{name}'; use explained_variance_score, r2_score, mean_squared_error, mean_absolute_error (or their sklearn.metrics paths)"
        | NotASplitter path ->
            $"evaluation.cv: '%s{path}' is not a cross-validation splitter (use e.g. sklearn.model_selection.TimeSeriesSplit)"
        | Model e -> $"model: %s{e.Message}"
        | Output(path, e) when IoFailure.isDiskFull e ->
            $"no space left on device while writing the model to '%s{path}': free space on that filesystem or choose another output directory (any previous model there is unchanged)"
        | Output(path, e) -> $"cannot write the model to '%s{path}': %s{e.Message}"
        | Cancelled -> "the build was cancelled before the model was written (any previous model is unchanged)"
        | Reporter(_, message) -> message
        | Unwritable(path, _) when File.Exists path ->
            $"cannot write to the output folder '%s{path}': it is a file, not a directory; choose another output folder (nothing was fetched or trained)"
        | Unwritable(path, e) ->
            $"cannot write to the output folder '%s{path}': %s{e.Message}; fix its permissions or choose another output folder (nothing was fetched or trained)"

    /// The Gordo exception type name this failure corresponds to (exception report `type`).
    member this.TypeName: string =
        match this with
        | Provider(ProviderError.UnknownProvider _) -> "NoSuitableDataProviderError"
        | Provider(ProviderError.File(FileError.NotFound _))
        | Data(DatasetError.Provider(ProviderError.File(FileError.NotFound _))) -> "FileNotFoundError"
        | Provider _ -> "ConfigException"
        | Data(DatasetError.InvalidSetting _) -> "ValueError"
        | Data(DatasetError.MissingData _) -> "InsufficientDataError"
        | Data(DatasetError.EmptyGenerated _) -> "EmptyGeneratedDataframeError"
        | Data(DatasetError.KnownPeriodsEmpty _) -> "KnownPeriodsEmptyDataError"
        | Data(DatasetError.RowFilterEmpty _) -> "RowFilterEmptyDataError"
        | Data(DatasetError.NuisanceEmpty _) -> "NuisanceEmptyDataError"
        | Data _ -> "DataError"
        | UnknownMetric _ -> "AttributeError"
        | NotASplitter _ -> "ValueError"
        | Model(:? ModelDefinitionException) -> "ImportError"
        | Model(:? ModelInputException) -> "ValueError"
        | Model e -> e.GetType().Name
        | Output(_, (:? UnauthorizedAccessException))
        | Unwritable _ -> "PermissionError"
        | Output(_, e) when IoFailure.isReadOnly e -> "PermissionError"
        | Output(_, e) when IoFailure.isDiskFull e -> "OSError"
        | Output(_, e) -> e.GetType().Name
        | Cancelled -> "KeyboardInterrupt"
        | Reporter(typeName, _) -> typeName

    /// The process exit code of spec §6.5 for this failure.
    member this.ExitCode: int =
        match this.TypeName with
        | "PermissionError" -> 20
        | "FileNotFoundError" -> 30
        | "NoSuitableDataProviderError" -> 70
        | "InsufficientDataError"
        | "EmptyGeneratedDataframeError"
        | "KnownPeriodsEmptyDataError"
        | "RowFilterEmptyDataError"
        | "NuisanceEmptyDataError" -> 80
        | "ImportError" -> 85
        | "ReporterException"
        | "PostgresReporterException"
        | "MlflowLoggingError" -> 90
        | "ConfigException" -> 100
        | "ValueError" -> 2
        | "KeyboardInterrupt" -> 130
        | _ -> 1
