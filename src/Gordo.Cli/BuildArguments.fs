namespace Gordo.Cli

open Argu

/// How much of a failure `gordo build` writes to the exception report file (spec §6.5).
type ReportLevel =
    /// `{}`.
    | Exit_Code
    /// `{"type": ...}`.
    | Type
    /// `{"type": ..., "message": ...}` (default).
    | Message
    /// `{"type": ..., "traceback": ...}`.
    | Traceback

/// `gordo build [MACHINE_CONFIG] [OUTPUT_DIR]` (spec §6.2).
type BuildArgs =
    | [<MainCommand>] Positional of machine_config_and_output_dir: string list
    | [<AltCommandLine("-c")>] Config of file: string
    | [<AltCommandLine("-m")>] Machine of name: string
    | Project_Name of name: string
    | Model_Register_Dir of dir: string
    | Replace_Cache
    | Model_Builder_Class of class_path: string
    | Model_Parameter of key_value: string
    | Print_Cv_Scores
    | Exceptions_Reporter_File of file: string
    | Exceptions_Report_Level of ReportLevel

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Positional _ ->
                "MACHINE_CONFIG (the machine payload as YAML/JSON; default: env MACHINE) and OUTPUT_DIR (default: env OUTPUT_DIR, else /data)."
            | Config _ -> "build a machine of this project config instead of a payload (with --machine)."
            | Machine _ -> "the machine of --config to build (default: the only machine)."
            | Project_Name _ -> "project name for --config (default: the resource's metadata.name, else 'project')."
            | Model_Register_Dir _ ->
                "model registry directory (env MODEL_REGISTER_DIR): enables the build cache; a cached model is copied, not rebuilt."
            | Replace_Cache -> "ignore and replace this machine's cached model (with --model-register-dir)."
            | Model_Builder_Class _ ->
                "model builder class (env MODEL_BUILDER_CLASS); only gordo.builder.build_model.ModelBuilder exists."
            | Model_Parameter _ -> "KEY,VALUE for a payload whose model is a Jinja template string (repeatable)."
            | Print_Cv_Scores -> "print cross-validation scores as <metric>_<stat>=<value> lines."
            | Exceptions_Reporter_File _ -> "write a JSON failure report here (env EXCEPTIONS_REPORTER_FILE)."
            | Exceptions_Report_Level _ ->
                "report detail: exit-code, type, message (default) or traceback (env EXCEPTIONS_REPORT_LEVEL)."

/// `gordo local-build CONFIG [--output DIR] [--machine NAME]... [--parallel N]`
type LocalBuildArgs =
    | [<MainCommand; Mandatory>] Config of config: string
    | [<AltCommandLine("-o")>] Output of dir: string
    | [<AltCommandLine("-m")>] Machine of name: string
    | Parallel of builds: int
    | Project_Name of name: string
    | Default_Data_Provider of provider: string
    | Model_Register_Dir of dir: string
    | Replace_Cache

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Config _ -> "project config to build (checked first; errors stop before any build)."
            | Output _ -> "directory for the models, one sub-directory per machine (default: models)."
            | Machine _ -> "build only this machine (repeatable; default: every machine)."
            | Parallel _ -> "machines built at once, at least 1 (default 1: TorchSharp seeds are process-wide)."
            | Project_Name _ -> "project name (default: the resource's metadata.name, else 'project')."
            | Default_Data_Provider _ -> "data provider type for datasets that name none (e.g. RandomDataProvider)."
            | Model_Register_Dir _ ->
                "model registry directory: enables the build cache (unchanged machines are copied)."
            | Replace_Cache -> "rebuild every selected machine and replace its cache entry."

/// `gordo predict MODEL_DIR --data FILE [--output FILE]`
type PredictArgs =
    | [<MainCommand; Mandatory>] Model_Dir of dir: string
    | [<Mandatory; AltCommandLine("-d")>] Data of file: string
    | [<AltCommandLine("-o")>] Output of file: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Model_Dir _ -> "a model directory written by gordo build / local-build."
            | Data _ -> "input data: Parquet or CSV (a timestamp column plus one column per tag)."
            | Output _ -> "write the result here (.parquet or .csv; default: CSV on standard output)."

/// `gordo anomaly MODEL_DIR --data FILE [--output FILE] [--all-columns] [--quality] [--events FILE]`
type AnomalyArgs =
    | [<MainCommand; Mandatory>] Model_Dir of dir: string
    | [<Mandatory; AltCommandLine("-d")>] Data of file: string
    | [<AltCommandLine("-o")>] Output of file: string
    | All_Columns
    | Quality
    | Events of file: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Model_Dir _ -> "a model directory of an anomaly detector (DiffBasedAnomalyDetector, ...)."
            | Data _ -> "input data: Parquet or CSV with the model's tags and target tags."
            | Output _ -> "write the result here (.parquet or .csv; default: CSV on standard output)."
            | All_Columns -> "include the smooth-* columns (as the HTTP API's ?all_columns)."
            | Quality ->
                "add data-quality flags per tag and row (data-quality|<tag>, total-data-quality; see docs/quality.md)."
            | Events _ ->
                "write anomaly events as JSON here ([{start, end, peak, tags, quality}]; see docs/events.md); the table then only with --output."
