namespace Gordo.Server

open System
open System.Text.Json

/// Who may call the server (beyond Gordo, which has no access control). With neither API keys
/// nor JWT configured every route is open, as in Gordo.
type AccessConfig = {
    /// `GORDO_SERVER_API_KEYS_FILE`: lines `KEY ROLE` (role `read` or `admin`), re-read when the
    /// file changes; callers send `X-API-Key: KEY` or `Authorization: Bearer KEY`.
    ApiKeysFile: string option
    /// `GORDO_SERVER_API_KEY`: one more key, role `read` (the generated workflow's client key,
    /// from a Kubernetes Secret).
    ApiKey: string option
    /// `GORDO_SERVER_JWT_AUTHORITY`: the OpenID Connect authority whose signing keys validate
    /// bearer tokens.
    JwtAuthority: string option
    /// `GORDO_SERVER_JWT_SIGNING_KEY`: instead of an authority, the key that signs bearer tokens:
    /// a PEM public key (RSA or EC) or a base64 symmetric key (HMAC).
    JwtSigningKey: string option
    /// `GORDO_SERVER_JWT_AUDIENCE`: the required `aud` of bearer tokens (unset: not checked).
    JwtAudience: string option
    /// `GORDO_SERVER_JWT_ISSUER`: the required `iss` (unset: the authority's, or not checked).
    JwtIssuer: string option
    /// `GORDO_SERVER_JWT_ROLE_CLAIM`: the claim whose values `read`/`admin` give the role
    /// (default `roles`).
    JwtRoleClaim: string
    /// `GORDO_SERVER_ANONYMOUS`: which of `metrics`, `docs` (OpenAPI and Swagger UI) and `index`
    /// (the project page) are open without credentials (default none; `/healthcheck` always is).
    Anonymous: string list
}

/// Settings of one server process (spec §5.1).
type ServerConfig = {
    /// `MODEL_COLLECTION_DIR`: the directory of the current revision (None: every request is a 500).
    ModelCollectionDir: string option
    /// `EXPECTED_MODELS`: model names the deployment expects.
    ExpectedModels: string list
    /// `N_CACHED_MODELS`: how many loaded models the LRU keeps (default 1000; Gordo's is 2).
    CachedModels: int
    /// `CACHED_MODELS_MB` (in MB): the estimated memory the loaded models may hold (default half
    /// the memory available to the process, e.g. 1 GB in a 2 GB pod).
    CachedModelBytes: int64
    /// `N_CACHED_METADATA`: how many metadata documents the LRU keeps.
    CachedMetadata: int
    /// `PRELOAD_EXPECTED_MODELS`: load every expected model at start-up.
    PreloadExpectedModels: bool
    /// `ENABLE_PROMETHEUS`: serve `/metrics` and record request metrics (spec §5.8).
    EnablePrometheus: bool
    /// `MAX_REQUEST_BODY_MB` (in MB): larger request bodies get a 413 reply (default 50 MB).
    MaxBodyBytes: int64
    /// `MAX_CONCURRENT_PREDICTIONS`: how many POST requests compute at once, each on a thread
    /// of its own; the others wait in arrival order (default: half the cores, at least one, so
    /// the other half receives and sends, and requests do not share cores).
    MaxConcurrentPredictions: int
    /// `GORDO_SERVER_RECENT_ROWS`: how many of its latest scored rows the server keeps per model
    /// for the project page (default 1000; 0 keeps none). Beyond Gordo (issue 21).
    RecentRows: int
    /// `PROJECT`: the project name, if set.
    Project: string option
    /// The version reported by `/server-version` and the metadata document.
    Version: string
    /// Access control (API keys, JWT bearer tokens).
    Access: AccessConfig
}

/// Reading the configuration from the environment.
[<RequireQualifiedAccess>]
module ServerConfig =
    let private megabyte = 1024L * 1024L

    /// The server version (the assembly's informational version).
    let version: string =
        let v = typeof<ServerConfig>.Assembly.GetName().Version
        $"%d{v.Major}.%d{v.Minor}.%d{v.Build}"

    /// Half the memory available to the process (the container limit when there is one), in
    /// whole megabytes.
    let defaultModelBytes () : int64 =
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2L / megabyte * megabyte

    /// The settings without any environment (no model directory).
    let defaults: ServerConfig = {
        ModelCollectionDir = None
        ExpectedModels = []
        CachedModels = 1000
        CachedModelBytes = defaultModelBytes ()
        CachedMetadata = 250
        PreloadExpectedModels = false
        EnablePrometheus = false
        MaxBodyBytes = 50L * megabyte
        MaxConcurrentPredictions = max 1 (Environment.ProcessorCount / 2)
        RecentRows = 1000
        Project = None
        Version = version
        Access = {
            ApiKeysFile = None
            ApiKey = None
            JwtAuthority = None
            JwtSigningKey = None
            JwtAudience = None
            JwtIssuer = None
            JwtRoleClaim = "roles"
            Anonymous = []
        }
    }

    /// The parts that may be opened with `GORDO_SERVER_ANONYMOUS`.
    let internal anonymousParts = [ "metrics"; "docs"; "index" ]

    let private parseAnonymous (text: string) : Result<string list, string> =
        let parts =
            (if isNull text then "" else text)
                .Split(',', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
            |> Array.map (fun p -> p.ToLowerInvariant())
            |> List.ofArray

        match parts |> List.tryFind (fun p -> not (List.contains p anonymousParts)) with
        | Some p -> Error $"GORDO_SERVER_ANONYMOUS: '%s{p}' is not one of metrics, docs, index (comma-separated)"
        | None -> Ok parts

    /// Parses `EXPECTED_MODELS` (a JSON/YAML flow list, trailing comma allowed).
    let internal parseExpectedModels (text: string) : Result<string list, string> =
        try
            let options = JsonDocumentOptions(AllowTrailingCommas = true)

            use doc =
                JsonDocument.Parse((if String.IsNullOrWhiteSpace text then "[]" else text), options)

            if doc.RootElement.ValueKind <> JsonValueKind.Array then
                Error "EXPECTED_MODELS must be a list of model names, e.g. [\"model-a\", \"model-b\"]"
            else
                Ok [ for e in doc.RootElement.EnumerateArray() -> e.ToString() ]
        with :? JsonException as e ->
            Error $"EXPECTED_MODELS is not a list of names (%s{e.Message}); write e.g. [\"model-a\", \"model-b\"]"

    /// Parses a boolean variable: true/1/yes/on or false/0/no/off (any case); unset is `fallback`.
    let internal parseBool (name: string) (fallback: bool) (text: string) : Result<bool, string> =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "" -> Ok fallback
        | "true"
        | "1"
        | "yes"
        | "on" -> Ok true
        | "false"
        | "0"
        | "no"
        | "off" -> Ok false
        | _ -> Error $"%s{name} must be a boolean (true or false), got '%s{text}'"

    let private positive (name: string) (fallback: int64) (get: string -> string) =
        match get name with
        | null
        | "" -> Ok fallback
        | text ->
            match Int64.TryParse text with
            | true, n when n > 0L -> Ok n
            | _ -> Error $"%s{name} must be a positive integer, got '%s{text}'"

    let private rows (name: string) (fallback: int) (get: string -> string) =
        match get name with
        | null
        | "" -> Ok fallback
        | text ->
            match Int32.TryParse text with
            | true, n when n >= 0 && n <= 1_000_000 -> Ok n
            | _ -> Error $"%s{name} must be a whole number from 0 to 1000000, got '%s{text}'"

    let private text (name: string) (get: string -> string) =
        Option.ofObj (get name) |> Option.filter ((<>) "")

    /// Reads the configuration from variables looked up by `get` (null when unset); the error
    /// names the variable and what it must be.
    let ofLookup (get: string -> string) : Result<ServerConfig, string> =
        let d = defaults

        let numbers =
            [
                "N_CACHED_MODELS", int64 d.CachedModels, 1L
                "CACHED_MODELS_MB", d.CachedModelBytes / megabyte, megabyte
                "N_CACHED_METADATA", int64 d.CachedMetadata, 1L
                "MAX_REQUEST_BODY_MB", d.MaxBodyBytes / megabyte, megabyte
                "MAX_CONCURRENT_PREDICTIONS", int64 d.MaxConcurrentPredictions, 1L
            ]
            |> List.map (fun (name, fallback, unit) -> positive name fallback get |> Result.map ((*) unit))

        match
            parseExpectedModels (get "EXPECTED_MODELS"),
            parseBool "PRELOAD_EXPECTED_MODELS" false (get "PRELOAD_EXPECTED_MODELS"),
            parseBool "ENABLE_PROMETHEUS" false (get "ENABLE_PROMETHEUS"),
            numbers,
            parseAnonymous (get "GORDO_SERVER_ANONYMOUS"),
            rows "GORDO_SERVER_RECENT_ROWS" d.RecentRows get
        with
        | Ok expected,
          Ok preload,
          Ok prometheus,
          [ Ok models; Ok bytes; Ok metadata; Ok body; Ok concurrent ],
          Ok anonymous,
          Ok recent ->
            Ok {
                d with
                    ModelCollectionDir = text "MODEL_COLLECTION_DIR" get
                    ExpectedModels = expected
                    CachedModels = int (min models (int64 Int32.MaxValue))
                    CachedModelBytes = bytes
                    CachedMetadata = int (min metadata (int64 Int32.MaxValue))
                    PreloadExpectedModels = preload
                    EnablePrometheus = prometheus
                    MaxBodyBytes = body
                    MaxConcurrentPredictions = int (min concurrent 1024L)
                    RecentRows = recent
                    Project = text "PROJECT" get
                    Access = {
                        ApiKeysFile = text "GORDO_SERVER_API_KEYS_FILE" get
                        ApiKey = text "GORDO_SERVER_API_KEY" get
                        JwtAuthority = text "GORDO_SERVER_JWT_AUTHORITY" get
                        JwtSigningKey = text "GORDO_SERVER_JWT_SIGNING_KEY" get
                        JwtAudience = text "GORDO_SERVER_JWT_AUDIENCE" get
                        JwtIssuer = text "GORDO_SERVER_JWT_ISSUER" get
                        JwtRoleClaim =
                            text "GORDO_SERVER_JWT_ROLE_CLAIM" get
                            |> Option.defaultValue d.Access.JwtRoleClaim
                        Anonymous = anonymous
                    }
            }
        | Error e, _, _, _, _, _
        | _, Error e, _, _, _, _
        | _, _, Error e, _, _, _
        | _, _, _, _, Error e, _
        | _, _, _, _, _, Error e -> Error e
        | _, _, _, errors, _, _ ->
            errors
            |> List.tryPick (function
                | Error e -> Some e
                | Ok _ -> None)
            |> Option.defaultValue "unexpected configuration"
            |> Error

    /// Reads the configuration from the process environment.
    let ofEnvironment () : Result<ServerConfig, string> =
        ofLookup Environment.GetEnvironmentVariable
