namespace Gordo.Server

open System.IO
open System.Text.RegularExpressions

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
    let private numeric = Regex(@"^\d+$", RegexOptions.Compiled)

    /// True when a revision name is all digits (never a path).
    let isValid (revision: string) : bool = numeric.IsMatch revision

    /// The current revision: the basename of the collection directory.
    let current (collectionDir: string) : string =
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath collectionDir))

    /// Resolves a requested revision against the collection directory; the error carries the
    /// 410 reply and the (invalid) revision to echo.
    let resolve (collectionDir: string) (requested: string option) : Result<RequestRevision, Reply * string> =
        let dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath collectionDir)

        match requested with
        | None -> Ok { Name = current dir; Directory = dir }
        | Some r when not (isValid r) -> Error(Reply.jsonError 410 "error" "Revision should only contains numbers.", r)
        | Some r ->
            let target = Path.Combine(Path.GetDirectoryName dir, r)

            if Directory.Exists target then
                Ok { Name = r; Directory = target }
            else
                Error(Reply.jsonError 410 "error" $"Revision '%s{r}' not found.", r)
