namespace Gordo.Data

open Gordo.Core

open System
open System.Globalization
open System.IO

/// Why a data file could not be read.
[<RequireQualifiedAccess>]
type FileError =
    /// The file does not exist.
    | NotFound of path: string
    /// The file exists but is not valid CSV/Parquet (reason from the reader).
    | Unreadable of path: string * reason: string
    /// The timestamp column is missing.
    | NoTimestampColumn of path: string * column: string * available: string list
    /// A timestamp does not parse.
    | BadTimestamp of path: string * row: int * text: string
    /// A value is not a number.
    | NotNumeric of path: string * row: int * column: string * text: string
    /// The rows do not form a valid index (unsorted, duplicates).
    | BadIndex of path: string * error: FrameError

    /// A one-line description naming the file, the place and how to fix it.
    member this.Message: string =
        match this with
        | NotFound p -> sprintf "%s: file not found" p
        | Unreadable(p, r) -> sprintf "%s: cannot be read: %s" p r
        | NoTimestampColumn(p, c, av) ->
            sprintf "%s: no timestamp column '%s' (columns: %s)" p c (String.concat ", " av)
        | BadTimestamp(p, r, t) ->
            sprintf
                "%s: row %d: '%s' is not a timestamp; write ISO 8601 with an offset, e.g. 2020-01-01T00:00:00+00:00"
                p
                r
                t
        | NotNumeric(p, r, c, t) -> sprintf "%s: row %d, column '%s': '%s' is not a number" p r c t
        | BadIndex(p, e) -> sprintf "%s: %s" p e.Message

/// CSV and Parquet reading and writing of frames (wide layout: a timestamp column, then one
/// column per tag).
[<RequireQualifiedAccess>]
module FrameIO =

    /// Splits one CSV line on `sep`, honouring double quotes (`""` is a literal quote).
    let internal splitCsvLine (sep: char) (line: string) : string[] =
        let fields = ResizeArray<string>()
        let cur = Text.StringBuilder()
        let mutable quoted = false
        let mutable i = 0

        while i < line.Length do
            let c = line.[i]

            if quoted && c = '"' && i + 1 < line.Length && line.[i + 1] = '"' then
                cur.Append '"' |> ignore
                i <- i + 1
            elif c = '"' then
                quoted <- not quoted
            elif c = sep && not quoted then
                fields.Add(cur.ToString())
                cur.Clear() |> ignore
            else
                cur.Append c |> ignore

            i <- i + 1

        fields.Add(cur.ToString())
        fields.ToArray()

    /// Parses a timestamp; text without an offset is taken as UTC.
    let internal tryParseTimestamp (text: string) : DateTimeOffset option =
        let styles = DateTimeStyles.AssumeUniversal ||| DateTimeStyles.AllowWhiteSpaces

        match DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles) with
        | true, t -> Some t
        | _ -> None

    /// Parses a cell as a float: empty, `nan`, `NaN`, `null` and `NA` are NaN.
    let internal tryParseValue (text: string) : float option =
        match text.Trim() with
        | ""
        | "nan"
        | "NaN"
        | "NA"
        | "null"
        | "None" -> Some nan
        | t ->
            match Double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, v -> Some v
            | _ -> None

    let private parseRows (path: string) (header: string[]) (ts: int) (rows: string[][]) =
        let valueColumns = [ 0 .. header.Length - 1 ] |> List.filter ((<>) ts)
        let stamps = Array.zeroCreate rows.Length

        let data =
            valueColumns
            |> List.map (fun _ -> Array.zeroCreate<float> rows.Length)
            |> Array.ofList

        let parseRow (r: int) =
            let cells = rows.[r]

            let cell i =
                if i < cells.Length then cells.[i] else ""

            if cells.Length > header.Length then
                // (as pandas: "Expected 3 fields in line 5, saw 4"; a short row reads as missing values)
                Some(
                    FileError.Unreadable(
                        path,
                        $"line %d{r + 2} has %d{cells.Length} fields but the header has %d{header.Length}; remove the extra fields or name them in the header"
                    )
                )
            else

                match tryParseTimestamp (cell ts) with
                | None -> Some(FileError.BadTimestamp(path, r + 2, cell ts))
                | Some t ->
                    stamps.[r] <- t

                    valueColumns
                    |> List.indexed
                    |> List.tryPick (fun (k, c) ->
                        match tryParseValue (cell c) with
                        | Some v ->
                            data.[k].[r] <- v
                            None
                        | None -> Some(FileError.NotNumeric(path, r + 2, header.[c], cell c)))

        match Seq.init rows.Length id |> Seq.tryPick parseRow with
        | Some e -> Error e
        | None ->
            let columns = valueColumns |> List.mapi (fun k c -> header.[c], data.[k])

            Frame.ofTimestamps stamps columns
            |> Result.mapError (fun e -> FileError.BadIndex(path, e))

    /// Reads a wide CSV file: `timestampColumn` (or, when None, the first column) holds the
    /// timestamps, every other column is numeric.
    let readCsv (path: string) (sep: char) (timestampColumn: string option) : Result<Frame, FileError> =
        if not (File.Exists path) then
            Error(FileError.NotFound path)
        else
            let lines =
                File.ReadAllLines path |> Array.filter (String.IsNullOrWhiteSpace >> not)

            if lines.Length = 0 then
                Error(FileError.Unreadable(path, "the file is empty (a header line is needed)"))
            else
                let header = splitCsvLine sep lines.[0] |> Array.map (fun h -> h.Trim())
                let wanted = defaultArg timestampColumn header.[0]

                match Array.tryFindIndex ((=) wanted) header with
                | None -> Error(FileError.NoTimestampColumn(path, wanted, List.ofArray header))
                | Some ts -> parseRows path header ts (lines.[1..] |> Array.map (splitCsvLine sep))

    let private formatValue (v: float) : string =
        if Double.IsNaN v then
            ""
        else
            v.ToString("R", CultureInfo.InvariantCulture)

    let private quote (s: string) : string =
        if s.Contains "," || s.Contains "\"" then
            "\"" + s.Replace("\"", "\"\"") + "\""
        else
            s

    /// Formats a timestamp as pandas prints it: `2020-01-01 00:00:00+00:00`.
    let formatTimestamp (t: DateTimeOffset) : string =
        let frac =
            if t.Ticks % TimeSpan.TicksPerSecond = 0L then
                ""
            else
                ".ffffff"

        t.ToString("yyyy-MM-dd HH:mm:ss" + frac + "zzz", CultureInfo.InvariantCulture)

    /// Writes a frame as CSV: a `timestamp` column in pandas format, then the columns; NaN is empty.
    /// The file is replaced atomically (`AtomicPath.write`).
    let writeCsv (path: string) (f: Frame) : unit =
        AtomicPath.writeText path (fun w ->
            w.WriteLine(String.Join(",", Array.append [| "timestamp" |] (Array.map quote f.Columns)))

            for i in 0 .. f.Index.Length - 1 do
                let stamp = formatTimestamp (Frame.toTimestamp f.Offset f.Index.[i])
                w.Write stamp

                for c in f.Data do
                    w.Write ','
                    w.Write(formatValue c.[i])

                w.WriteLine())
