namespace Gordo.Cli

open System

/// The log level every command shares: the root `--log-level` sets `GORDO_LOG_LEVEL` for the
/// process, and each command reads it when its own option (if it has one) is not given.
[<RequireQualifiedAccess>]
module LogLevel =
    /// The level names, as Gordo's (Python logging) names them.
    let names = [ "debug"; "info"; "warning"; "error"; "critical" ]

    /// The variable the root option sets.
    let Variable = "GORDO_LOG_LEVEL"

    /// A level name (any case), lower-cased; an error names the accepted ones.
    let tryParse (text: string) : Result<string, string> =
        let level = text.Trim().ToLowerInvariant()

        if List.contains level names then
            Ok level
        else
            Error $"""--log-level: '%s{text}' is not %s{String.Join(", ", names)}"""

    /// `GORDO_LOG_LEVEL` if set (not checked here), else None.
    let fromEnvironment () : string option =
        Environment.GetEnvironmentVariable Variable
        |> Option.ofObj
        |> Option.filter ((<>) "")

    /// Progress lines are shown at debug and info (the default), not at warning and above.
    let showsProgress () : bool =
        match fromEnvironment () |> Option.map (fun l -> l.ToLowerInvariant()) with
        | Some("warning" | "error" | "critical") -> false
        | _ -> true

    /// The root `--log-level LEVEL` (or `--log-level=LEVEL`) in front of the subcommand, taken out
    /// of the arguments: the level and the rest.
    let split (argv: string list) : Result<string option * string list, string> =
        match argv with
        | "--log-level" :: level :: rest -> tryParse level |> Result.map (fun l -> Some l, rest)
        | [ "--log-level" ] -> Error "--log-level needs a level: debug, info, warning, error or critical"
        | first :: rest when first.StartsWith "--log-level=" ->
            tryParse (first.Substring "--log-level=".Length)
            |> Result.map (fun l -> Some l, rest)
        | _ -> Ok(None, argv)
