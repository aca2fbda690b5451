namespace Gordo.Server

open System
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

    /// The `data` object: `{top: {sub: {row: value}}}`, keys sorted at the two column levels,
    /// rows in label order; single columns (sub-name "") use the top name twice.
    let toValue
        (keys: string[])
        (start: Value[])
        (finish: Value[])
        (columns: ((string * string) * float[]) list)
        : Value =
        let cols =
            [ ("start", "start"), series keys start; ("end", "end"), series keys finish ]
            @ (columns
               |> List.map (fun ((top, sub), values) ->
                   (top, (if sub = "" then top else sub)), series keys (floats values)))

        cols
        |> List.groupBy (fst >> fst)
        |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))
        |> List.map (fun (top, subs) ->
            top,
            subs
            |> List.map (fun ((_, sub), v) -> sub, v)
            |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))
            |> Value.Map)
        |> Value.Map
