namespace Gordo.Build

open Gordo.Models

open System.IO

/// Gordo's disk registry (spec §4.9): a directory of files, file name = key, content = value
/// (text without a trailing newline).
[<RequireQualifiedAccess>]
module internal DiskRegistry =
    let private file (directory: string) (key: string) =
        if
            key.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || key = ""
            || key.StartsWith "."
        then
            invalidArg (nameof key) $"'%s{key}' cannot be a registry key (it must be a plain file name)"

        Path.Combine(directory, key)

    /// Writes (or overwrites) `key`, creating the directory if needed. The file is replaced
    /// atomically, so a reader never sees a half-written value.
    let write (directory: string) (key: string) (value: string) : unit =
        Directory.CreateDirectory directory |> ignore
        Gordo.Core.AtomicPath.writeAllText (file directory key) value

    /// The value of `key`, or None when the key (or the directory) does not exist.
    let tryGet (directory: string) (key: string) : string option =
        let path = file directory key

        if File.Exists path then
            Some(File.ReadAllText path)
        else
            None

    /// Deletes `key`; true when it existed.
    let delete (directory: string) (key: string) : bool =
        let path = file directory key

        if File.Exists path then
            File.Delete path
            true
        else
            false
