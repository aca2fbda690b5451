namespace Gordo.Server

open System
open System.IO
open System.Text.Json
open Gordo.Data

/// Parsing uploaded Parquet files (multipart fields `X`/`y`, spec §5.4) into tables: files
/// written by pandas/pyarrow (index and two-level columns from the `pandas` metadata) or by any
/// other writer (the first timestamp column is the index, else rows are numbered).
[<RequireQualifiedAccess>]
module internal InputParquet =
    /// Where the row labels of a file come from.
    [<RequireQualifiedAccess>]
    type private IndexSource =
        | Column of name: string * naive: bool
        | Range of start: int64 * step: int64
        | Numbered

    let private pandas (table: ParquetTable) : JsonElement option =
        table.Metadata.TryFind "pandas"
        |> Option.map (fun text -> JsonDocument.Parse(text).RootElement)

    let private naive (doc: JsonElement) (field: string) =
        doc.GetProperty("columns").EnumerateArray()
        |> Seq.exists (fun c ->
            c.GetProperty("field_name").ValueKind = JsonValueKind.String
            && c.GetProperty("field_name").GetString() = field
            && c.GetProperty("pandas_type").GetString() = "datetime")

    let private indexSource (table: ParquetTable) (doc: JsonElement option) : IndexSource =
        let firstTime () =
            table.Columns
            |> List.tryPick (function
                | n, ColumnData.Times _ -> Some(IndexSource.Column(n, false))
                | _ -> None)
            |> Option.defaultValue IndexSource.Numbered

        match doc with
        | Some d ->
            match [ for e in d.GetProperty("index_columns").EnumerateArray() -> e ] with
            | e :: _ when e.ValueKind = JsonValueKind.String ->
                IndexSource.Column(e.GetString(), naive d (e.GetString()))
            | e :: _ when e.ValueKind = JsonValueKind.Object ->
                IndexSource.Range(e.GetProperty("start").GetInt64(), e.GetProperty("step").GetInt64())
            | _ -> IndexSource.Numbered
        | None -> firstTime ()

    let private labels (name: string) (source: IndexSource) (table: ParquetTable) (n: int) : RowLabels =
        match source with
        | IndexSource.Numbered -> RowLabels.Ints(Array.init n int64)
        | IndexSource.Range(start, step) -> RowLabels.Ints(Array.init n (fun i -> start + int64 i * step))
        | IndexSource.Column(column, naive) ->
            match table.Columns |> List.tryFind (fst >> (=) column) |> Option.map snd with
            | Some(ColumnData.Times ticks) ->
                RowLabels.Times(ticks |> Array.map (fun t -> DateTimeOffset(t, TimeSpan.Zero)), naive)
            | Some(ColumnData.Numbers v) -> RowLabels.Ints(v |> Array.map int64)
            | Some(ColumnData.Texts t) -> InputFrame.labels t
            | None -> InputFrame.bad $"\"%s{name}\": the index column '%s{column}' is missing from the Parquet file"

    let private numbers (name: string) (column: string, data: ColumnData) : float[] =
        match data with
        | ColumnData.Numbers v -> v
        | _ ->
            InputFrame.bad
                $"\"%s{name}\": column '%s{column}' of the Parquet file is not numeric; send numbers (NaN or null for missing values)"

    let private isMultiLevel (doc: JsonElement option) =
        doc
        |> Option.exists (fun d ->
            match d.TryGetProperty "column_indexes" with
            | true, levels -> levels.GetArrayLength() > 1
            | _ -> false)

    let private toTable (name: string) (table: ParquetTable) : InputTable =
        let doc = pandas table
        let source = indexSource table doc

        let values =
            match source with
            | IndexSource.Column(c, _) -> table.Columns |> List.filter (fst >> (<>) c)
            | _ -> table.Columns

        let n =
            table.Columns
            |> List.tryHead
            |> Option.map (snd >> ParquetIO.length)
            |> Option.defaultValue 0

        if values.IsEmpty || n = 0 then
            InputFrame.bad $"\"%s{name}\" is empty; send at least one row and one column"

        let columns = values |> List.map fst |> Array.ofList

        if isMultiLevel doc then
            {
                Columns = columns
                MultiLevel = true
                Rows = RowLabels.Ints [||]
                Values = Array2D.zeroCreate 0 columns.Length
            }
        else
            let data = values |> List.map (numbers name) |> Array.ofList
            let rows = Array.init n (fun i -> data |> Array.map (fun c -> c.[i]))
            InputFrame.sorted columns false (labels name source table n) rows

    /// Parses the Parquet file uploaded as field `name` (a 400 reply says what is wrong).
    let parse (name: string) (bytes: byte[]) : InputTable =
        use stream = new MemoryStream(bytes, false)

        match ParquetIO.readStream stream with
        | Ok table ->
            try
                toTable name table
            with
            | :? JsonException
            | :? Collections.Generic.KeyNotFoundException
            | :? InvalidOperationException as e ->
                InputFrame.bad $"\"%s{name}\": the file's pandas metadata is not understood (%s{e.Message})"
        | Error reason ->
            InputFrame.bad
                $"\"%s{name}\" is not a readable Parquet file (%s{reason}); send a file written by pandas.DataFrame.to_parquet"
