namespace Gordo.Data

open Gordo.Core

open System
open System.IO
open System.Threading
open Parquet
open Parquet.Schema

/// The values of one Parquet column, converted to the types the data layer uses.
[<RequireQualifiedAccess>]
type ColumnData =
    /// Timestamps as UTC ticks.
    | Times of int64[]
    /// Numbers (nulls become NaN).
    | Numbers of float[]
    /// Text (nulls stay null).
    | Texts of string[]

/// The values of one column to write.
[<RequireQualifiedAccess>]
type WriteColumn =
    /// Timestamps (UTC instants, or wall-clock times when `adjustedToUtc` is false); null = missing.
    | Times of values: Nullable<DateTime>[] * adjustedToUtc: bool
    /// 64-bit integers.
    | Integers of int64[]
    /// Doubles (NaN kept as NaN).
    | Numbers of float[]

/// A Parquet table read from a stream: its flat columns and its key-value metadata (e.g. the
/// `pandas` document pyarrow writes).
type ParquetTable = {
    /// Flat columns of supported types, in file order.
    Columns: (string * ColumnData) list
    /// The file's key-value metadata.
    Metadata: Map<string, string>
}

/// Parquet reading and writing of frames via Parquet.Net (no native code).
[<RequireQualifiedAccess>]
module ParquetIO =

    let private await (t: Threading.Tasks.Task<'T>) : 'T = t.GetAwaiter().GetResult()

    let private awaitUnit (t: Threading.Tasks.Task) : unit = t.GetAwaiter().GetResult()

    let private disposing (resource: IAsyncDisposable) (body: unit -> 'T) : 'T =
        try
            body ()
        finally
            resource.DisposeAsync().AsTask() |> awaitUnit

    /// Reads a column converting each value with `conv`; nulls become `missing`.
    let private readAs<'T, 'U when 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T)>
        (conv: 'T -> 'U)
        (missing: 'U)
        (rg: ParquetRowGroupReader)
        (field: DataField)
        (n: int)
        : 'U[] =
        if field.IsNullable then
            let buf = Array.zeroCreate<Nullable<'T>> n

            rg.ReadAsync<'T>(field, Memory<Nullable<'T>>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            buf |> Array.map (fun v -> if v.HasValue then conv v.Value else missing)
        else
            let buf = Array.zeroCreate<'T> n

            rg.ReadAsync<'T>(field, Memory<'T>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            Array.map conv buf

    let private numbers (conv: 'T -> float) rg field n : ColumnData =
        ColumnData.Numbers(readAs conv nan rg field n)

    let private utcTicks (d: DateTime) : int64 =
        if d.Kind = DateTimeKind.Local then
            d.ToUniversalTime().Ticks
        else
            d.Ticks

    let private readField (rg: ParquetRowGroupReader) (n: int) (field: DataField) : ColumnData option =
        let t = field.ClrType

        if t = typeof<double> then
            Some(numbers (fun (x: double) -> x) rg field n)
        elif t = typeof<float32> then
            Some(numbers (fun (x: float32) -> float x) rg field n)
        elif t = typeof<int> then
            Some(numbers (fun (x: int) -> float x) rg field n)
        elif t = typeof<int64> then
            Some(numbers (fun (x: int64) -> float x) rg field n)
        elif t = typeof<int16> then
            Some(numbers (fun (x: int16) -> float x) rg field n)
        elif t = typeof<bool> then
            Some(numbers (fun (b: bool) -> if b then 1.0 else 0.0) rg field n)
        elif t = typeof<DateTime> then
            Some(ColumnData.Times(readAs utcTicks Int64.MinValue rg field n))
        elif t = typeof<DateTimeOffset> then
            Some(ColumnData.Times(readAs (fun (d: DateTimeOffset) -> d.UtcTicks) Int64.MinValue rg field n))
        elif t = typeof<string> then
            let buf = Array.zeroCreate<string> n

            rg.ReadAsync(field, Memory<string>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            Some(ColumnData.Texts buf)
        else
            None

    /// The number of values of a column.
    let length (column: ColumnData) : int =
        match column with
        | ColumnData.Times a -> a.Length
        | ColumnData.Numbers a -> a.Length
        | ColumnData.Texts a -> a.Length

    let private concat (parts: ColumnData list) : ColumnData =
        match parts with
        | ColumnData.Times _ :: _ ->
            parts
            |> List.map (function
                | ColumnData.Times a -> a
                | _ -> [||])
            |> Array.concat
            |> ColumnData.Times
        | ColumnData.Texts _ :: _ ->
            parts
            |> List.map (function
                | ColumnData.Texts a -> a
                | _ -> [||])
            |> Array.concat
            |> ColumnData.Texts
        | _ ->
            parts
            |> List.map (function
                | ColumnData.Numbers a -> a
                | _ -> [||])
            |> Array.concat
            |> ColumnData.Numbers

    let private isTimeField (f: DataField) =
        f.ClrType = typeof<DateTime> || f.ClrType = typeof<DateTimeOffset>

    let private readFrom (keep: string -> bool) (reader: ParquetReader) : (string * ColumnData) list =
        let fields =
            reader.Schema.GetDataFields()
            |> Array.filter (fun f -> not f.IsArray && (keep f.Name || isTimeField f))

        let readGroup (g: int) =
            use rg = reader.OpenRowGroupReader g
            fields |> Array.map (readField rg (int rg.RowCount))

        let groups = disposing reader (fun () -> List.init reader.RowGroupCount readGroup)

        fields
        |> Array.mapi (fun k f -> f.Name, groups |> List.choose (fun g -> g.[k]))
        |> Array.filter (fun (_, parts) -> not parts.IsEmpty)
        |> Array.map (fun (name, parts) -> name, concat parts)
        |> List.ofArray

    let private readAll (keep: string -> bool) (path: string) : (string * ColumnData) list =
        ParquetReader.CreateAsync(path, null, CancellationToken.None)
        |> await
        |> readFrom keep

    let private guarded (path: string) (body: unit -> 'T) : Result<'T, FileError> =
        if not (File.Exists path) then
            Error(FileError.NotFound path)
        else
            try
                Ok(body ())
            with
            | :? IOException
            | :? InvalidDataException
            | :? NotSupportedException
            | :? ArgumentException
            | :? InvalidOperationException as e -> Error(FileError.Unreadable(path, e.Message))

    /// Reads the flat columns of a Parquet file that `keep` accepts, plus every timestamp-typed
    /// column (columns of unsupported types are skipped).
    let internal readColumnsWhere
        (keep: string -> bool)
        (path: string)
        : Result<(string * ColumnData) list, FileError> =
        guarded path (fun () -> readAll keep path)

    /// Reads a whole Parquet file from a seekable stream (e.g. an uploaded file); the error is
    /// the reader's reason.
    let readStream (stream: Stream) : Result<ParquetTable, string> =
        try
            let reader =
                ParquetReader.CreateAsync(stream, null, true, CancellationToken.None) |> await

            let metadata =
                reader.CustomMetadata |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq

            Ok {
                Columns = readFrom (fun _ -> true) reader
                Metadata = metadata
            }
        with
        | :? IOException
        | :? InvalidDataException
        | :? NotSupportedException
        | :? ArgumentException
        | :? InvalidOperationException as e -> Error e.Message

    /// Reads every flat column of a Parquet file (columns of unsupported types are skipped).
    let internal readColumns (path: string) : Result<(string * ColumnData) list, FileError> =
        readColumnsWhere (fun _ -> true) path

    /// The column names of a Parquet file (its schema only).
    let internal columnNames (path: string) : Result<string list, FileError> =
        guarded path (fun () ->
            let schema = ParquetReader.ReadSchemaAsync(path) |> await
            schema.GetDataFields() |> Array.map (fun f -> f.Name) |> List.ofArray)

    let private toFrame (path: string) (timestampColumn: string option) (columns: (string * ColumnData) list) =
        let isTime (_, c) =
            match c with
            | ColumnData.Times _ -> true
            | _ -> false

        let found =
            match timestampColumn with
            | Some name -> columns |> List.tryFind (fun (n, _) -> n = name)
            | None -> columns |> List.tryFind isTime

        match found with
        | Some(tsName, ColumnData.Times index) ->
            let rest = columns |> List.filter (fun (n, _) -> n <> tsName)

            match
                rest
                |> List.tryPick (function
                    | n, ColumnData.Texts t -> Some(n, t)
                    | _ -> None)
            with
            | Some(n, t) -> Error(FileError.NotNumeric(path, 1, n, (if t.Length > 0 then t.[0] else "")))
            | None ->
                let numeric =
                    rest
                    |> List.choose (function
                        | n, ColumnData.Numbers v -> Some(n, v)
                        | _ -> None)

                Frame.create TimeSpan.Zero index numeric
                |> Result.mapError (fun e -> FileError.BadIndex(path, e))
        | _ ->
            let wanted = defaultArg timestampColumn "<a timestamp-typed column>"
            Error(FileError.NoTimestampColumn(path, wanted, columns |> List.map fst))

    /// Reads a wide Parquet file: the timestamp column (named, or else the first timestamp-typed
    /// column, e.g. pandas' index) plus numeric columns.
    let read (path: string) (timestampColumn: string option) : Result<Frame, FileError> =
        readColumns path |> Result.bind (toFrame path timestampColumn)

    /// Like `read`, keeping only the value columns `keep` accepts.
    let internal readWhere
        (keep: string -> bool)
        (path: string)
        (timestampColumn: string option)
        : Result<Frame, FileError> =
        readColumnsWhere (fun n -> keep n || Some n = timestampColumn) path
        |> Result.bind (toFrame path timestampColumn)

    let private field (name: string) (column: WriteColumn) : Field =
        match column with
        | WriteColumn.Times(values, utc) ->
            let nullable = values |> Array.exists (fun v -> not v.HasValue)
            DateTimeDataField(name, DateTimeFormat.Timestamp, utc, Nullable DateTimeTimeUnit.Micros, nullable)
        | WriteColumn.Integers _ -> DataField<int64>(name, Nullable false)
        | WriteColumn.Numbers _ -> DataField<double>(name, Nullable false)

    let private writeColumn (rg: ParquetRowGroupWriter) (f: DataField) (column: WriteColumn) : unit =
        let none = Nullable<ReadOnlyMemory<int>>()
        let ct = CancellationToken.None

        match column with
        | WriteColumn.Times(values, _) when f.IsNullable ->
            rg.WriteAsync<DateTime>(f, ReadOnlyMemory<Nullable<DateTime>>(values), none, null, ct)
        | WriteColumn.Times(values, _) ->
            let plain = values |> Array.map (fun v -> v.Value)
            rg.WriteAsync<DateTime>(f, ReadOnlyMemory<DateTime>(plain), none, null, ct)
        | WriteColumn.Integers values -> rg.WriteAsync<int64>(f, ReadOnlyMemory<int64>(values), none, null, ct)
        | WriteColumn.Numbers values -> rg.WriteAsync<double>(f, ReadOnlyMemory<double>(values), none, null, ct)
        |> awaitUnit

    /// Writes named columns of equal length as one row group, with key-value metadata.
    let writeColumns (stream: Stream) (metadata: (string * string) list) (columns: (string * WriteColumn) list) : unit =
        let schema =
            ParquetSchema(columns |> List.map (fun (n, c) -> field n c) |> Array.ofList)

        let writer =
            ParquetWriter.CreateAsync(schema, stream, null, false, CancellationToken.None)
            |> await

        if not metadata.IsEmpty then
            writer.CustomMetadata <- dict metadata |> Collections.Generic.Dictionary

        disposing writer (fun () ->
            use rg = writer.CreateRowGroup()
            let fields = schema.GetDataFields()
            columns |> List.iteri (fun k (_, c) -> writeColumn rg fields.[k] c))

    /// Writes a frame as Parquet: a UTC `timestamp` column (microseconds), then one double column
    /// per frame column (NaN kept as NaN); the file is replaced atomically (`AtomicPath.write`).
    let write (path: string) (f: Frame) : unit =
        let stamps = f.Index |> Array.map (fun t -> Nullable(DateTime(t, DateTimeKind.Utc)))

        let values =
            Array.zip f.Columns f.Data
            |> Array.map (fun (c, d) -> c, WriteColumn.Numbers d)
            |> List.ofArray

        AtomicPath.write path (fun stream ->
            writeColumns stream [] (("timestamp", WriteColumn.Times(stamps, true)) :: values))
