namespace Gordo.Build

open System
open System.IO
open Gordo.Core

/// The folder a build writes model directories into.
[<RequireQualifiedAccess>]
module OutputFolder =
    let private prepareIn (folder: string) (name: string option) : Result<unit, BuildError> =
        try
            Directory.CreateDirectory folder |> ignore
            AtomicPath.clean folder name
            // A real write, not a permission check: it also sees read-only mounts, ACLs and quotas.
            let probe = AtomicPath.tempSibling (Path.Combine(folder, "write-check"))
            File.WriteAllBytes(probe, [||])
            File.Delete probe
            Ok()
        with
        | :? IOException
        | :? UnauthorizedAccessException as e -> Error(BuildError.Unwritable(folder, e))

    /// Creates `folder` if needed, recovers what builds killed there left behind (a previous
    /// model directory moved aside mid-swap goes back, temporary entries are deleted) and checks
    /// that a file can be written there; run before fetching any data.
    let prepare (folder: string) : Result<unit, BuildError> =
        prepareIn (Path.GetFullPath folder) None

    /// `prepare` for the folder that holds one model directory, touching only that model's
    /// leftovers (other builds may share the folder).
    let prepareModel (modelDirectory: string) : Result<unit, BuildError> =
        let full = Path.GetFullPath modelDirectory
        prepareIn (Path.GetDirectoryName full) (Some(Path.GetFileName full))
