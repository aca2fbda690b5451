namespace Gordo.Data

open Gordo.Core

open System
open System.IO
open System.Threading.Tasks
open Gordo.Core.Config

/// Picks tag columns out of wide frames.
module private Wide =
    /// Each tag's samples within [start, finish] from a wide frame; a missing column is an error.
    let pick (source: string) (start: DateTimeOffset) (finish: DateTimeOffset) (tags: SensorTag list) (f: Frame) =
        let window = Frame.slice start finish f

        let one (t: SensorTag) =
            match Frame.tryColumn t.Name window with
            | Some c ->
                {
                    window with
                        Columns = [| t.Name |]
                        Data = [| c |]
                }
                |> Frame.filterRows (c |> Array.map (Double.IsNaN >> not))
            | None -> {
                Frame.empty [ t.Name ] with
                    Offset = f.Offset
              }

        ignore source
        Ok(List.map one tags)

/// `gordo_core.data_providers.contrib.csv_provider.CSVDataProvider(file_path, timestamp_column,
/// sep=",")`: one wide CSV file, a timestamp column and one column per tag. NaN cells are
/// dropped from the series (pandas reads them as missing).
type internal CsvDataProvider(filePath: string, timestampColumn: string option, sep: char) =

    // Parsed once per provider: get_data asks for one tag at a time.
    let frame = lazy (FrameIO.readCsv filePath sep timestampColumn)

    /// The canonical class path.
    static member TypeName = "gordo_core.data_providers.contrib.csv_provider.CSVDataProvider"

    interface IDataProvider with
        member _.TypeName = CsvDataProvider.TypeName

        member _.LoadAsync(start, finish, tags, _) =
            frame.Force()
            |> Result.mapError ProviderError.File
            |> Result.bind (Wide.pick filePath start finish tags)
            |> Task.FromResult

/// Layout of historian exports read by `FileDataProvider`.
[<RequireQualifiedAccess>]
type FileLayout =
    /// A timestamp column plus one numeric column per tag.
    | Wide
    /// Rows of (tag, timestamp, value) in columns named by `tag_column`, `timestamp_column`,
    /// `value_column` (defaults `tag`, `timestamp`, `value`).
    | Long

/// `FileDataProvider(path, layout="wide", timestamp_column=None, tag_column="tag",
/// value_column="value")`: historian exports in a file or a directory of `*.parquet`/`*.csv`
/// files (e.g. one per month). Series of the same tag from several files are concatenated;
/// overlapping timestamps are an error naming the file.
type FileDataProvider
    (path: string, layout: FileLayout, timestampColumn: string option, tagColumn: string, valueColumn: string) =

    let files () : Result<string list, ProviderError> =
        if File.Exists path then
            Ok [ path ]
        elif Directory.Exists path then
            Directory.GetFiles path
            |> Array.filter (fun f -> f.EndsWith ".parquet" || f.EndsWith ".csv")
            |> Array.sort
            |> List.ofArray
            |> Ok
        else
            Error(ProviderError.File(FileError.NotFound path))

    // get_data asks for one tag at a time: cache Parquet schemas and parsed CSV files.
    let schemas =
        Collections.Concurrent.ConcurrentDictionary<string, Result<string list, FileError>>()

    let csvFrames =
        Collections.Concurrent.ConcurrentDictionary<string, Result<Frame, FileError>>()

    let readWide (wanted: Set<string>) (file: string) : Result<Frame option, FileError> =
        if file.EndsWith ".parquet" then
            schemas.GetOrAdd(file, ParquetIO.columnNames)
            |> Result.bind (fun names ->
                if names |> List.exists wanted.Contains then
                    ParquetIO.readWhere wanted.Contains file timestampColumn |> Result.map Some
                else
                    Ok None)
        else
            csvFrames.GetOrAdd(file, fun f -> FrameIO.readCsv f ',' timestampColumn)
            |> Result.map Some

    let readLong (file: string) : Result<(string * ColumnData) list, FileError> =
        if file.EndsWith ".parquet" then
            ParquetIO.readColumns file
        else
            LongCsv.read file (defaultArg timestampColumn "timestamp") tagColumn valueColumn

    // Long-layout pieces are not sorted yet: select by mask, not by range.
    let inRange (start: DateTimeOffset) (finish: DateTimeOffset) (f: Frame) =
        Frame.filterRows (f.Index |> Array.map (fun t -> t >= start.UtcTicks && t <= finish.UtcTicks)) f

    /// The canonical class path.
    static member TypeName = "gordo_core.data_providers.providers.FileDataProvider"

    member private _.Wide (start: DateTimeOffset) (finish: DateTimeOffset) (tags: SensorTag list) (file: string) =
        readWide (tags |> List.map (fun t -> t.Name) |> set) file
        |> Result.mapError ProviderError.File
        |> Result.bind (function
            | None -> Ok []
            | Some f ->
                let present = tags |> List.filter (fun t -> Array.contains t.Name f.Columns)
                Wide.pick file start finish present f)

    member private this.LoadWide start finish tags (all: string list) =
        all
        |> List.fold
            (fun acc file ->
                acc
                |> Result.bind (fun xs -> this.Wide start finish tags file |> Result.map (fun x -> x @ xs)))
            (Ok [])
        |> Result.bind (Concat.perTag path tags)

    member private _.LoadLong
        (start: DateTimeOffset)
        (finish: DateTimeOffset)
        (tags: SensorTag list)
        (all: string list)
        =
        all
        |> List.fold
            (fun acc file ->
                acc
                |> Result.bind (fun xs ->
                    readLong file
                    |> Result.mapError ProviderError.File
                    |> Result.bind (
                        LongLayout.split file (defaultArg timestampColumn "timestamp") tagColumn valueColumn
                    )
                    |> Result.map (fun frames -> frames |> List.map (inRange start finish) |> List.append xs)))
            (Ok [])
        |> Result.bind (Concat.perTag path tags)

    interface IDataProvider with
        member _.TypeName = FileDataProvider.TypeName

        member this.LoadAsync(start, finish, tags, _) =
            files ()
            |> Result.bind (fun all ->
                match layout with
                | FileLayout.Wide -> this.LoadWide start finish tags all
                | FileLayout.Long -> this.LoadLong start finish tags all)
            |> Task.FromResult
