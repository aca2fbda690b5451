namespace Gordo.Cli

open Argu

/// Output format of diagnostics.
type DiagnosticFormat =
    /// Compiler-style text.
    | Text
    /// A JSON array (for tools).
    | Json

/// Output format of a normalized config.
type DumpFormat =
    /// YAML.
    | Yaml
    /// JSON.
    | Json

/// `gordo validate CONFIG...`
type ValidateArgs =
    | [<MainCommand; Mandatory>] Configs of config: string list
    | Project_Name of name: string
    | Default_Data_Provider of provider: string
    | Warnings_As_Errors
    | Format of DiagnosticFormat

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Configs _ -> "config files to check (YAML: a Gordo custom resource or a bare machines/globals config)."
            | Project_Name _ ->
                "project name for the naming rules (default: the resource's metadata.name, else 'project')."
            | Default_Data_Provider _ -> "data provider type for datasets that name none (e.g. RandomDataProvider)."
            | Warnings_As_Errors -> "treat warnings as errors (exit code 1)."
            | Format _ -> "diagnostic output: text (compiler style, default) or json."

/// `gordo config normalize CONFIG`
type NormalizeArgs =
    | [<MainCommand; Mandatory>] Config of config: string
    | Project_Name of name: string
    | Default_Data_Provider of provider: string
    | Format of DumpFormat

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Config _ -> "config file to normalize."
            | Project_Name _ -> "project name (default: the resource's metadata.name, else 'project')."
            | Default_Data_Provider _ -> "data provider type for datasets that name none."
            | Format _ -> "output format: yaml (default) or json."

/// `gordo config ...`
type ConfigArgs =
    | [<CliPrefix(CliPrefix.None)>] Normalize of ParseResults<NormalizeArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Normalize _ -> "print the normalized project: globals and defaults merged into every machine."

/// The `gordo` command line.
type GordoArgs =
    | [<CliPrefix(CliPrefix.None)>] Validate of ParseResults<ValidateArgs>
    | [<CliPrefix(CliPrefix.None)>] Config of ParseResults<ConfigArgs>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<DataArgs>
    | [<CliPrefix(CliPrefix.None)>] Dataset of ParseResults<DatasetArgs>
    | [<CliPrefix(CliPrefix.None)>] Build of ParseResults<BuildArgs>
    | [<CliPrefix(CliPrefix.None)>] Local_Build of ParseResults<LocalBuildArgs>
    | [<CliPrefix(CliPrefix.None)>] Predict of ParseResults<PredictArgs>
    | [<CliPrefix(CliPrefix.None)>] Anomaly of ParseResults<AnomalyArgs>
    | [<CliPrefix(CliPrefix.None)>] Workflow of ParseResults<WorkflowArgs>
    | [<CliPrefix(CliPrefix.None)>] Run_Server of ParseResults<RunServerArgs>
    | [<CliPrefix(CliPrefix.None)>] Client of ParseResults<ClientArgs>
    | Version
    | Log_Level of level: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Validate _ -> "check configs and print every problem, compiler style."
            | Config _ -> "config tools (normalize)."
            | Data _ -> "sample data tools (generate)."
            | Dataset _ -> "fetch a machine's training data (X, y) and print a summary."
            | Build _ -> "build one machine (Gordo's builder: cross-validate, fit, write the model)."
            | Local_Build _ -> "check a config and build every machine into a local directory."
            | Predict _ -> "score a Parquet/CSV file with a saved model (the HTTP API's prediction columns)."
            | Anomaly _ -> "anomaly scores of a Parquet/CSV file with a saved anomaly detector (offline batch)."
            | Workflow _ -> "workflow tools (generate: Argo Workflows for Kubernetes)."
            | Run_Server _ -> "serve the models of MODEL_COLLECTION_DIR over HTTP (Gordo's ML server API)."
            | Client _ -> "Gordo's client: predict a time range through a server into InfluxDB or files."
            | Version -> "print the version (also: gordo version)."
            | Log_Level _ ->
                "debug, info, warning, error or critical, for every command (sets GORDO_LOG_LEVEL; before the subcommand)."

/// Checks of option values that Argu's types cannot express; a failure is a usage error (exit 2).
[<RequireQualifiedAccess>]
module ArgumentCheck =
    /// `value` when it is at least 1; otherwise fails (Argu's post-processing turns the failure
    /// into a usage error naming the option).
    let atLeastOne (value: int) : int =
        if value < 1 then
            failwith $"must be at least 1, but was %d{value}"
        else
            value
