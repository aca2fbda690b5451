namespace Gordo.Workflow

open Gordo.Core

open System
open System.Collections.Generic
open System.Globalization
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.RegularExpressions

/// Where option values come from: the command line first, then the environment, then defaults.
[<NoEquality; NoComparison>]
type WorkflowOptionSources = {
    /// Values given on the command line, by long option name without `--`; a given switch has `"true"`.
    Arguments: IReadOnlyDictionary<string, string>
    /// Reads an environment variable.
    Environment: string -> string option
    /// The current time (the default project revision is its unix time in milliseconds).
    Now: DateTimeOffset
    /// This tool's version (the default `--gordo-version`, with `+` replaced by `_`).
    InstalledVersion: string
    /// The root command's `--log-level`, if given.
    LogLevel: string option
}

/// Resolves and checks `gordo workflow generate` options (spec §7.1); all problems are reported at once.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module WorkflowOptions =

    let private dnsLabel =
        Regex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.Compiled)

    let private labelValue =
        Regex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.Compiled)

    let private release =
        Regex(@"^(\d{1,5})(\.(\d+)(\.(\d+)(.*?)?)?)?$", RegexOptions.Compiled)

    let private sha = Regex(@"^[0-9a-z]{8,40}$", RegexOptions.Compiled)
    let private argoBinary = Regex(@"^argo\d*$", RegexOptions.Compiled)

    /// The imagePullPolicy Gordo derives from an image tag: `Always` for moving tags (`latest`,
    /// `stable`, `pr-N`, `X`, `X.Y`), `IfNotPresent` for fixed ones (`X.Y.Z...`, commit SHAs).
    let internal pullPolicyFor (version: string) : Result<string, string> =
        let m = release.Match version

        if version = "latest" || version = "stable" then
            Ok "Always"
        elif version.StartsWith "pr-" then
            match Int32.TryParse(version.Substring 3, NumberStyles.None, CultureInfo.InvariantCulture) with
            | true, _ -> Ok "Always"
            | _ -> Error $"Malformed gordo PR version '%s{version}'"
        elif m.Success then
            Ok(if m.Groups[5].Success then "IfNotPresent" else "Always")
        elif sha.IsMatch version then
            Ok "IfNotPresent"
        else
            Error $"Malformed gordo version '%s{version}'"

    /// Checks a label key (optional DNS-subdomain prefix, `/`, name of ≤ 63 characters).
    let internal validLabelKey (key: string) : bool =
        let prefix, name =
            match key.LastIndexOf '/' with
            | -1 -> "", key
            | i -> key.Substring(0, i), key.Substring(i + 1)

        name.Length > 0
        && name.Length <= 63
        && labelValue.IsMatch name
        && prefix.Length <= 253
        && (prefix = "" || prefix.Split '.' |> Array.forall dnsLabel.IsMatch)

    /// Checks a label value (≤ 63 characters, alphanumeric at both ends, `-_.` inside).
    let internal validLabelValue (value: string) : bool =
        value.Length <= 63 && labelValue.IsMatch value

    let private scalarText (node: JsonNode) : string option =
        match SchemaValidation.kindOf node with
        | JsonType.String -> Some(node.GetValue<string>())
        | JsonType.Boolean -> Some(if node.GetValue<bool>() then "true" else "false")
        | JsonType.Integer
        | JsonType.Number -> Some(node.ToJsonString())
        | _ -> None

    let private typeName (node: JsonNode) =
        match SchemaValidation.kindOf node with
        | JsonType.Object -> "dict"
        | JsonType.Array -> "list"
        | JsonType.String -> "str"
        | JsonType.Integer -> "int"
        | JsonType.Number -> "float"
        | JsonType.Boolean -> "bool"
        | JsonType.Null -> "NoneType"

    let private parseJson (name: string) (text: string) : Result<JsonNode, WorkflowOptionError> =
        try
            Ok(JsonNode.Parse text)
        with :? JsonException as e ->
            Error(
                WorkflowOptionError.Invalid(
                    name,
                    text,
                    $"\"--%s{name}=%s{text}\" contains invalid JSON value: %s{e.Message}"
                )
            )

    /// Parses a labels option: `""` or a JSON object of scalar values.
    let internal parseLabels (name: string) (text: string) : Result<(string * string) list, WorkflowOptionError> =
        let invalid reason =
            Error(WorkflowOptionError.Invalid(name, text, reason))

        if String.IsNullOrWhiteSpace text then
            Ok []
        else
            match parseJson name text with
            | Error e -> Error e
            | Ok(:? JsonObject as o) ->
                let pairs = [ for kv in o -> kv.Key, scalarText kv.Value ]

                match
                    pairs
                    |> List.tryFind (fun (k, v) -> v.IsNone || not (validLabelKey k) || not (validLabelValue v.Value))
                with
                | Some(k, Some _) when not (validLabelKey k) -> invalid $"'%s{k}' is not a valid Kubernetes label key"
                | Some(k, Some v) ->
                    invalid
                        $"'%s{v}' (label '%s{k}') is not a valid Kubernetes label value (≤ 63 characters: alphanumerics, '-', '_', '.')"
                | Some(k, None) -> invalid $"label '%s{k}' must have a string, number or boolean value"
                | None -> Ok(pairs |> List.map (fun (k, v) -> k, v.Value))
            | Ok other -> invalid $"\"--%s{name}=%s{text}\" contains value with type %s{typeName other} instead of dict"

    let private schemaErrors (definition: string) (name: string) (node: JsonNode) : string list =
        let catalog = SchemaCatalog.standard ()

        SchemaValidation.validateDefinition catalog.Kubernetes definition ("--" + name) node
        |> List.map (fun e -> $"%s{e.Path}: %s{e.Message}")

    /// Parses a JSON object option checked against a Kubernetes definition (unknown keys are errors).
    let internal parseKubernetesObject
        (definition: string)
        (name: string)
        (text: string)
        : Result<JsonObject, WorkflowOptionError> =
        match parseJson name text with
        | Error e -> Error e
        | Ok(:? JsonObject as o) ->
            match schemaErrors definition name o with
            | [] -> Ok o
            | errs ->
                let kind = Array.last (definition.Split '.')

                Error(
                    WorkflowOptionError.Invalid(
                        name,
                        text,
                        $"not a valid Kubernetes %s{kind}: " + String.concat "; " errs
                    )
                )
        | Ok other -> Error(WorkflowOptionError.Invalid(name, text, $"expected a JSON object, got %s{typeName other}"))

    /// Parses a list option (JSON, or YAML when `yaml`) whose items are checked against a Kubernetes definition.
    let internal parseKubernetesList
        (definition: string)
        (allowEmpty: bool)
        (name: string)
        (text: string)
        : Result<JsonArray, WorkflowOptionError> =
        let invalid reason =
            Error(WorkflowOptionError.Invalid(name, text, reason))

        match YamlJson.parseDocuments text with
        | Error message -> invalid $"not valid YAML/JSON: %s{message}"
        | Ok [ :? JsonArray as a ] when a.Count = 0 && not allowEmpty ->
            invalid "must be a list with at least one element"
        | Ok [ :? JsonArray as a ] ->
            match a |> Seq.toList |> List.collect (schemaErrors definition name) with
            | [] -> Ok a
            | errs -> invalid (String.concat "; " errs)
        | Ok _ -> invalid "must be a list"

    let private truthy (name: string) (text: string) : Result<bool, WorkflowOptionError> =
        match text.Trim().ToLowerInvariant() with
        | "1"
        | "true"
        | "t"
        | "yes"
        | "y"
        | "on" -> Ok true
        | "0"
        | "false"
        | "f"
        | "no"
        | "n"
        | "off"
        | "" -> Ok false
        | _ -> Error(WorkflowOptionError.Invalid(name, text, "expected a boolean (true/false)"))

    let private integer (low: int) (high: int) (name: string) (text: string) : Result<int, WorkflowOptionError> =
        match Int32.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, v when v >= low && v <= high -> Ok v
        | true, _ -> Error(WorkflowOptionError.Invalid(name, text, $"must be between %d{low} and %d{high}"))
        | _ -> Error(WorkflowOptionError.Invalid(name, text, "is not a valid integer"))

    let private hpaType (name: string) (text: string) : Result<HpaType, WorkflowOptionError> =
        match text.Trim().ToLowerInvariant() with
        | "none" -> Ok HpaType.None
        | "k8s_cpu" -> Ok HpaType.K8sCpu
        | "keda" -> Ok HpaType.Keda
        | _ -> Error(WorkflowOptionError.Invalid(name, text, "must be one of none, k8s_cpu, keda"))

    let private argoVersion (name: string) (text: string) : Result<int, WorkflowOptionError> =
        let major = text.Trim().TrimStart('v').Split('.')[0]

        integer 2 99 name major
        |> Result.mapError (fun _ ->
            WorkflowOptionError.Invalid(name, text, "expected an Argo major version (2, 3, 4, ...)"))

    let private pattern
        (regex: Regex)
        (what: string)
        (name: string)
        (text: string)
        : Result<string, WorkflowOptionError> =
        if regex.IsMatch text then
            Ok text
        else
            Error(WorkflowOptionError.Invalid(name, text, what))

    /// A collector of option values: a failed value records its error and yields a placeholder.
    type private Collector(sources: WorkflowOptionSources) =
        let errors = ResizeArray<WorkflowOptionError>()

        member _.Errors: WorkflowOptionError list = List.ofSeq errors
        member _.Fail(e: WorkflowOptionError) = errors.Add e

        /// The text of an option from the command line, the environment or its default.
        member _.Raw(name: string) : string option =
            let spec = WorkflowOptionSpecs.find name

            match sources.Arguments.TryGetValue name with
            | true, v -> Some v
            | _ ->
                spec.Environment
                |> Option.bind sources.Environment
                |> Option.orElse spec.Default

        member this.Get(name: string, parse: string -> string -> Result<'T, WorkflowOptionError>, fallback: 'T) : 'T =
            match this.Raw name with
            | None -> fallback
            | Some text ->
                match parse name text with
                | Ok v -> v
                | Error e ->
                    errors.Add e
                    fallback

        member this.Optional(name: string, parse: string -> string -> Result<'T, WorkflowOptionError>) : 'T option =
            this.Raw name
            |> Option.map (fun _ -> this.Get(name, (fun n t -> parse n t |> Result.map Some), None))
            |> Option.flatten

        member this.Required(name: string) : string =
            match this.Raw name with
            | Some v when v.Trim() <> "" -> v
            | _ ->
                errors.Add(
                    WorkflowOptionError.Missing(
                        name,
                        (WorkflowOptionSpecs.find name).Environment |> Option.defaultValue "-"
                    )
                )

                ""

    let private text (_: string) (t: string) : Result<string, WorkflowOptionError> = Ok t

    let private crossChecks (o: WorkflowOptions) : WorkflowOptionError list = [
        if o.MlServerHpaType = HpaType.Keda && not o.WithKeda then
            WorkflowOptionError.Conflict "\"--ml-server-hpa-type=keda\" is only be supported with \"--with-keda\" flag"
        if o.MlServerHpaType = HpaType.Keda && o.PrometheusServerAddress.IsNone then
            WorkflowOptionError.Conflict
                "--prometheus-server-address should be specified for \"--ml-server-hpa-type=keda\""
    ]

    /// Resolves every option; `Error` lists every usage problem found.
    let parse (sources: WorkflowOptionSources) : Result<WorkflowOptions, WorkflowOptionError list> =
        let c = Collector(sources)
        let int low high = integer low high
        let project = c.Required "project-name"

        let projectName =
            if project = "" then
                project
            else
                c.Get(
                    "project-name",
                    pattern dnsLabel "must be a lower-case DNS label (a-z, 0-9, '-'; alphanumeric at both ends)",
                    project
                )

        let defaultRevision = string (sources.Now.ToUnixTimeMilliseconds())
        let revision = c.Raw "project-revision" |> Option.defaultValue defaultRevision

        let revisionChecked =
            c.Get(
                "project-revision",
                (fun n _ ->
                    pattern
                        dnsLabel
                        "must be a lower-case DNS label (it is used in labels and volume names)"
                        n
                        revision),
                revision
            )

        let gordoVersion =
            c.Raw "gordo-version"
            |> Option.defaultValue (sources.InstalledVersion.Replace('+', '_'))

        let pullPolicy =
            match c.Raw "image-pull-policy" with
            | Some p -> Some p
            | None ->
                match pullPolicyFor gordoVersion with
                | Ok p -> Some p
                | Error e ->
                    c.Fail(WorkflowOptionError.Invalid("gordo-version", gordoVersion, e))
                    None

        let options = {
            MachineConfig = c.Required "machine-config"
            WorkflowTemplate = c.Raw "workflow-template"
            OwnerReferences =
                c.Optional(
                    "owner-references",
                    parseKubernetesList "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference" false
                )
            GordoVersion = gordoVersion
            ProjectName = projectName
            ProjectRevision = revisionChecked
            OutputFile = c.Raw "output-file"
            Namespace = c.Get("namespace", text, "kubeflow")
            SplitWorkflows = c.Get("split-workflows", int 1 Int32.MaxValue, 30)
            NServers = c.Optional("n-servers", int 1 Int32.MaxValue)
            DockerRepository = c.Get("docker-repository", text, "")
            DockerRegistry = c.Get("docker-registry", text, "")
            RetryBackoffDuration =
                c.Get(
                    "retry-backoff-duration",
                    pattern (Regex @"^\d+(\.\d+)?(ns|us|ms|s|m|h)?$") "expected a duration such as 15s, 2m, 1h",
                    "15s"
                )
            RetryBackoffFactor = c.Get("retry-backoff-factor", int 1 1000, 2)
            GordoServerWorkers = c.Optional("gordo-server-workers", int 1 4)
            GordoServerThreads = c.Optional("gordo-server-threads", int 1 Int32.MaxValue)
            GordoServerProbeTimeout =
                c.Optional("gordo-server-probe-timeout", int 1 Int32.MaxValue)
                |> Option.defaultValue 5
            WithoutPrometheus = c.Get("without-prometheus", truthy, false)
            PrometheusMetricsServerWorkers = c.Get("prometheus-metrics-server-workers", int 1 Int32.MaxValue, 1)
            ImagePullPolicy = pullPolicy
            WithKeda = c.Get("with-keda", truthy, false)
            MlServerHpaType = c.Get("ml-server-hpa-type", hpaType, HpaType.K8sCpu)
            CustomModelBuilderEnvs =
                c.Optional("custom-model-builder-envs", parseKubernetesList "io.k8s.api.core.v1.EnvVar" true)
                |> Option.defaultWith (fun () -> JsonArray())
            ServerApiKeySecret =
                c.Raw "server-api-key-secret"
                |> Option.filter (String.IsNullOrWhiteSpace >> not)
                |> Option.map (fun name ->
                    c.Get(
                        "server-api-key-secret",
                        pattern dnsLabel "must be a Kubernetes Secret name (a-z, 0-9, '-'; alphanumeric at both ends)",
                        name
                    ))
            PrometheusServerAddress =
                c.Raw "prometheus-server-address"
                |> Option.filter (String.IsNullOrWhiteSpace >> not)
            KedaPrometheusMetricName = c.Get("keda-prometheus-metric-name", text, "")
            KedaPrometheusQuery =
                c.Raw "keda-prometheus-query"
                |> Option.defaultValue (WorkflowOptionSpecs.DefaultKedaQuery.Replace("{project}", projectName))
            KedaPrometheusThreshold = c.Get("keda-prometheus-threshold", text, "1.0")
            ResourceLabels = c.Get("resources-labels", parseLabels, [])
            ModelBuilderLabels = c.Get("model-builder-labels", parseLabels, [])
            ServerLabels = c.Get("server-labels", parseLabels, [])
            ServerTerminationGracePeriod = c.Get("server-termination-grace-period", int 0 Int32.MaxValue, 60)
            ServerTargetCpuUtilizationPercentage = c.Get("server-target-cpu-utilization-percentage", int 1 100, 50)
            GordoServerReadinessInitialDelay = c.Get("gordo-server-readiness-initial-delay", int 0 Int32.MaxValue, 5)
            GordoServerLivenessInitialDelay = c.Get("gordo-server-liveness-initial-delay", int 0 Int32.MaxValue, 600)
            SecurityContext = c.Optional("security-context", parseKubernetesObject "io.k8s.api.core.v1.SecurityContext")
            PodSecurityContext =
                c.Optional("pod-security-context", parseKubernetesObject "io.k8s.api.core.v1.PodSecurityContext")
            DefaultDataProvider =
                c.Raw "default-data-provider"
                |> Option.filter (String.IsNullOrWhiteSpace >> not)
            ModelBuilderClass = c.Raw "model-builder-class" |> Option.filter (String.IsNullOrWhiteSpace >> not)
            ArgoVersion = c.Get("argo-version", argoVersion, 3)
            ArgoBinary = c.Get("argo-binary", pattern argoBinary "must match ^argo\\d*$", "argo")
            LogLevel = sources.LogLevel
            Validate = not (c.Get("no-validate", truthy, false))
        }

        match c.Errors @ crossChecks options with
        | [] -> Ok options
        | errors -> Error errors
