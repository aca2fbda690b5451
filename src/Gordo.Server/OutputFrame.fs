namespace Gordo.Server

open System
open System.Text.Json
open Gordo.Core

/// An output table (`make_base_dataframe`, spec §5.5): row labels, start/end and two-level
/// value columns (sub-name "" for single columns such as `total-anomaly-scaled`).
type OutputTable = {
    /// The labels of the table's rows.
    Rows: RowLabels
    /// The model's resolution (`end = start + frequency`), if known.
    Frequency: TimeSpan option
    /// `(top, sub)` columns, one value per row.
    Columns: ((string * string) * float[]) list
}

/// Output tables as Gordo's two-level JSON (`dataframe_to_dict`, spec §5.5).
[<RequireQualifiedAccess>]
module OutputFrame =
    let private fraction (t: DateTimeOffset) =
        if t.Ticks % TimeSpan.TicksPerSecond = 0L then
            ""
        else
            t.ToString(".ffffff")

    /// pandas `str(Timestamp)`: `2019-01-01 00:00:00` (naive) or `... +00:00` style offset.
    let rowKey (naive: bool) (t: DateTimeOffset) : string =
        t.ToString("yyyy-MM-dd HH:mm:ss")
        + fraction t
        + (if naive then "" else t.ToString("zzz"))

    /// pandas `Timestamp.isoformat()`.
    let isoformat (naive: bool) (t: DateTimeOffset) : string =
        t.ToString("yyyy-MM-dd'T'HH:mm:ss")
        + fraction t
        + (if naive then "" else t.ToString("zzz"))

    /// The table of the last `n` input rows (the model output may be shorter than its input).
    let create (labels: RowLabels) (frequency: TimeSpan option) (n: int) (columns) : OutputTable =
        let rows =
            match labels with
            | RowLabels.Ints ints -> RowLabels.Ints ints.[ints.Length - n ..]
            | RowLabels.Times(ts, naive) -> RowLabels.Times(ts.[ts.Length - n ..], naive)

        {
            Rows = rows
            Frequency = frequency
            Columns = columns
        }

    /// The start and end times of each row (None for integer labels or an unknown frequency).
    let startEnd (table: OutputTable) : DateTimeOffset option[] * DateTimeOffset option[] =
        match table.Rows, table.Frequency with
        | RowLabels.Ints ints, _ -> Array.create ints.Length None, Array.create ints.Length None
        | RowLabels.Times(ts, _), Some f -> Array.map Some ts, ts |> Array.map (fun t -> Some(t + f))
        | RowLabels.Times(ts, _), None -> Array.map Some ts, Array.create ts.Length None

    let private keys (table: OutputTable) =
        match table.Rows with
        | RowLabels.Ints ints -> ints |> Array.map string, isoformat true
        | RowLabels.Times(ts, naive) -> ts |> Array.map (rowKey naive), isoformat naive

    /// Columns grouped by their top name; both levels sorted ordinally; single columns (sub-name
    /// "") use the top name twice.
    let private grouped (columns: ((string * string) * 'Series) list) : (string * (string * 'Series) list) list =
        columns
        |> List.map (fun ((top, sub), v) -> (top, (if sub = "" then top else sub)), v)
        |> List.groupBy (fst >> fst)
        |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))
        |> List.map (fun (top, subs) ->
            top,
            subs
            |> List.map (fun ((_, sub), v) -> sub, v)
            |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b)))

    /// `"key":` with the key as the writer would escape it.
    let private quotedKey (e: JsonEncodedText) : byte[] =
        let bytes = e.EncodedUtf8Bytes
        let out = Array.zeroCreate (bytes.Length + 3)
        out.[0] <- byte '"'
        bytes.CopyTo(Span(out, 1, bytes.Length))
        out.[bytes.Length + 1] <- byte '"'
        out.[bytes.Length + 2] <- byte ':'
        out

    let private copy (source: ReadOnlySpan<byte>) (buffer: byte[]) (at: int) : int =
        source.CopyTo(Span(buffer, at, source.Length))
        at + source.Length

    let private nullText = "null"B

    /// The most bytes one cell writes (a number, `null`, or a quoted ISO timestamp).
    [<Literal>]
    let private CellBytes = 64

    /// A number cell (`ShortestDouble`: the writer's own text for a double) or `null`.
    let private number (values: float[]) (buffer: byte[]) (at: int) (i: int) : int =
        if Double.IsFinite values.[i] then
            at + ShortestDouble.format values.[i] (Span(buffer, at, CellBytes))
        else
            copy (ReadOnlySpan nullText) buffer at

    /// A quoted timestamp cell or `null`.
    let private text
        (iso: DateTimeOffset -> string)
        (values: DateTimeOffset option[])
        (buffer: byte[])
        (at: int)
        (i: int)
        =
        match values.[i] with
        | Some t ->
            buffer.[at] <- byte '"'

            let next =
                copy (JsonEncodedText.Encode(iso t, Reply.writerOptions.Encoder).EncodedUtf8Bytes) buffer (at + 1)

            buffer.[next] <- byte '"'
            next + 1
        | None -> copy (ReadOnlySpan nullText) buffer at

    /// One column's `{row: value, ...}` object into `buffer`; returns its length.
    let private column (keys: byte[][]) (cell: byte[] -> int -> int -> int) (buffer: byte[]) : int =
        buffer.[0] <- byte '{'
        let mutable at = 1

        for i in 0 .. keys.Length - 1 do
            if i > 0 then
                buffer.[at] <- byte ','
                at <- at + 1

            at <- copy (ReadOnlySpan keys.[i]) buffer at
            at <- cell buffer at i

        buffer.[at] <- byte '}'
        at + 1

    /// Writes the `data` object (`{top: {sub: {row: value}}}`, keys sorted at the two column
    /// levels, rows in label order, NaN as null) straight to a JSON writer, each column's object
    /// as one raw value built from the row keys encoded once per reply and the cells (numbers by
    /// `ShortestDouble`): the same bytes as writing every key and value through the writer, which
    /// cost more than the numbers. No value tree is built.
    let write (w: Utf8JsonWriter) (table: OutputTable) : unit =
        let keys, iso = keys table

        let quoted =
            keys
            |> Array.map (fun k -> quotedKey (JsonEncodedText.Encode(k, Reply.writerOptions.Encoder)))

        let start, finish = startEnd table
        let widest = quoted |> Array.fold (fun m k -> max m k.Length) 0

        let buffer =
            Buffers.ArrayPool<byte>.Shared.Rent(2 + quoted.Length * (widest + 1 + CellBytes))

        try
            w.WriteStartObject()

            for top, subs in
                [ ("start", ""), text iso start; ("end", ""), text iso finish ]
                @ (table.Columns |> List.map (fun (name, values) -> name, number values))
                |> grouped do
                w.WriteStartObject top

                for sub, cell in subs do
                    w.WritePropertyName sub
                    let length = column quoted cell buffer
                    w.WriteRawValue(ReadOnlySpan(buffer, 0, length), skipInputValidation = true)

                w.WriteEndObject()

            w.WriteEndObject()
        finally
            Buffers.ArrayPool<byte>.Shared.Return buffer
