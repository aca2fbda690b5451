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

    /// Writes the `data` object (`{top: {sub: {row: value}}}`, keys sorted at the two column
    /// levels, rows in label order, NaN as null) straight to a JSON writer: the row keys are
    /// encoded once and reused by every column, numbers are formatted by `ShortestDouble` (the
    /// writer's own text, faster), and no value tree is built.
    let write (w: Utf8JsonWriter) (table: OutputTable) : unit =
        let keys, iso = keys table

        let encoded =
            keys
            |> Array.map (fun k -> JsonEncodedText.Encode(k, Reply.writerOptions.Encoder))

        let start, finish = startEnd table

        let text (values: DateTimeOffset option[]) (i: int) =
            match values.[i] with
            | Some t -> w.WriteStringValue(iso t)
            | None -> w.WriteNullValue()

        let digits = Array.zeroCreate<byte> ShortestDouble.MaxLength

        let number (values: float[]) (i: int) =
            if Double.IsFinite values.[i] then
                let n = ShortestDouble.format values.[i] (Span digits)
                w.WriteRawValue(ReadOnlySpan(digits, 0, n), skipInputValidation = true)
            else
                w.WriteNullValue()

        w.WriteStartObject()

        for top, subs in
            [ ("start", ""), text start; ("end", ""), text finish ]
            @ (table.Columns |> List.map (fun (name, values) -> name, number values))
            |> grouped do
            w.WriteStartObject top

            for sub, cell in subs do
                w.WriteStartObject sub

                for i in 0 .. encoded.Length - 1 do
                    w.WritePropertyName encoded.[i]
                    cell i

                w.WriteEndObject()

            w.WriteEndObject()

        w.WriteEndObject()
