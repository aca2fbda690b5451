namespace Gordo.Server

open System
open System.IO
open System.Security.Cryptography
open System.Text

/// What a caller may do.
[<RequireQualifiedAccess>]
type internal Role =
    /// GET routes and POST predictions.
    | Read
    /// Also `DELETE .../revision/...` and `download-model`.
    | Admin

/// The API keys of `GORDO_SERVER_API_KEYS_FILE`: one `KEY ROLE` per line (role `read` or
/// `admin`; blank lines and `#` comments ignored). Keys are kept as SHA-256 digests and compared
/// in constant time; no message names a key.
[<RequireQualifiedAccess>]
module internal ApiKeys =
    /// The digests of the keys with their roles.
    type Table = (byte[] * Role)[]

    let private digest (key: string) =
        SHA256.HashData(Encoding.UTF8.GetBytes key)

    /// Parses the file's text; the error names the line (never its key).
    let parse (text: string) : Result<Table, string> =
        let lines = text.Split '\n'

        let entry (number: int) (line: string) =
            match line.Trim().Split((null: char[]), StringSplitOptions.RemoveEmptyEntries) with
            | [||] -> Ok None
            | words when words.[0].StartsWith "#" -> Ok None
            | [| key; role |] ->
                match role.ToLowerInvariant() with
                | "read" -> Ok(Some(digest key, Role.Read))
                | "admin" -> Ok(Some(digest key, Role.Admin))
                | _ -> Error $"line %d{number}: the role is neither read nor admin"
            | _ -> Error $"line %d{number}: expected KEY ROLE (two words, role read or admin)"

        let entries = lines |> Array.mapi (fun i line -> entry (i + 1) line)

        match
            entries
            |> Array.tryPick (function
                | Error e -> Some e
                | Ok _ -> None)
        with
        | Some e -> Error e
        | None ->
            let table = entries |> Array.choose (Result.toOption >> Option.flatten)

            if table.Length = 0 then
                Error "no keys (write one KEY ROLE per line)"
            else
                Ok table

    /// The role of a presented key: every entry is compared (no early exit), each in constant
    /// time, so the time does not tell how much of a key matched or which entry did.
    let roleOf (table: Table) (presented: string) : Role option =
        let candidate = digest presented
        let mutable found = None

        for stored, role in table do
            if CryptographicOperations.FixedTimeEquals(ReadOnlySpan stored, ReadOnlySpan candidate) then
                found <- Some role

        found

/// A keys file re-read when its modification time or size changes (checked at most once a
/// second); a file that becomes unreadable or invalid keeps the previous keys (`warn` says why).
type internal ApiKeysFile(path: string, warn: string -> unit) =
    let stamp () =
        let info = FileInfo path
        info.LastWriteTimeUtc, info.Length

    let read () =
        ApiKeys.parse (File.ReadAllText path)
        |> Result.mapError (fun e -> $"GORDO_SERVER_API_KEYS_FILE %s{path}: %s{e}")

    let mutable current: ApiKeys.Table * (DateTime * int64) =
        [||], (DateTime.MinValue, 0L)

    let mutable checkedAt = DateTime.MinValue
    let gate = obj ()

    let refresh () =
        lock gate (fun () ->
            let now = DateTime.UtcNow

            if now - checkedAt >= TimeSpan.FromSeconds 1.0 then
                checkedAt <- now

                try
                    let s = stamp ()

                    if s <> snd current then
                        match read () with
                        | Ok table -> current <- table, s
                        | Error e -> warn $"%s{e}; keeping the previous keys"
                with
                | :? IOException
                | :? UnauthorizedAccessException as e ->
                    warn
                        $"GORDO_SERVER_API_KEYS_FILE %s{path} cannot be read (%s{e.Message}); keeping the previous keys")

    /// Reads the file once; the error says what is wrong (start-up refuses to run without keys).
    member _.Load() : Result<unit, string> =
        try
            let s = stamp ()

            read ()
            |> Result.map (fun table ->
                current <- table, s
                checkedAt <- DateTime.UtcNow)
        with
        | :? IOException
        | :? UnauthorizedAccessException as e ->
            Error $"GORDO_SERVER_API_KEYS_FILE %s{path} cannot be read (%s{e.Message})"

    /// The role of a presented key under the file's current keys.
    member _.RoleOf(presented: string) : Role option =
        if DateTime.UtcNow - checkedAt >= TimeSpan.FromSeconds 1.0 then
            refresh ()

        ApiKeys.roleOf (fst current) presented
