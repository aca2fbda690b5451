namespace Gordo.Server

open System
open System.Text.Json
open Gordo.Core

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

    /// The row keys and start/end values of the last `n` rows.
    let rows (labels: RowLabels) (frequency: TimeSpan option) (n: int) : string[] * Value[] * Value[] =
        match labels with
        | RowLabels.Ints ints ->
            let keys = ints.[ints.Length - n ..] |> Array.map string
            keys, Array.create n Value.Null, Array.create n Value.Null
        | RowLabels.Times(ts, naive) ->
            let last = ts.[ts.Length - n ..]
            let start = last |> Array.map (isoformat naive >> Value.String)

            let finish =
                match frequency with
                | Some f -> last |> Array.map (fun t -> Value.String(isoformat naive (t + f)))
                | None -> Array.create n Value.Null

            last |> Array.map (rowKey naive), start, finish

    let private series (keys: string[]) (values: Value[]) : Value =
        Value.Map [ for i in 0 .. keys.Length - 1 -> keys.[i], values.[i] ]

    let private floats (values: float[]) = values |> Array.map Value.Float

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

    /// The `data` object: `{top: {sub: {row: value}}}`, keys sorted at the two column levels,
    /// rows in label order.
    let toValue
        (keys: string[])
        (start: Value[])
        (finish: Value[])
        (columns: ((string * string) * float[]) list)
        : Value =
        [ ("start", "start"), series keys start; ("end", "end"), series keys finish ]
        @ (columns |> List.map (fun (name, values) -> name, series keys (floats values)))
        |> grouped
        |> List.map (fun (top, subs) -> top, Value.Map subs)
        |> Value.Map

    /// Writes the same `data` object as `toValue` straight to a JSON writer: the row keys are
    /// encoded once and reused by every column, and no value tree is built.
    let write
        (w: Utf8JsonWriter)
        (keys: string[])
        (start: Value[])
        (finish: Value[])
        (columns: ((string * string) * float[]) list)
        : unit =
        let encoded = keys |> Array.map JsonEncodedText.Encode

        let text (values: Value[]) (i: int) =
            match values.[i] with
            | Value.String s -> w.WriteStringValue s
            | _ -> w.WriteNullValue()

        let number (values: float[]) (i: int) =
            if Double.IsFinite values.[i] then
                w.WriteNumberValue values.[i]
            else
                w.WriteNullValue()

        w.WriteStartObject()

        for top, subs in
            [ ("start", "start"), text start; ("end", "end"), text finish ]
            @ (columns |> List.map (fun (name, values) -> name, number values))
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
