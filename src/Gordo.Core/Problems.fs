namespace Gordo.Core

open Gordo.Core.Yaml

/// Every problem the config compiler can report. Each case has a stable code, a message and a hint
/// (see `Problem.describe`); diagnostics are built from a problem and the node it concerns.
[<RequireQualifiedAccess>]
type Problem =
    // Reading and YAML syntax (GORDO00xx)
    | YamlSyntax of message: string
    | InvalidEncoding of byteOffset: int64
    | FileTooLarge of bytes: int64 * limit: int64
    | EmptyDocument
    | DuplicateKey of key: string * firstLine: int
    | TooDeep of limit: int
    | TooManyNodes of limit: int
    | FileNotReadable of reason: string
    | MultipleDocuments
    | ComplexKey
    | MissingTimezoneInYaml of text: string
    // Config structure and values (GORDO01xx)
    | WrongType of expected: string * found: string
    | MissingKey of key: string
    | InvalidName of value: string
    | NameTooLong of value: string * length: int
    | HostTooLong of host: string
    | DuplicateMachine of name: string * firstLine: int
    | MissingTimezone of value: string
    | InvalidTimestamp of value: string
    | StartNotBeforeEnd of start: string * finish: string
    | EmptyTags
    | NonIntegerResource of value: string
    | InvalidResolution of value: string * reason: string
    | InvalidInterpolationMethod of value: string
    | InvalidInterpolationLimit of value: string * reason: string
    | MissingDataProvider
    | MissingDataProviderType
    | UnknownDataProvider of name: string * suggestion: string option
    | UnknownKey of key: string * section: string * suggestion: string option
    | ModelEmpty
    | GlobalDatasetOverride of key: string
    | DefaultTagAndAsset
    | FilterPeriodsNeedResolution
    | InvalidFilterMethod of value: string
    | InvalidExpression of expression: string * message: string
    | UnknownDatasetType of name: string
    | InvalidProjectName of value: string
    | ConflictingTag of name: string
    | LimitRaised of resource: string * request: int64 * limit: int64
    | UnknownCvMode of value: string * suggestion: string option
    | UnknownMetric of name: string * suggestion: string option
    | InvalidTagField of field: string
    | UnsupportedReporter of path: string
    | UnknownReporter of path: string
    | RemoteLoggingUnsupported
    | MetricNotImplemented of name: string * hint: string
    | FilterMethodNotImplemented of name: string * hint: string
    | InvalidEventSetting of key: string * value: string * reason: string
    | EventOffAboveOn of off: float * on: float
    // Model definitions (GORDO02xx)
    | UnknownModelClass of path: string * suggestion: string option
    | UnknownModelParameter of classPath: string * parameter: string * suggestion: string option
    | ModelParameterType of classPath: string * parameter: string * expected: string * found: string
    | LegacyClassPath of legacy: string * current: string
    | InvalidModelStep of found: string
    | MissingModelParameter of classPath: string * parameter: string
    | InvalidModelParameterValue of classPath: string * parameter: string * message: string
    | NotAnEstimator of path: string * expectedKind: string
    | IgnoredModelParameter of classPath: string * parameter: string * suggestion: string option
    | ClassNotImplemented of path: string * hint: string
    | UnknownOptimizer of name: string * hint: string option
    | UnknownLoss of name: string * suggestion: string option
    | BaseEstimatorCannotPredict of detector: string * last: string

/// Codes, messages and hints of problems.
[<RequireQualifiedAccess>]
module Problem =
    let private didYouMean (suggestion: string option) =
        suggestion |> Option.map (sprintf "did you mean '%s'?")

    let private readProblem (problem: Problem) =
        match problem with
        | Problem.YamlSyntax message -> "GORDO0001", sprintf "YAML syntax error: %s" message, None
        | Problem.InvalidEncoding offset ->
            "GORDO0002",
            sprintf "the file is not valid UTF-8 (first bad byte at offset %d)" offset,
            Some "save the file as UTF-8"
        | Problem.FileTooLarge(bytes, limit) ->
            "GORDO0003",
            sprintf "the file is %d bytes; configs are limited to %d bytes" bytes limit,
            Some "split the project into several configs"
        | Problem.EmptyDocument -> "GORDO0004", "the config is empty", Some "a config needs a 'machines:' list"
        | Problem.DuplicateKey(key, line) ->
            "GORDO0005", sprintf "duplicate key '%s' (first defined on line %d)" key line, Some "remove one of them"
        | Problem.TooDeep limit -> "GORDO0006", sprintf "the document nests deeper than %d levels" limit, None
        | Problem.TooManyNodes limit ->
            "GORDO0007",
            sprintf "the document expands to more than %d nodes (alias expansion?)" limit,
            Some "avoid deeply repeated YAML aliases"
        | Problem.FileNotReadable reason -> "GORDO0008", sprintf "cannot read the config: %s" reason, None
        | Problem.MultipleDocuments ->
            "GORDO0009", "the file holds several YAML documents; a config is one document", None
        | Problem.ComplexKey -> "GORDO0010", "mapping keys must be plain scalars", None
        | Problem.MissingTimezoneInYaml text ->
            "GORDO0011",
            sprintf "timestamp '%s' has no timezone" text,
            Some(sprintf "for UTC write %sZ or %s+00:00" text text)
        | _ -> "", "", None

    let private configProblem (problem: Problem) =
        match problem with
        | Problem.WrongType(expected, found) -> "GORDO0100", sprintf "expected %s, found %s" expected found, None
        | Problem.MissingKey key -> "GORDO0101", sprintf "'%s' is required" key, None
        | Problem.InvalidName value ->
            "GORDO0103",
            sprintf "'%s' is not a valid Gordo url value. Only lower-case alphanumeric with dashes allowed." value,
            Some "use lower-case letters, digits and '-', starting and ending with a letter or digit"
        | Problem.NameTooLong(value, length) ->
            "GORDO0104",
            sprintf "'%s' is %d chars; it should be less than 63 chars (Kubernetes DNS label)" value length,
            None
        | Problem.HostTooLong host ->
            "GORDO0105",
            sprintf "server host name '%s' is longer than 63 chars" host,
            Some "project name and machine name together must be at most 50 chars"
        | Problem.DuplicateMachine(name, line) ->
            "GORDO0106",
            sprintf "machine name '%s' is already used on line %d" name line,
            Some "machine names must be unique"
        | Problem.MissingTimezone value ->
            "GORDO0107",
            sprintf
                "'%s' has no timezone: must provide an ISO formatted datetime string with timezone information"
                value,
            Some(sprintf "for UTC write %sZ or %s+00:00" value value)
        | Problem.InvalidTimestamp value ->
            "GORDO0108", sprintf "'%s' is not an ISO-8601 date-time" value, Some "e.g. 2020-01-01T00:00:00+00:00"
        | Problem.StartNotBeforeEnd(start, finish) ->
            "GORDO0109", sprintf "train_end_date (%s) must be after train_start_date (%s)" finish start, None
        | Problem.EmptyTags -> "GORDO0110", "requires setting a non-empty list of tags", None
        | Problem.NonIntegerResource value ->
            "GORDO0111",
            sprintf "resource descriptions must be integers, and '%s' is not" value,
            Some "memory is in megabytes and cpu in millicores, written without units"
        | Problem.InvalidResolution(value, reason) ->
            "GORDO0112", sprintf "invalid resolution '%s': %s" value reason, None
        | Problem.InvalidInterpolationMethod value ->
            "GORDO0113", sprintf "interpolation method '%s' should be either linear_interpolation or ffill" value, None
        | Problem.InvalidInterpolationLimit(value, reason) ->
            "GORDO0114", sprintf "invalid interpolation_limit '%s': %s" value reason, None
        | Problem.MissingDataProvider ->
            "GORDO0115",
            "data_provider is empty. Make sure data_provider.type is also specified.",
            Some "add 'data_provider: {type: ...}' to the dataset, or pass --default-data-provider"
        | Problem.MissingDataProviderType -> "GORDO0116", "data_provider.type is empty", None
        | Problem.UnknownDataProvider(name, suggestion) ->
            "GORDO0117", sprintf "unable to find data provider '%s'" name, didYouMean suggestion
        | Problem.UnknownKey(key, section, suggestion) ->
            "GORDO0118", sprintf "unknown key '%s' in %s (ignored)" key section, didYouMean suggestion
        | Problem.ModelEmpty -> "GORDO0119", "model is empty", Some "give the machine a 'model:' or set 'globals.model'"
        | Problem.GlobalDatasetOverride key ->
            "GORDO0120",
            sprintf "globals.dataset.%s overrides this machine's value (Gordo gives globals priority for datasets)" key,
            Some "remove the key from one of the two places"
        | _ -> "", "", None

    let private valueProblem (problem: Problem) =
        match problem with
        | Problem.DefaultTagAndAsset -> "GORDO0121", "default_tag and asset can not be specified simultaneously", None
        | Problem.FilterPeriodsNeedResolution ->
            "GORDO0122", "'resolution' field should be provided along with 'filter_periods'", None
        | Problem.InvalidFilterMethod value ->
            "GORDO0123", sprintf "filter_method '%s' is not one of median, quantile, iforest, all" value, None
        | Problem.InvalidExpression(expression, message) ->
            "GORDO0124", sprintf "invalid expression '%s': %s" expression message, None
        | Problem.UnknownDatasetType name ->
            "GORDO0125",
            sprintf "dataset type '%s' is not supported" name,
            Some "use TimeSeriesDataset or RandomDataset"
        | Problem.InvalidProjectName value ->
            "GORDO0126",
            sprintf
                "project name '%s' is not a valid Gordo url value. Only lower-case alphanumeric with dashes allowed."
                value,
            None
        | Problem.ConflictingTag name -> "GORDO0127", sprintf "tag '%s' is given twice with different fields" name, None
        | Problem.LimitRaised(resource, request, limit) ->
            "GORDO0128",
            sprintf "%s limit %d is below the request %d; the limit is raised to %d" resource limit request request,
            None
        | Problem.UnknownCvMode(value, suggestion) ->
            "GORDO0129",
            sprintf "cv_mode '%s' is not one of full_build, cross_val_only, build_only (treated as build_only)" value,
            didYouMean suggestion
        | Problem.UnknownMetric(name, suggestion) ->
            "GORDO0130", sprintf "unknown metric '%s'" name, didYouMean suggestion
        | Problem.InvalidTagField field -> "GORDO0131", sprintf "tag field '%s' must be a string" field, None
        | Problem.UnsupportedReporter path ->
            "GORDO0132",
            sprintf "%s is not available in Gordo for .NET: there is no MLflow or AzureML server to report to" path,
            Some "remove it; builds report to PostgreSQL with gordo.reporters.postgres.PostgresReporter"
        | Problem.UnknownReporter path ->
            "GORDO0133",
            sprintf "unknown reporter '%s'" path,
            Some "the reporter Gordo for .NET runs is gordo.reporters.postgres.PostgresReporter"
        | Problem.RemoteLoggingUnsupported ->
            "GORDO0134",
            "remote logging (MLflow) is not available in Gordo for .NET; every build would fail after training",
            Some "set runtime.builder.remote_logging.enable to false, or remove it"
        | Problem.MetricNotImplemented(name, hint) ->
            "GORDO0135", sprintf "metric '%s' is not implemented in Gordo for .NET" name, Some hint
        | Problem.FilterMethodNotImplemented(name, hint) ->
            "GORDO0136", sprintf "filter_method '%s' is not implemented in Gordo for .NET" name, Some hint
        | Problem.InvalidEventSetting(key, value, reason) ->
            "GORDO0137",
            sprintf "events.%s '%s' %s" key value reason,
            Some(
                if key.EndsWith "_gap" || key.EndsWith "_duration" then
                    "write a non-negative pandas Timedelta such as '30min', '2H' or '1D'"
                elif key = "top_tags" then
                    "write a whole number of at least 1, e.g. 3"
                else
                    "write a positive multiple of the model's threshold, e.g. on: 1.5, off: 0.8"
            )
        | Problem.EventOffAboveOn(off, on) ->
            "GORDO0138",
            sprintf "events.off (%g) is above events.on (%g): an event would end before it starts" off on,
            Some "make off at most on (hysteresis: on above the threshold, off below a fraction of it)"
        | _ -> "", "", None

    let private modelProblem (problem: Problem) =
        match problem with
        | Problem.UnknownModelClass(path, suggestion) ->
            "GORDO0200", sprintf "unknown model class '%s'" path, didYouMean suggestion
        | Problem.UnknownModelParameter(classPath, parameter, suggestion) ->
            "GORDO0201", sprintf "%s has no parameter '%s'" classPath parameter, didYouMean suggestion
        | Problem.ModelParameterType(classPath, parameter, expected, found) ->
            "GORDO0202", sprintf "%s parameter '%s' expects %s, found %s" classPath parameter expected found, None
        | Problem.LegacyClassPath(legacy, current) ->
            "GORDO0203",
            sprintf "'%s' is a legacy class path; read as '%s'" legacy current,
            Some(sprintf "write '%s'" current)
        | Problem.InvalidModelStep found ->
            "GORDO0204", sprintf "expected a model step (a class path or a one-key mapping), found %s" found, None
        | Problem.MissingModelParameter(classPath, parameter) ->
            "GORDO0205", sprintf "%s requires parameter '%s'" classPath parameter, None
        | Problem.InvalidModelParameterValue(classPath, parameter, message) ->
            "GORDO0206", sprintf "%s parameter '%s': %s" classPath parameter message, None
        | Problem.NotAnEstimator(path, expectedKind) -> "GORDO0207", sprintf "'%s' is not %s" path expectedKind, None
        | Problem.IgnoredModelParameter(classPath, parameter, suggestion) ->
            "GORDO0208",
            sprintf
                "%s does not know parameter '%s'; it is passed on to the network and probably ignored"
                classPath
                parameter,
            didYouMean suggestion
        | Problem.ClassNotImplemented(path, hint) ->
            "GORDO0209",
            sprintf "'%s' is in Gordo's model catalog but not implemented in Gordo for .NET yet" path,
            Some hint
        | Problem.UnknownOptimizer(name, hint) ->
            "GORDO0210",
            sprintf "'%s' is not a Keras optimizer the .NET trainers implement" name,
            hint
            |> Option.orElse (Some "use Adam, SGD, RMSprop, Adagrad, Adadelta, Adamax or Nadam")
        | Problem.UnknownLoss(name, suggestion) ->
            "GORDO0211",
            sprintf "'%s' is not a Keras loss the .NET trainers implement (mse, mae, mape, msle, huber, log_cosh)" name,
            didYouMean suggestion
            |> Option.orElse (Some "use one of them, or its long name (mean_absolute_percentage_error, ...)")
        | Problem.BaseEstimatorCannotPredict(detector, last) ->
            "GORDO0212",
            sprintf
                "%s compares its base_estimator's predictions with the targets, but this base_estimator ends in '%s', which transforms and does not predict"
                detector
                last,
            Some
                "end it in a regressor or network (e.g. gordo.machine.model.models.KerasAutoEncoder or sklearn.linear_model.LinearRegression after the transformer)"
        | _ -> "", "", None

    /// The stable code, the message and the hint of a problem.
    let describe (problem: Problem) : string * string * string option =
        [ readProblem; configProblem; valueProblem; modelProblem ]
        |> List.map (fun describe -> describe problem)
        |> List.find (fun (code, _, _) -> code <> "")

    /// Warnings are problems that do not stop a build.
    let severity (problem: Problem) : Severity =
        match problem with
        | Problem.UnknownKey _
        | Problem.GlobalDatasetOverride _
        | Problem.LegacyClassPath _
        | Problem.IgnoredModelParameter _
        | Problem.LimitRaised _
        | Problem.UnknownCvMode _ -> Severity.Warning
        | _ -> Severity.Error

    /// Longest value a message quotes in full.
    let private EchoLimit = 100

    /// Quoted values longer than `EchoLimit` cut to their start and their length, so a hostile
    /// megabyte-long name or expression is not echoed back in full.
    let private capEchoes (text: string) : string =
        if text.Length <= EchoLimit then
            text
        else
            let out = System.Text.StringBuilder()
            let mutable from = 0
            let mutable opening = text.IndexOf '\''

            while opening >= 0 && opening + 1 < text.Length do
                let closing = text.IndexOf('\'', opening + 1)

                if closing < 0 then
                    opening <- -1
                else
                    let length = closing - opening - 1

                    if length > EchoLimit then
                        out.Append(text, from, opening + 1 + EchoLimit - from).Append($"...' (%d{length} characters)")
                        |> ignore

                        from <- closing + 1

                    opening <- text.IndexOf('\'', closing + 1)

            out.Append(text, from, text.Length - from).ToString()

    /// A diagnostic for a problem at a position and YAML path.
    let atPosition (position: Position) (path: string) (problem: Problem) : Diagnostic =
        let code, message, hint = describe problem
        let message, hint = capEchoes message, hint |> Option.map capEchoes

        {
            Code = code
            Severity = severity problem
            Message = message
            Hint = hint
            Position = position
            Path = path
        }

    /// A diagnostic for a problem in a node.
    let at (node: Node) (problem: Problem) : Diagnostic =
        atPosition node.Position node.Path problem

    /// A diagnostic for a problem in a whole file (no line).
    let inFile (file: string) (problem: Problem) : Diagnostic =
        atPosition { Position.none with File = file } "" problem
