namespace Gordo.Server

open CommunityToolkit.HighPerformance.Buffers
open System
open Gordo.Core

/// An output table (`make_base_dataframe`, spec §5.5): row labels, start/end and two-level
/// value columns (sub-name "" for single columns such as `total-anomaly-scaled`).
type internal OutputTable = {
    /// The labels of the table's rows.
    Rows: RowLabels
    /// The model's resolution (`end = start + frequency`), if known.
    Frequency: TimeSpan option
    /// `(top, sub)` columns, one value per row.
    Columns: ((string * string) * float[]) list
}

/// Output tables as Gordo's two-level JSON (`dataframe_to_dict`, spec §5.5).
[<RequireQualifiedAccess>]
module internal OutputFrame =
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

    let private nullText = "null"B

    /// Writes `"` + the text of `t` + `"` at `at` (no JSON escaping needed); returns the end.
    let private quotedTimestamp (separator: char) (naive: bool) (t: DateTimeOffset) (buffer: byte[]) (at: int) =
        let length = TimestampText.length naive t
        buffer.[at] <- byte '"'
        TimestampText.write separator naive t (Span(buffer, at + 1, length))
        buffer.[at + length + 1] <- byte '"'
        at + length + 2

    /// Each row's `"key":` (pandas `str` of the label).
    let private rowKeys (table: OutputTable) : byte[][] =
        match table.Rows with
        | RowLabels.Ints ints -> ints |> Array.map (fun i -> Text.Encoding.ASCII.GetBytes $"\"%d{i}\":")
        | RowLabels.Times(ts, naive) ->
            ts
            |> Array.map (fun t ->
                let key = Array.zeroCreate (TimestampText.length naive t + 3)
                key.[quotedTimestamp ' ' naive t key 0] <- byte ':'
                key)

    let private copy (source: byte[]) (buffer: byte[]) (at: int) : int =
        source.AsSpan().CopyTo(buffer.AsSpan at)
        at + source.Length

    /// The most bytes one cell writes (a number, `null`, or a quoted ISO timestamp).
    [<Literal>]
    let private CellBytes = 64

    /// One column's `{row: value, ...}` object into `buffer` from `start` (`cell buffer at i`
    /// writes row i's value at `at` and returns the end); returns the end.
    let inline private column
        (keys: byte[][])
        ([<InlineIfLambda>] cell: byte[] -> int -> int -> int)
        (buffer: byte[])
        (start: int)
        : int =
        buffer.[start] <- byte '{'
        let mutable at = start + 1

        for i in 0 .. keys.Length - 1 do
            if i > 0 then
                buffer.[at] <- byte ','
                at <- at + 1

            at <- copy keys.[i] buffer at
            at <- cell buffer at i

        buffer.[at] <- byte '}'
        at + 1

    /// A column of numbers (`ShortestDouble`: the writer's own text for a double; NaN as `null`).
    let private numbers (keys: byte[][]) (values: float[]) (buffer: byte[]) (start: int) : int =
        column
            keys
            (fun buffer at i ->
                let v = values.[i]

                if Double.IsFinite v then
                    at + ShortestDouble.format v (Span(buffer, at, CellBytes))
                else
                    copy nullText buffer at)
            buffer
            start

    /// A column of `null`s.
    let private nulls (keys: byte[][]) (buffer: byte[]) (start: int) : int =
        column keys (fun buffer at _ -> copy nullText buffer at) buffer start

    /// A column of `Timestamp.isoformat()` texts of the row times moved by `shift`.
    let private times (keys: byte[][]) (naive: bool) (rows: DateTimeOffset[]) (shift: TimeSpan) (buffer: byte[]) start =
        column keys (fun buffer at i -> quotedTimestamp 'T' naive (rows.[i] + shift) buffer at) buffer start

    /// What a column's cells are.
    [<RequireQualifiedAccess; NoEquality; NoComparison>]
    type private Cells =
        | Numbers of float[]
        /// Each row's time (naive or not) moved by the shift (`start`, `end`).
        | Times of DateTimeOffset[] * naive: bool * shift: TimeSpan
        | Nulls

    /// The `start` and `end` columns: each row's time and that time plus the resolution (null
    /// when unknown, and both null for integer row labels).
    let private startEndCells (table: OutputTable) : Cells * Cells =
        match table.Rows, table.Frequency with
        | RowLabels.Times(ts, naive), Some f -> Cells.Times(ts, naive, TimeSpan.Zero), Cells.Times(ts, naive, f)
        | RowLabels.Times(ts, naive), None -> Cells.Times(ts, naive, TimeSpan.Zero), Cells.Nulls
        | RowLabels.Ints _, _ -> Cells.Nulls, Cells.Nulls

    /// Writes one column's `{row: value, ...}` object straight into the output's array (room for
    /// at most `size` bytes).
    let private emit (output: ArrayPoolBufferWriter<byte>) (size: int) (keys: byte[][]) (cells: Cells) =
        let free = BufferWriter.freeSegment output size

        let stop =
            match cells with
            | Cells.Numbers values -> numbers keys values free.Array free.Offset
            | Cells.Times(ts, naive, shift) -> times keys naive ts shift free.Array free.Offset
            | Cells.Nulls -> nulls keys free.Array free.Offset

        output.Advance(stop - free.Offset)

    /// Writes the `data` object (`{top: {sub: {row: value}}}`, keys sorted at the two column
    /// levels, rows in label order, NaN as null) straight into the output: the same bytes as
    /// writing every key and value through the replies' `Utf8JsonWriter`, which cost more than
    /// the numbers. Row keys are made once per reply; each column is written in place, with no
    /// value tree and no copy. Columns are sorted by both names at once (a stable sort: the same
    /// order as grouping by the top name), and single columns (sub-name "") use the top name twice.
    let write (output: ArrayPoolBufferWriter<byte>) (table: OutputTable) : unit =
        let keys = rowKeys table
        let widest = keys |> Array.fold (fun m k -> max m k.Length) 0
        let size = 2 + keys.Length * (widest + 1 + CellBytes)
        let start, finish = startEndCells table

        let columns =
            (("start", "start"), start)
            :: (("end", "end"), finish)
            :: (table.Columns
                |> List.map (fun ((top, sub), v) -> (top, (if sub = "" then top else sub)), Cells.Numbers v))
            |> List.sortWith (fun ((a, b), _) ((c, d), _) ->
                match String.CompareOrdinal(a, c) with
                | 0 -> String.CompareOrdinal(b, d)
                | k -> k)

        BufferWriter.write output "{"B
        let mutable top: string = null

        for (name, sub), cells in columns do
            if String.Equals(name, top) then
                BufferWriter.write output ","B
            else
                if not (isNull top) then
                    BufferWriter.write output "},"B

                Reply.writeName output name
                BufferWriter.write output "{"B
                top <- name

            Reply.writeName output sub
            emit output size keys cells

        BufferWriter.write output "}}"B
