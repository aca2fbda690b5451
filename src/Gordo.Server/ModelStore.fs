namespace Gordo.Server

open System
open System.IO
open Gordo.Core
open Gordo.Models.Artifacts

/// Models of a revision directory, loaded on demand into an LRU bounded by count and by
/// estimated memory (spec §5.6). The existence of `metadata.json` is checked on every request,
/// so deleted models answer 404.
type internal ModelStore(cachedModels: int, cachedModelBytes: int64, cachedMetadata: int) =
    let mutable loads = 0

    let load (dir: string) : LoadedModel =
        Threading.Interlocked.Increment &loads |> ignore
        Artifact.load dir

    let models =
        Lru<string, LoadedModel>(cachedModels, cachedModelBytes, (fun dir _ -> ModelStore.EstimatedBytes dir))

    let metadata = Lru<string, Value>(cachedMetadata)
    let info = Lru<string, Value option>(cachedMetadata)

    let readJson (path: string) = Json.ofBytes (File.ReadAllBytes path)

    /// The store a configuration describes.
    new(config: ServerConfig) = ModelStore(config.CachedModels, config.CachedModelBytes, config.CachedMetadata)

    /// Memory a loaded model holds, estimated from its artifact: the file sizes (weights are
    /// stored as they are held) plus a fixed overhead per model for objects and tensor handles.
    static member EstimatedBytes(modelDir: string) : int64 =
        let files =
            if Directory.Exists modelDir then
                Directory.EnumerateFiles(modelDir, "*", SearchOption.AllDirectories)
                |> Seq.sumBy (fun f -> FileInfo(f).Length)
            else
                0L

        files + ModelStore.OverheadBytes

    /// The fixed per-model overhead of `EstimatedBytes` (measured by bench/Gordo.ModelStore.Bench).
    static member OverheadBytes: int64 = 256L * 1024L

    /// The `metadata.json` of a model (in `<dir>/<name>` or `<dir>`), if present.
    static member MetadataFile(dir: string, name: string) : string option =
        let inModel = Path.Combine(dir, name, "metadata.json")

        if File.Exists inModel then
            Some inModel
        else
            let inRevision = Path.Combine(dir, "metadata.json")
            if File.Exists inRevision then Some inRevision else None

    /// True when the model `name` exists in the revision directory `dir`.
    member _.Exists(dir: string, name: string) : bool =
        (ModelStore.MetadataFile(dir, name)).IsSome

    /// The loaded model (404 reply when it does not exist).
    member this.Model(dir: string, name: string) : LoadedModel =
        if not (this.Exists(dir, name)) then
            Reply.fail (Reply.html 404 "Not Found" $"No such model found: '%s{name}'")

        models.GetOrAdd(Path.GetFullPath(Path.Combine(dir, name)), load)

    /// The model's `metadata.json` (404 reply when absent); cached.
    member _.Metadata(dir: string, name: string) : Value =
        match ModelStore.MetadataFile(dir, name) with
        | Some path -> metadata.GetOrAdd(Path.GetFullPath path, readJson)
        | None -> Reply.fail (Reply.html 404 "Not Found" $"No metadata found for '%s{name}'")

    /// The loaded model and its `metadata.json` with one existence check (the model routes;
    /// 404 reply when the model does not exist).
    member _.ModelAndMetadata(dir: string, name: string) : LoadedModel * Value =
        match ModelStore.MetadataFile(dir, name) with
        | Some path ->
            models.GetOrAdd(Path.GetFullPath(Path.Combine(dir, name)), load),
            metadata.GetOrAdd(Path.GetFullPath path, readJson)
        | None -> Reply.fail (Reply.html 404 "Not Found" $"No such model found: '%s{name}'")

    /// The model's `info.json` if present; cached.
    member _.Info(dir: string, name: string) : Value option =
        let candidates = [ Path.Combine(dir, name, "info.json"); Path.Combine(dir, "info.json") ]

        match candidates |> List.tryFind File.Exists with
        | Some path -> info.GetOrAdd(Path.GetFullPath path, (readJson >> Some))
        | None -> None

    /// Drops every cached entry of a model directory (after DELETE).
    member _.Forget(modelDir: string) : unit =
        let full = Path.GetFullPath modelDir
        models.Remove full
        metadata.Remove(Path.Combine(full, "metadata.json"))
        info.Remove(Path.Combine(full, "info.json"))

    /// True when the model is in the LRU (loaded).
    member _.IsLoaded(dir: string, name: string) : bool =
        models.Keys |> List.contains (Path.GetFullPath(Path.Combine(dir, name)))

    /// How many models are loaded.
    member _.LoadedCount: int = models.Count

    /// The estimated memory of the loaded models (bytes).
    member _.LoadedBytes: int64 = models.Weight

    /// How many times a model was loaded from disk (concurrent first requests load once).
    member _.LoadCount: int = loads

    /// Loads the named models of a revision directory (start-up preloading); returns the names
    /// that failed with the reason.
    member this.Preload(dir: string, names: string list) : (string * string) list =
        names
        |> List.choose (fun name ->
            try
                this.Model(dir, name) |> ignore
                None
            with
            | :? HttpErrorException -> Some(name, "no metadata.json")
            | e -> Some(name, e.Message))
