namespace Gordo.Core.Data

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

    let private readPlain<'T when 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T)>
        (rg: ParquetRowGroupReader)
        (field: DataField)
        (n: int)
        : 'T option[] =
        if field.IsNullable then
            let buf = Array.zeroCreate<Nullable<'T>> n

            rg.ReadAsync<'T>(field, Memory<Nullable<'T>>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            buf |> Array.map Option.ofNullable
        else
            let buf = Array.zeroCreate<'T> n

            rg.ReadAsync<'T>(field, Memory<'T>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            buf |> Array.map Some

    let private numbers (conv: 'T -> float) (values: 'T option[]) : ColumnData =
        values
        |> Array.map (Option.map conv >> Option.defaultValue nan)
        |> ColumnData.Numbers

    let private utcTicks (d: DateTime) : int64 =
        if d.Kind = DateTimeKind.Local then
            d.ToUniversalTime().Ticks
        else
            d.Ticks

    let private readField (rg: ParquetRowGroupReader) (n: int) (field: DataField) : ColumnData option =
        let t = field.ClrType

        if t = typeof<double> then
            Some(numbers id (readPlain<double> rg field n))
        elif t = typeof<float32> then
            Some(numbers float (readPlain<float32> rg field n))
        elif t = typeof<int> then
            Some(numbers float (readPlain<int> rg field n))
        elif t = typeof<int64> then
            Some(numbers float (readPlain<int64> rg field n))
        elif t = typeof<int16> then
            Some(numbers float (readPlain<int16> rg field n))
        elif t = typeof<bool> then
            Some(numbers (fun b -> if b then 1.0 else 0.0) (readPlain<bool> rg field n))
        elif t = typeof<DateTime> then
            readPlain<DateTime> rg field n
            |> Array.map (Option.map utcTicks >> Option.defaultValue Int64.MinValue)
            |> ColumnData.Times
            |> Some
        elif t = typeof<DateTimeOffset> then
            readPlain<DateTimeOffset> rg field n
            |> Array.map (Option.map (fun d -> d.UtcTicks) >> Option.defaultValue Int64.MinValue)
            |> ColumnData.Times
            |> Some
        elif t = typeof<string> then
            let buf = Array.zeroCreate<string> n

            rg.ReadAsync(field, Memory<string>(buf), Nullable(), CancellationToken.None).AsTask()
            |> awaitUnit

            Some(ColumnData.Texts buf)
        else
            None

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

    let private readAll (path: string) : (string * ColumnData) list =
        let reader = ParquetReader.CreateAsync(path, null, CancellationToken.None) |> await
        let fields = reader.Schema.GetDataFields() |> Array.filter (fun f -> not f.IsArray)

        let readGroup (g: int) =
            use rg = reader.OpenRowGroupReader g
            fields |> Array.map (readField rg (int rg.RowCount))

        let groups = disposing reader (fun () -> List.init reader.RowGroupCount readGroup)

        fields
        |> Array.mapi (fun k f -> f.Name, groups |> List.choose (fun g -> g.[k]))
        |> Array.filter (fun (_, parts) -> not parts.IsEmpty)
        |> Array.map (fun (name, parts) -> name, concat parts)
        |> List.ofArray

    /// Reads every flat column of a Parquet file (columns of unsupported types are skipped).
    let readColumns (path: string) : Result<(string * ColumnData) list, FileError> =
        if not (File.Exists path) then
            Error(FileError.NotFound path)
        else
            try
                Ok(readAll path)
            with
            | :? IOException
            | :? InvalidDataException
            | :? NotSupportedException
            | :? ArgumentException
            | :? InvalidOperationException as e -> Error(FileError.Unreadable(path, e.Message))

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

    /// Writes a frame as Parquet: a UTC `timestamp` column (microseconds), then one double column
    /// per frame column (NaN kept as NaN).
    let write (path: string) (f: Frame) : unit =
        let tsField =
            DateTimeDataField(
                "timestamp",
                DateTimeFormat.Timestamp,
                true,
                Nullable DateTimeTimeUnit.Micros,
                Nullable false
            )

        let valueFields =
            f.Columns |> Array.map (fun c -> DataField<double>(c, Nullable false) :> Field)

        let schema = ParquetSchema(Array.append [| tsField :> Field |] valueFields)
        use stream = File.Create path

        let writer =
            ParquetWriter.CreateAsync(schema, stream, null, false, CancellationToken.None)
            |> await

        disposing writer (fun () ->
            use rg = writer.CreateRowGroup()
            let stamps = f.Index |> Array.map (fun t -> DateTime(t, DateTimeKind.Utc))
            let dataFields = schema.GetDataFields()
            let none = Nullable<ReadOnlyMemory<int>>()
            let ct = CancellationToken.None

            rg.WriteAsync<DateTime>(dataFields.[0], ReadOnlyMemory<DateTime>(stamps), none, null, ct)
            |> awaitUnit

            f.Data
            |> Array.iteri (fun k c ->
                rg.WriteAsync<double>(dataFields.[k + 1], ReadOnlyMemory<double>(c), none, null, ct)
                |> awaitUnit))
