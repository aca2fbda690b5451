namespace Gordo.Server

open System
open System.Text.Json

/// Settings of one server process (spec §5.1).
type ServerConfig = {
    /// `MODEL_COLLECTION_DIR`: the directory of the current revision (None: every request is a 500).
    ModelCollectionDir: string option
    /// `EXPECTED_MODELS`: model names the deployment expects.
    ExpectedModels: string list
    /// `N_CACHED_MODELS`: how many loaded models the LRU keeps.
    CachedModels: int
    /// `N_CACHED_METADATA`: how many metadata documents the LRU keeps.
    CachedMetadata: int
    /// `PROJECT`: the project name, if set.
    Project: string option
    /// The version reported by `/server-version` and the metadata document.
    Version: string
}

/// Reading the configuration from the environment.
[<RequireQualifiedAccess>]
module ServerConfig =
    /// The server version (the assembly's informational version).
    let version: string =
        let v = typeof<ServerConfig>.Assembly.GetName().Version
        $"%d{v.Major}.%d{v.Minor}.%d{v.Build}"

    /// Parses `EXPECTED_MODELS` (a JSON/YAML flow list, trailing comma allowed).
    let parseExpectedModels (text: string) : Result<string list, string> =
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

    let private positive (name: string) (fallback: int) (get: string -> string) =
        match get name with
        | null
        | "" -> Ok fallback
        | text ->
            match Int32.TryParse text with
            | true, n when n > 0 -> Ok n
            | _ -> Error $"%s{name} must be a positive integer, got '%s{text}'"

    /// Reads the configuration from variables looked up by `get` (null when unset).
    let ofLookup (get: string -> string) : Result<ServerConfig, string> =
        match
            parseExpectedModels (get "EXPECTED_MODELS"),
            positive "N_CACHED_MODELS" 2 get,
            positive "N_CACHED_METADATA" 250 get
        with
        | Ok expected, Ok models, Ok metadata ->
            Ok {
                ModelCollectionDir = Option.ofObj (get "MODEL_COLLECTION_DIR") |> Option.filter ((<>) "")
                ExpectedModels = expected
                CachedModels = models
                CachedMetadata = metadata
                Project = Option.ofObj (get "PROJECT") |> Option.filter ((<>) "")
                Version = version
            }
        | Error e, _, _
        | _, Error e, _
        | _, _, Error e -> Error e

    /// Reads the configuration from the process environment.
    let ofEnvironment () : Result<ServerConfig, string> =
        ofLookup Environment.GetEnvironmentVariable
