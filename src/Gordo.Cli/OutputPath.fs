namespace Gordo.Cli

open System
open System.IO
open Gordo.Core

/// What an output option names: a file to write, or a directory to write files into.
[<RequireQualifiedAccess>]
type OutputKind =
    | File
    | Directory

/// Failures to write a command's output, reported as one line that says what is wrong and how
/// to fix it (exit 20, as `gordo local-build` reports an unwritable output folder).
[<RequireQualifiedAccess>]
module OutputPath =
    /// The exit code of an output that cannot be written (PermissionError, spec §6.5).
    let unwritableExitCode = 20

    /// The closest path at or above `full` that exists (the root when none does).
    let rec private closestExisting (full: string) : string =
        match Path.GetDirectoryName full with
        | parent when isNull parent || Path.Exists full -> full
        | parent -> closestExisting parent

    /// Why `path` could not be written by `e`, and what to do about it (`option` names the
    /// command-line option that chose the path).
    let problem (kind: OutputKind) (option: string) (path: string) (e: exn) : string =
        let full = Path.GetFullPath path
        let existing = closestExisting full
        let parent = Path.GetDirectoryName full

        match kind with
        | OutputKind.File when Directory.Exists full -> $"it is a directory, not a file; name a file for %s{option}"
        | OutputKind.Directory when File.Exists full -> $"it is a file, not a directory; choose another %s{option}"
        | _ when existing <> full && File.Exists existing ->
            $"'%s{existing}' is a file, not a directory; choose another %s{option}"
        | OutputKind.File when existing <> full && existing <> parent ->
            $"the directory '%s{parent}' does not exist; create it or choose another %s{option}"
        | _ ->
            match e with
            | :? UnauthorizedAccessException -> $"permission denied; fix its permissions or choose another %s{option}"
            | _ when IoFailure.isReadOnly e -> $"the file system is read-only; choose another %s{option}"
            | _ when IoFailure.isDiskFull e -> $"no space left on device; free space there or choose another %s{option}"
            | _ -> $"%s{e.Message.TrimEnd '.'}; choose another %s{option}"

    /// Runs `write` (for a file, first removing the temporary siblings a killed write of it left,
    /// see `AtomicPath`); an I/O or permission failure is printed as `<command>: cannot write to
    /// '<path>': <problem>` and becomes `Error unwritableExitCode`.
    let writing
        (command: string)
        (kind: OutputKind)
        (option: string)
        (path: string)
        (write: unit -> 'T)
        : Result<'T, int> =
        try
            if kind = OutputKind.File then
                let full = Path.GetFullPath path
                AtomicPath.clean (Path.GetDirectoryName full) (Some(Path.GetFileName full))

            Ok(write ())
        with
        | :? IOException
        | :? UnauthorizedAccessException as e ->
            eprintfn "%s: cannot write to '%s': %s" command path (problem kind option path e)
            Error unwritableExitCode
