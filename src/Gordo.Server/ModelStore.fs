namespace Gordo.Server

open System.IO
open Gordo.Core
open Gordo.Models.Artifacts

/// Models of a revision directory, loaded on demand into an LRU bounded by count (spec §5.6).
/// The existence of `metadata.json` is checked on every request, so deleted models answer 404.
type ModelStore(cachedModels: int, cachedMetadata: int) =
    let models = Lru<string, LoadedModel>(cachedModels)
    let metadata = Lru<string, Value>(cachedMetadata)
    let info = Lru<string, Value option>(cachedMetadata)

    let readJson (path: string) = Json.ofBytes (File.ReadAllBytes path)

    /// The `metadata.json` of a model (in `<dir>/<name>` or `<dir>`), if present.
    static member MetadataFile(dir: string, name: string) : string option =
        [ Path.Combine(dir, name, "metadata.json"); Path.Combine(dir, "metadata.json") ]
        |> List.tryFind File.Exists

    /// True when the model `name` exists in the revision directory `dir`.
    member _.Exists(dir: string, name: string) : bool =
        (ModelStore.MetadataFile(dir, name)).IsSome

    /// The loaded model (404 reply when it does not exist).
    member this.Model(dir: string, name: string) : LoadedModel =
        if not (this.Exists(dir, name)) then
            Reply.fail (Reply.html 404 "Not Found" $"No such model found: '%s{name}'")

        models.GetOrAdd(Path.GetFullPath(Path.Combine(dir, name)), Artifact.load)

    /// The model's `metadata.json` (404 reply when absent); cached.
    member _.Metadata(dir: string, name: string) : Value =
        match ModelStore.MetadataFile(dir, name) with
        | Some path -> metadata.GetOrAdd(Path.GetFullPath path, readJson)
        | None -> Reply.fail (Reply.html 404 "Not Found" $"No metadata found for '%s{name}'")

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
