namespace Gordo.Server

open System
open System.IO

/// The revision a request works on (spec §5.2).
type internal RequestRevision = {
    /// The effective revision name (echoed in the `revision` key and header).
    Name: string
    /// Its model directory.
    Directory: string
}

/// Revision selection: query `revision`, else header `revision`, else the current one.
[<RequireQualifiedAccess>]
module internal Revision =
    /// How many characters of an invalid revision are echoed back.
    let private EchoLimit = 100

    /// True when a revision name is all ASCII digits (never a path; `\d` would also accept
    /// Arabic-Indic, Devanagari or fullwidth digits).
    let isValid (revision: string) : bool =
        revision.Length > 0 && String.forall Char.IsAsciiDigit revision

    /// A requested revision as it can be echoed in the `revision` header and key: printable
    /// ASCII kept, any other character (control, non-ASCII) as `?`, at most 100 characters
    /// (Kestrel refuses such characters in a response header, which made the reply a 500).
    let echo (requested: string) : string =
        let shown =
            String.map
                (fun c -> if c >= ' ' && c <= '~' then c else '?')
                (requested.Substring(0, min requested.Length EchoLimit))

        if requested.Length > EchoLimit then
            $"%s{shown}... (%d{requested.Length} characters)"
        else
            shown

    /// The current revision: the basename of the collection directory.
    let current (collectionDir: string) : string =
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath collectionDir))

    /// Resolves a requested revision against the collection directory; the error carries the
    /// 410 reply and the (invalid) revision to echo.
    let resolve (collectionDir: string) (requested: string option) : Result<RequestRevision, Reply * string> =
        let dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath collectionDir)

        match requested with
        | None -> Ok { Name = current dir; Directory = dir }
        | Some r when not (isValid r) ->
            Error(Reply.jsonError 410 "error" "Revision should only contains numbers.", echo r)
        | Some r ->
            let target = Path.Combine(Path.GetDirectoryName dir, r)

            if Directory.Exists target then
                Ok { Name = r; Directory = target }
            else
                Error(Reply.jsonError 410 "error" $"Revision '%s{echo r}' not found.", echo r)
