namespace Gordo.Client

open System
open System.Globalization
open System.IO
open System.Text.Json
open Gordo.Data

/// A table of predictions as the server returns it (spec §5.5), without `start`/`end`: row times
/// and two-level numeric columns `(top, sub)` (sub "" for single columns such as
/// `total-anomaly-scaled`).
type PredictionTable = {
    /// Row times (the `start` of each row), increasing.
    Index: DateTimeOffset[]
    /// `(top, sub)` columns, one value per row (NaN for null).
    Columns: ((string * string) * float[])[]
}

/// Reading the server's answers into tables.
[<RequireQualifiedAccess>]
module PredictionTable =
    /// No rows.
    let empty: PredictionTable = { Index = [||]; Columns = [||] }

    /// Number of rows.
    let length (t: PredictionTable) : int = t.Index.Length

    /// The flat name of a column: `top` for single columns, else `top|sub` (as `gordo anomaly`).
    let flatName (top: string, sub: string) : string =
        if sub = "" then top else top + "|" + sub

    let private isTimeColumn (top: string) = top = "start" || top = "end"

    let private parseTime (text: string) : DateTimeOffset =
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)

    let private number (e: JsonElement) =
        match e.ValueKind with
        | JsonValueKind.Number -> e.GetDouble()
        | _ -> nan

    /// The `data` table of a JSON reply (`{top: {sub: {row: value}}}`, single columns as
    /// `{top: {top: ...}}`).
    let ofJson (reply: JsonElement) : PredictionTable =
        let data = reply.GetProperty "data"

        let columns = [|
            for top in data.EnumerateObject() do
                if not (isTimeColumn top.Name) then
                    for sub in top.Value.EnumerateObject() do
                        let subName = if sub.Name = top.Name then "" else sub.Name

                        let cells = [|
                            for row in sub.Value.EnumerateObject() -> parseTime row.Name, number row.Value
                        |]

                        (top.Name, subName), cells
        |]

        match columns with
        | [||] -> empty
        | _ ->
            let order =
                snd columns.[0]
                |> Array.map fst
                |> Array.mapi (fun i t -> t, i)
                |> Array.sortBy fst

            let index = order |> Array.map fst

            let pick (cells: (DateTimeOffset * float)[]) =
                order |> Array.map (fun (_, i) -> snd cells.[i])

            {
                Index = index
                Columns = columns |> Array.map (fun (k, cells) -> k, pick cells)
            }

    /// `('model-input', 'tag-a')` → (`model-input`, `tag-a`): pyarrow's names of two-level columns.
    let tupleName (name: string) : (string * string) option =
        let s = name.Trim()

        if s.StartsWith "(" && s.EndsWith ")" then
            let inner = s.Substring(1, s.Length - 2)
            let items = ResizeArray<string>()
            let mutable i = 0

            while i < inner.Length do
                let c = inner.[i]

                if c = '\'' || c = '"' then
                    let b = Text.StringBuilder()
                    i <- i + 1

                    while i < inner.Length && inner.[i] <> c do
                        if inner.[i] = '\\' && i + 1 < inner.Length then
                            i <- i + 1

                        b.Append(inner.[i]) |> ignore
                        i <- i + 1

                    items.Add(b.ToString())

                i <- i + 1

            match List.ofSeq items with
            | [ top; sub ] -> Some(top, sub)
            | _ -> None
        else
            None

    /// A Parquet reply (pyarrow layout: `__index_level_0__` plus tuple-named columns).
    let ofParquet (bytes: byte[]) : Result<PredictionTable, string> =
        use stream = new MemoryStream(bytes)

        ParquetIO.readStream stream
        |> Result.bind (fun table ->
            let index =
                table.Columns
                |> List.tryPick (function
                    | "__index_level_0__", ColumnData.Times ticks -> Some ticks
                    | _ -> None)

            match index with
            | None -> Error "the Parquet reply has no __index_level_0__ timestamp column"
            | Some ticks ->
                let columns =
                    table.Columns
                    |> List.choose (fun (name, data) ->
                        match tupleName name, data with
                        | Some(top, _), _ when isTimeColumn top -> None
                        | Some key, ColumnData.Numbers v -> Some(key, v)
                        | _ -> None)

                Ok {
                    Index = ticks |> Array.map (fun t -> DateTimeOffset(t, TimeSpan.Zero))
                    Columns = Array.ofList columns
                })

    /// Rows `[from, from + count)` of a frame.
    let sliceFrame (from: int) (count: int) (f: Frame) : Frame = {
        f with
            Index = Array.sub f.Index from count
            Data = f.Data |> Array.map (fun c -> Array.sub c from count)
    }

    /// The table as a frame with flat column names.
    let toFrame (t: PredictionTable) : Frame = {
        Index = t.Index |> Array.map (fun d -> d.UtcTicks)
        Offset = TimeSpan.Zero
        Columns = t.Columns |> Array.map (fst >> flatName)
        Data = t.Columns |> Array.map snd
    }
