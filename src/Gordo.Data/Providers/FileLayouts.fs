namespace Gordo.Data

open Gordo.Core

open System
open System.IO
open Gordo.Core.Config

/// Long-layout CSV files: rows of (tag, timestamp, value).
[<RequireQualifiedAccess>]
module internal LongCsv =

    let private columnOf (path: string) (header: string[]) (name: string) =
        match Array.tryFindIndex ((=) name) header with
        | Some i -> Ok i
        | None -> Error(FileError.NoTimestampColumn(path, name, List.ofArray header))

    /// Reads the timestamp, tag and value columns of a long CSV file.
    let read (path: string) (timestampColumn: string) (tagColumn: string) (valueColumn: string) =
        if not (File.Exists path) then
            Error(FileError.NotFound path)
        else
            let lines =
                File.ReadAllLines path |> Array.filter (String.IsNullOrWhiteSpace >> not)

            let header =
                if lines.Length = 0 then
                    [||]
                else
                    FrameIO.splitCsvLine ',' lines.[0] |> Array.map (fun h -> h.Trim())

            let rows =
                lines |> Array.skip (min 1 lines.Length) |> Array.map (FrameIO.splitCsvLine ',')

            match
                columnOf path header timestampColumn, columnOf path header tagColumn, columnOf path header valueColumn
            with
            | Ok ts, Ok tag, Ok v ->
                let cell (r: string[]) i = if i < r.Length then r.[i] else ""

                let parse (k: int) (r: string[]) =
                    match FrameIO.tryParseTimestamp (cell r ts), FrameIO.tryParseValue (cell r v) with
                    | Some t, Some x -> Ok(t.UtcTicks, cell r tag, x)
                    | None, _ -> Error(FileError.BadTimestamp(path, k + 2, cell r ts))
                    | _, None -> Error(FileError.NotNumeric(path, k + 2, valueColumn, cell r v))

                let parsed = rows |> Array.mapi parse

                match
                    parsed
                    |> Array.tryPick (function
                        | Error e -> Some e
                        | Ok _ -> None)
                with
                | Some e -> Error e
                | None ->
                    let ok =
                        parsed
                        |> Array.map (function
                            | Ok x -> x
                            | Error _ -> (0L, "", nan))

                    Ok [
                        timestampColumn, ColumnData.Times(ok |> Array.map (fun (t, _, _) -> t))
                        tagColumn, ColumnData.Texts(ok |> Array.map (fun (_, g, _) -> g))
                        valueColumn, ColumnData.Numbers(ok |> Array.map (fun (_, _, x) -> x))
                    ]
            | Error e, _, _
            | _, Error e, _
            | _, _, Error e -> Error e

/// Splitting long-layout columns into per-tag series.
[<RequireQualifiedAccess>]
module internal LongLayout =

    /// One unsorted one-column frame per tag found in the columns.
    let split
        (path: string)
        (timestampColumn: string)
        (tagColumn: string)
        (valueColumn: string)
        (columns: (string * ColumnData) list)
        =
        let find name =
            columns |> List.tryFind (fst >> (=) name) |> Option.map snd

        match find timestampColumn, find tagColumn, find valueColumn with
        | Some(ColumnData.Times t), Some(ColumnData.Texts g), Some(ColumnData.Numbers v) ->
            Array.init t.Length id
            |> Array.groupBy (fun i -> g.[i])
            |> Array.map (fun (tag, rows) -> {
                Index = rows |> Array.map (fun i -> t.[i])
                Offset = TimeSpan.Zero
                Columns = [| tag |]
                Data = [| rows |> Array.map (fun i -> v.[i]) |]
            })
            |> List.ofArray
            |> Ok
        | _ ->
            let problem =
                sprintf
                    "a long-layout file needs a timestamp column '%s', a text column '%s' and a numeric column '%s'"
                    timestampColumn
                    tagColumn
                    valueColumn

            Error(ProviderError.File(FileError.Unreadable(path, problem)))

/// Combining pieces of one tag's series from several files.
[<RequireQualifiedAccess>]
module internal Concat =

    let private combine (source: string) (tag: string) (pieces: Frame list) : Result<Frame, ProviderError> =
        let index, values =
            match pieces with
            | [ one ] -> one.Index, one.Data.[0]
            | _ ->
                pieces |> List.map (fun f -> f.Index) |> Array.concat,
                pieces |> List.map (fun f -> f.Data.[0]) |> Array.concat

        let mutable sorted = true

        for i in 1 .. index.Length - 1 do
            if index.[i] <= index.[i - 1] then
                sorted <- false

        let offset =
            pieces
            |> List.tryHead
            |> Option.map (fun f -> f.Offset)
            |> Option.defaultValue TimeSpan.Zero

        let sortedIndex, sortedValues =
            if sorted then
                index, values
            else
                let order = Array.init index.Length id |> Array.sortBy (fun i -> index.[i])
                order |> Array.map (fun i -> index.[i]), order |> Array.map (fun i -> values.[i])

        Frame.create offset sortedIndex [ tag, sortedValues ]
        |> Result.map Frame.dropNaRows
        |> Result.mapError (fun e -> ProviderError.File(FileError.BadIndex(sprintf "%s (tag '%s')" source tag, e)))

    /// For each tag, its pieces concatenated and sorted (NaN samples dropped); duplicates are an
    /// error; a tag without pieces gets an empty frame.
    let perTag (source: string) (tags: SensorTag list) (pieces: Frame list) : Result<Frame list, ProviderError> =
        let folder (acc: Result<Frame list, ProviderError>) (t: SensorTag) =
            acc
            |> Result.bind (fun xs ->
                combine source t.Name (pieces |> List.filter (fun f -> f.Columns.[0] = t.Name))
                |> Result.map (fun f -> f :: xs))

        tags |> List.fold folder (Ok []) |> Result.map List.rev
