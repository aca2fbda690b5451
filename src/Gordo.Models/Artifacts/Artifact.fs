namespace Gordo.Models.Artifacts

open System
open System.IO
open System.Formats.Tar
open System.Security.Cryptography
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions

/// A model artifact that cannot be loaded: missing, corrupt, foreign or from another format version.
type ArtifactException(message: string, inner: exn) =
    inherit IOException(message, inner)
    new(message: string) = ArtifactException(message, null)

/// A loaded artifact.
type LoadedModel = {
    /// The model, fitted.
    Model: Estimator
    /// Its definition (`definition.json`).
    Definition: Value
    /// The build metadata (`metadata.json`).
    Metadata: Value
}

/// Model artifacts (see ARTIFACT-FORMAT.md): a directory with `definition.json`, `state.bin`,
/// `metadata.json` and `info.json` (format, version, SHA-256 of every file); or the same files
/// in one tar stream (`dumps`/`loads`).
[<RequireQualifiedAccess>]
module Artifact =
    /// The format name written in info.json.
    let formatName = "gordo-dotnet-model"

    /// The artifact format version written (and the only one read).
    let formatVersion = 1L

    let private dataFiles = [ "definition.json"; "state.bin"; "metadata.json" ]

    let private sha256 (bytes: byte[]) =
        Convert.ToHexStringLower(SHA256.HashData bytes)

    /// The files of an artifact, by name (info.json included).
    let internal files (model: Estimator) (metadata: Value) : (string * byte[]) list =
        let data = [
            "definition.json", Json.toBytes (Definition.intoValue model)
            "state.bin", StateFormat.toBytes (model.SaveState())
            "metadata.json", Json.toBytes metadata
        ]

        let info =
            Value.Map [
                "format", Value.String formatName
                "format_version", Value.Int formatVersion
                "files",
                Value.Map(
                    data
                    |> List.map (fun (name, bytes) -> name, Value.Map [ "sha256", Value.String(sha256 bytes) ])
                )
                "checksum",
                Value.String(
                    data
                    |> List.map (snd >> sha256)
                    |> String.concat ""
                    |> Text.Encoding.ASCII.GetBytes
                    |> sha256
                )
            ]

        data @ [ "info.json", Json.toBytes info ]

    let private fail (message: string) = raise (ArtifactException message)

    let private verify (source: string) (files: Map<string, byte[]>) =
        let info =
            match files.TryFind "info.json" with
            | Some bytes ->
                try
                    Json.ofBytes bytes
                with e ->
                    raise (ArtifactException($"%s{source}: info.json is not valid JSON (corrupt artifact)", e))
            | None -> fail $"%s{source}: no info.json; this is not a Gordo for .NET model artifact"

        match Value.tryGet "format" info, Value.tryGet "format_version" info with
        | Some(Value.String f), _ when f <> formatName -> fail $"%s{source}: foreign artifact format '%s{f}'"
        | Some(Value.String _), Some(Value.Int v) when v <> formatVersion ->
            fail
                $"%s{source}: artifact format version %d{v} is not supported (this build reads version %d{formatVersion}); rebuild the model"
        | Some(Value.String _), Some(Value.Int _) -> ()
        | _ -> fail $"%s{source}: info.json lacks format/format_version; not a Gordo for .NET model artifact"

        for name in dataFiles do
            let expected =
                Value.tryGet "files" info
                |> Option.bind (Value.tryGet name)
                |> Option.bind (Value.tryGet "sha256")

            match files.TryFind name, expected with
            | None, _ -> fail $"%s{source}: %s{name} is missing"
            | Some bytes, Some(Value.String hash) when hash = sha256 bytes -> ()
            | Some _, _ -> fail $"%s{source}: checksum mismatch for %s{name} (corrupt or modified artifact)"

    let private ofFiles (source: string) (files: Map<string, byte[]>) : LoadedModel =
        verify source files

        try
            let definition = Json.ofBytes files.["definition.json"]
            let model = Definition.fromValue definition
            model.LoadState(StateFormat.ofBytes files.["state.bin"])

            {
                Model = model
                Definition = definition
                Metadata = Json.ofBytes files.["metadata.json"]
            }
        with
        | :? ArtifactException -> reraise ()
        | e -> raise (ArtifactException($"%s{source}: cannot load the model: %s{e.Message}", e))

    /// Writes an artifact directory atomically (`AtomicPath.replaceDirectory`: a sibling temp
    /// dir renamed into place; if the swap fails the previous directory is restored).
    let save (directory: string) (model: Estimator) (metadata: Value) : unit =
        AtomicPath.replaceDirectory directory (fun temp ->
            for name, bytes in files model metadata do
                File.WriteAllBytes(Path.Combine(temp, name), bytes))

    /// Loads an artifact directory, verifying format, version and checksums.
    let load (directory: string) : LoadedModel =
        if not (Directory.Exists directory) then
            fail $"%s{directory}: no such model directory"

        Directory.GetFiles directory
        |> Array.map (fun path -> Path.GetFileName path, File.ReadAllBytes path)
        |> Map.ofArray
        |> ofFiles directory

    /// The artifact as one tar byte stream (for `download-model`).
    let dumps (model: Estimator) (metadata: Value) : byte[] =
        use stream = new MemoryStream()

        using (new TarWriter(stream, TarEntryFormat.Pax, true)) (fun tar ->
            for name, bytes in files model metadata do
                let entry = PaxTarEntry(TarEntryType.RegularFile, name)
                entry.DataStream <- new MemoryStream(bytes)
                tar.WriteEntry entry)

        stream.ToArray()

    /// Loads a model from `dumps` bytes.
    let loads (bytes: byte[]) : LoadedModel =
        let entries =
            try
                use tar = new TarReader(new MemoryStream(bytes))

                Seq.initInfinite (fun _ -> tar.GetNextEntry true)
                |> Seq.takeWhile (isNull >> not)
                |> Seq.map (fun entry ->
                    use data = new MemoryStream()

                    if not (isNull entry.DataStream) then
                        entry.DataStream.CopyTo data

                    entry.Name, data.ToArray())
                |> Map.ofSeq
            with
            | :? ArtifactException -> reraise ()
            | e -> raise (ArtifactException($"model bytes are not a Gordo model archive: %s{e.Message}", e))

        ofFiles "model bytes" entries
