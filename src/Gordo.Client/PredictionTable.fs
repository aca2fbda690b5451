namespace Gordo.Client

open System
open System.Globalization
open System.IO
open System.Collections.Generic
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

    /// Chunks of one machine (same columns) concatenated in order.
    let concat (parts: PredictionTable list) : PredictionTable =
        match parts with
        | [] -> empty
        | first :: _ -> {
            Index = parts |> Seq.collect _.Index |> Array.ofSeq
            Columns =
                first.Columns
                |> Array.mapi (fun k (key, _) -> key, parts |> Seq.collect (fun p -> snd p.Columns.[k]) |> Array.ofSeq)
          }

    /// The flat name of a column: `top` for single columns, else `top|sub` (as `gordo anomaly`).
    let flatName (top: string, sub: string) : string =
        if sub = "" then top else top + "|" + sub

    let private isTimeColumn (top: string) = top = "start" || top = "end"

    let private parseTime (text: string) : DateTimeOffset =
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)

    /// The row keys of the first column (raw UTF-8) with their times; later columns are matched
    /// against them by position, falling back to their time when a key is out of place.
    type private RowKeys() =
        let keys = ResizeArray<byte[]>()
        let times = ResizeArray<DateTimeOffset>()
        let mutable byTime: Dictionary<DateTimeOffset, int> = null

        member _.Count = keys.Count
        member _.Times = times

        member _.Add(r: byref<Utf8JsonReader>) =
            let raw =
                if r.ValueIsEscaped then
                    Text.Encoding.UTF8.GetBytes(r.GetString())
                else
                    r.ValueSpan.ToArray()

            keys.Add raw
            times.Add(parseTime (r.GetString()))

        /// The row of the key under the reader, -1 when unknown.
        member _.Find(r: byref<Utf8JsonReader>, position: int) : int =
            if position < keys.Count && r.ValueTextEquals(ReadOnlySpan keys.[position]) then
                position
            else
                if isNull byTime then
                    byTime <- Dictionary()

                    for i in 0 .. times.Count - 1 do
                        byTime.[times.[i]] <- i

                match byTime.TryGetValue(parseTime (r.GetString())) with
                | true, i -> i
                | _ -> -1

    let private number (r: byref<Utf8JsonReader>) : float =
        match r.TokenType with
        | JsonTokenType.Number -> r.GetDouble()
        | JsonTokenType.StartObject
        | JsonTokenType.StartArray ->
            r.Skip()
            nan
        | _ -> nan

    /// `{row: value}` of one column; the first column defines the rows.
    let private readCells (r: byref<Utf8JsonReader>) (rows: RowKeys) : float[] =
        let first = rows.Count = 0
        let collected = ResizeArray<float>()
        let cells = if first then [||] else Array.create rows.Count nan
        let mutable position = 0

        while r.Read() && r.TokenType = JsonTokenType.PropertyName do
            if first then
                rows.Add &r
                r.Read() |> ignore
                collected.Add(number &r)
            else
                let row = rows.Find(&r, position)
                r.Read() |> ignore
                let v = number &r

                if row >= 0 then
                    cells.[row] <- v

            position <- position + 1

        if first then collected.ToArray() else cells

    let private expectObject (r: byref<Utf8JsonReader>) (what: string) =
        if not (r.Read()) || r.TokenType <> JsonTokenType.StartObject then
            raise (JsonException $"%s{what} is not an object")

    /// `{top: {sub: {row: value}}}`, time columns skipped.
    let private readData (r: byref<Utf8JsonReader>) (rows: RowKeys) =
        let columns = ResizeArray<(string * string) * float[]>()
        expectObject &r "data"

        while r.Read() && r.TokenType = JsonTokenType.PropertyName do
            let top = r.GetString()

            if isTimeColumn top then
                r.Read() |> ignore
                r.Skip()
            else
                expectObject &r top

                while r.Read() && r.TokenType = JsonTokenType.PropertyName do
                    let sub = r.GetString()
                    expectObject &r $"%s{top}.%s{sub}"
                    let subName = if sub = top then "" else sub
                    columns.Add(((top, subName), readCells &r rows))

        columns.ToArray()

    let private inTimeOrder (index: DateTimeOffset[]) (columns: ((string * string) * float[])[]) =
        if Array.pairwise index |> Array.forall (fun (a, b) -> a < b) then
            { Index = index; Columns = columns }
        else
            let order = Array.init index.Length id |> Array.sortBy (fun i -> index.[i])

            {
                Index = order |> Array.map (fun i -> index.[i])
                Columns = columns |> Array.map (fun (k, v) -> k, order |> Array.map (fun i -> v.[i]))
            }

    /// The `data` table of a JSON reply (`{top: {sub: {row: value}}}`, single columns as
    /// `{top: {top: ...}}`), read straight from the reply's bytes.
    let internal ofJsonMemory (body: ReadOnlyMemory<byte>) : Result<PredictionTable, string> =
        try
            let mutable r = Utf8JsonReader(body.Span)
            let rows = RowKeys()
            let mutable columns = None
            expectObject &r "the reply"

            while r.Read() && r.TokenType = JsonTokenType.PropertyName do
                if r.ValueTextEquals "data"B then
                    columns <- Some(readData &r rows)
                else
                    r.Read() |> ignore
                    r.Skip()

            match columns with
            | None -> Error "the reply has no 'data'"
            | Some [||] -> Ok empty
            | Some columns -> Ok(inTimeOrder (rows.Times.ToArray()) columns)
        with
        | :? JsonException
        | :? FormatException as e -> Error e.Message

    /// `ofJsonMemory` of a whole array.
    let ofJsonBytes (body: byte[]) : Result<PredictionTable, string> = ofJsonMemory (ReadOnlyMemory body)

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
    let internal ofParquetSegment (bytes: ArraySegment<byte>) : Result<PredictionTable, string> =
        use stream = new MemoryStream(bytes.Array, bytes.Offset, bytes.Count, false)

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

    /// `ofParquetSegment` of a whole array.
    let ofParquet (bytes: byte[]) : Result<PredictionTable, string> = ofParquetSegment (ArraySegment bytes)

    /// Rows `[from, from + count)` of a frame (the frame itself when that is every row).
    let sliceFrame (from: int) (count: int) (f: Frame) : Frame =
        if from = 0 && count = f.Index.Length then
            f
        else
            {
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
