namespace Gordo.Build

open Gordo.Models

open System.Diagnostics
open System.IO
open System.Threading
open Gordo.Core.Config
open Gordo.Models.Artifacts
open Gordo.Models.Definitions

/// Where a machine's model goes and how the build cache is used.
type BuildOptions = {
    /// The model directory (None: nothing is written).
    OutputDirectory: string option
    /// The model registry directory (spec §4.9); None: no build cache.
    RegisterDirectory: string option
    /// Drop this machine's registry entry and build anew (`--replace-cache`).
    ReplaceCache: bool
}

/// Building with the build cache (spec §4.1).
[<RequireQualifiedAccess>]
module CachedBuilder =
    /// Options writing to `directory` without a cache.
    let toDirectory (directory: string) : BuildOptions = {
        OutputDirectory = Some directory
        RegisterDirectory = None
        ReplaceCache = false
    }

    /// The cache key of a machine: its model definition is expanded, nothing is fetched or fitted.
    let internal cacheKey (input: BuildInput) : Result<string, BuildError> =
        ModelBuilder.compile input.Machine
        |> Result.map (fun model -> CacheKey.ofInput input (Definition.intoValue model))

    let private registry (register: string) (f: unit -> 'T) : Result<'T, BuildError> =
        try
            Ok(f ())
        with
        | :? IOException
        | :? System.UnauthorizedAccessException as e -> Error(BuildError.Output(register, e))

    /// The cached model of `key`: a registry entry pointing at a loadable model directory.
    let private lookup (register: string) (key: string) (progress: BuildEvent -> unit) =
        registry register (fun () -> DiskRegistry.tryGet register key)
        |> Result.map (
            Option.bind (fun path ->
                try
                    Some(path, Artifact.load path)
                with
                | :? IOException
                | :? System.UnauthorizedAccessException ->
                    progress (BuildEvent.StaleCacheEntry path)
                    None)
        )

    let private fromCache (input: BuildInput) (options: BuildOptions) key (path: string, loaded: LoadedModel) progress =
        let start = Stopwatch.StartNew()
        progress (BuildEvent.CacheHit path)
        let metadata = BuildMetadata.refresh input loaded.Metadata

        let written =
            match options.OutputDirectory with
            | Some dir when input.Machine.Evaluation.CvMode <> CvMode.CrossValOnly ->
                progress (BuildEvent.Saving dir)
                ModelBuilder.save dir loaded.Model metadata |> Result.map Some
            | _ -> Ok None

        written
        |> Result.map (fun output -> {
            Machine = input.Machine
            Model = loaded.Model
            Metadata = metadata
            CrossValidation = BuildMetadata.crossValidationOf metadata
            OutputDirectory = output
            DurationSeconds = start.Elapsed.TotalSeconds
            CacheKey = Some key
            FromCache = true
        })

    let private register (directory: string) (key: string) (built: BuiltModel) =
        match built.OutputDirectory with
        | Some dir ->
            registry directory (fun () -> DiskRegistry.write directory key dir)
            |> Result.map (fun () -> { built with CacheKey = Some key })
        | None -> Ok { built with CacheKey = Some key }

    /// Builds one machine. With a registry directory: a cache hit (same key, model directory
    /// still loadable) copies the cached model to the output directory with the current user
    /// metadata and runtime, without fetching data or training; a miss builds, saves atomically
    /// and only then points the registry at the new model. `ReplaceCache` deletes the entry first.
    /// The machine's `runtime.reporters` run after a successful build (spec §4.10).
    let build
        (input: BuildInput)
        (options: BuildOptions)
        (progress: BuildEvent -> unit)
        (cancel: CancellationToken)
        : Result<BuiltModel, BuildError> =
        match options.RegisterDirectory with
        | None ->
            ModelBuilder.build input options.OutputDirectory progress cancel
            |> Result.bind Reporters.report
        | Some directory ->
            cacheKey input
            |> Result.bind (fun key ->
                registry directory (fun () -> options.ReplaceCache && DiskRegistry.delete directory key)
                |> Result.bind (fun _ ->
                    if options.ReplaceCache then
                        Ok None
                    else
                        lookup directory key progress)
                |> Result.bind (function
                    | Some hit -> fromCache input options key hit progress
                    | None ->
                        ModelBuilder.build input options.OutputDirectory progress cancel
                        |> Result.bind (register directory key))
                |> Result.bind Reporters.report)
