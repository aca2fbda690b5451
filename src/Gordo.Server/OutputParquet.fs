namespace Gordo.Server

open System
open System.IO
open System.Text.Json
open Gordo.Core
open Gordo.Data

/// Output tables as Parquet (`?format=parquet`, spec §5.5), laid out the way pyarrow writes
/// Gordo's two-level DataFrame: one column per `(top, sub)` pair named by its Python tuple text
/// (`('model-input', 'tag-a')`, `('start', '')`), the row labels in `__index_level_0__`, and a
/// `pandas` metadata document so `pandas.read_parquet` rebuilds the two-level columns and index.
[<RequireQualifiedAccess>]
module internal OutputParquet =
    /// The name of the index column pyarrow writes.
    [<Literal>]
    let IndexColumn = "__index_level_0__"

    let private pyString (s: string) =
        let escaped = s.Replace("\\", "\\\\")

        if s.Contains "'" && not (s.Contains "\"") then
            "\"" + escaped + "\""
        else
            "'" + escaped.Replace("'", "\\'") + "'"

    /// Python's `str((top, sub))`: the flat name of a two-level column.
    let columnName (top: string) (sub: string) : string = $"(%s{pyString top}, %s{pyString sub})"

    let private times (naive: bool) (values: DateTimeOffset option[]) =
        let stamp (t: DateTimeOffset) =
            if naive then
                DateTime(t.DateTime.Ticks, DateTimeKind.Unspecified)
            else
                t.UtcDateTime

        WriteColumn.Times(values |> Array.map (Option.map stamp >> Option.toNullable), not naive)

    let private pandasType (column: WriteColumn) =
        match column with
        | WriteColumn.Numbers _ -> "float64", "float64", Value.Null
        | WriteColumn.Integers _ -> "int64", "int64", Value.Null
        | WriteColumn.Times(_, false) -> "datetime", "datetime64[ns]", Value.Null
        | WriteColumn.Times(_, true) -> "datetimetz", "datetime64[ns]", Value.Map [ "timezone", Value.String "UTC" ]

    let private describe (name: Value) (field: string) (column: WriteColumn) =
        let pandas, numpy, meta = pandasType column

        Value.Map [
            "name", name
            "field_name", Value.String field
            "pandas_type", Value.String pandas
            "numpy_type", Value.String numpy
            "metadata", meta
        ]

    let private level =
        Value.Map [
            "name", Value.Null
            "field_name", Value.Null
            "pandas_type", Value.String "unicode"
            "numpy_type", Value.String "object"
            "metadata", Value.Map [ "encoding", Value.String "UTF-8" ]
        ]

    /// The `pandas` metadata document of the columns (the index column last).
    let private pandasMetadata (columns: (string * WriteColumn) list) : string =
        let values, index = List.splitAt (columns.Length - 1) columns

        let described =
            (values |> List.map (fun (n, c) -> describe (Value.String n) n c))
            @ (index |> List.map (fun (n, c) -> describe Value.Null n c))

        let doc =
            Value.Map [
                "index_columns", Value.List [ Value.String IndexColumn ]
                "column_indexes", Value.List [ level; level ]
                "columns", Value.List described
                "creator",
                Value.Map [
                    "library", Value.String "gordo-dotnet"
                    "version", Value.String ServerConfig.version
                ]
                "pandas_version", Value.String "1.5.3"
            ]

        use stream = new MemoryStream()

        using (new Utf8JsonWriter(stream)) (fun w ->
            Gordo.Core.Config.Print.writeJson w doc
            w.Flush())

        Text.Encoding.UTF8.GetString(stream.ToArray())

    /// The columns of a table in pandas' order (sorted two-level names), the index last.
    let columns (table: OutputTable) : (string * WriteColumn) list =
        let start, finish = OutputFrame.startEnd table

        let naive, index =
            match table.Rows with
            | RowLabels.Ints ints -> false, WriteColumn.Integers ints
            | RowLabels.Times(ts, naive) -> naive, times naive (Array.map Some ts)

        let values =
            [ ("start", ""), times naive start; ("end", ""), times naive finish ]
            @ (table.Columns |> List.map (fun (key, v) -> key, WriteColumn.Numbers v))
            |> List.sortWith (fun ((a, x), _) ((b, y), _) ->
                match String.CompareOrdinal(a, b) with
                | 0 -> String.CompareOrdinal(x, y)
                | c -> c)
            |> List.map (fun ((top, sub), c) -> columnName top sub, c)

        values @ [ IndexColumn, index ]

    /// The table as Parquet bytes.
    let toBytes (table: OutputTable) : byte[] =
        let cols = columns table
        use stream = new MemoryStream()
        ParquetIO.writeColumns stream [ "pandas", pandasMetadata cols ] cols
        stream.ToArray()
