namespace Gordo.Server

open System
open System.Collections.Generic
open System.Text.Json

/// The input tables of a JSON request body (`{"X": ..., "y": ...}`, spec §5.4).
///
/// The form Gordo's client sends, pandas dict (`{column: {row: value}}`) with the same row keys
/// in the same order in every column, is read in one `Utf8JsonReader` pass straight into
/// columns; the row labels are parsed once per body when `X` and `y` share them. Any other form,
/// and any body the fast pass does not fully understand (errors included), is read through a
/// `JsonDocument` by `InputFrame.parse`, which gives the same tables and the specified errors.
[<RequireQualifiedAccess>]
module InputJson =
    let private document (body: ReadOnlyMemory<byte>) : JsonElement =
        try
            JsonDocument.Parse(body).RootElement
        with :? JsonException as e ->
            match PythonJson.quoteNonFinite (body.ToArray()) with
            | Some fixedUp -> JsonDocument.Parse(ReadOnlyMemory fixedUp).RootElement
            | None -> Reply.fail (Reply.jsonError 400 "message" $"Malformed JSON body: %s{e.Message}")

    let private fromDocument (body: ReadOnlyMemory<byte>) : string -> InputTable option =
        let root = document body

        fun key ->
            let mutable v = JsonElement()

            if
                root.ValueKind = JsonValueKind.Object
                && root.TryGetProperty(key, &v)
                && v.ValueKind <> JsonValueKind.Null
            then
                Some(InputFrame.parse key v)
            else
                None

    /// Raised inside the fast pass when the body needs the general reader.
    exception private NotSimple

    /// A pandas dict table as read: column names, row keys, values per column.
    type private Columns = {
        Names: string[]
        Keys: string[]
        Values: float[][]
    }

    let private cell (r: byref<Utf8JsonReader>) : float =
        match r.TokenType with
        | JsonTokenType.Number ->
            match r.TryGetDouble() with
            | true, v -> v
            | _ -> raise NotSimple
        | JsonTokenType.Null -> nan
        | JsonTokenType.True -> 1.0
        | JsonTokenType.False -> 0.0
        | _ -> raise NotSimple

    /// Reads one column object `{row: value}`; `keys` are the first column's row keys (raw
    /// UTF-8), filled by the first column and matched by the others.
    let private column (r: byref<Utf8JsonReader>) (keys: List<byte[]>) (first: bool) : float[] =
        if r.TokenType <> JsonTokenType.StartObject then
            raise NotSimple

        let values = List<float>(max keys.Count 16)
        r.Read() |> ignore

        while r.TokenType = JsonTokenType.PropertyName do
            if r.ValueIsEscaped then
                raise NotSimple
            elif first then
                keys.Add(r.ValueSpan.ToArray())
            elif
                values.Count >= keys.Count
                || not (r.ValueSpan.SequenceEqual(ReadOnlySpan keys.[values.Count]))
            then
                raise NotSimple

            r.Read() |> ignore
            values.Add(cell &r)
            r.Read() |> ignore

        if values.Count <> keys.Count || keys.Count = 0 then
            raise NotSimple

        values.ToArray()

    let private columns (r: byref<Utf8JsonReader>) : Columns =
        let names = List<string>()
        let values = List<float[]>()
        let keys = List<byte[]>()
        r.Read() |> ignore

        while r.TokenType = JsonTokenType.PropertyName do
            names.Add(r.GetString())
            r.Read() |> ignore
            values.Add(column &r keys (names.Count = 1))
            r.Read() |> ignore

        if names.Count = 0 then
            raise NotSimple

        {
            Names = names.ToArray()
            Keys = keys |> Seq.map Text.Encoding.UTF8.GetString |> Array.ofSeq
            Values = values.ToArray()
        }

    /// The `X`/`y` entries of the body (None for null) when every one is in pandas dict form.
    let private read (body: ReadOnlySpan<byte>) : Dictionary<string, Columns option> =
        let found = Dictionary<string, Columns option>()
        let mutable r = Utf8JsonReader(body)

        if not (r.Read()) || r.TokenType <> JsonTokenType.StartObject then
            raise NotSimple

        r.Read() |> ignore

        while r.TokenType = JsonTokenType.PropertyName do
            let name = r.GetString()
            r.Read() |> ignore

            if name <> "X" && name <> "y" then
                r.Skip()
            elif found.ContainsKey name then
                raise NotSimple
            elif r.TokenType = JsonTokenType.Null then
                found.[name] <- None
            else
                found.[name] <- Some(columns &r)

            r.Read() |> ignore

        if r.TokenType <> JsonTokenType.EndObject || r.Read() then
            raise NotSimple

        found

    let private table (labels: string[] -> RowLabels) (c: Columns) : InputTable =
        let rows =
            Array.init c.Keys.Length (fun i -> Array.init c.Names.Length (fun j -> c.Values.[j].[i]))

        InputFrame.sorted c.Names false (labels c.Keys) rows

    /// The tables of the fast pass, built when asked for (like the general reader's, so errors
    /// come in the same order); the row labels of equal key lists are parsed once.
    let private fromColumns (found: Dictionary<string, Columns option>) : string -> InputTable option =
        let parsed = Dictionary<string[], RowLabels>(HashIdentity.Structural)

        let labels (keys: string[]) =
            match parsed.TryGetValue keys with
            | true, l -> l
            | _ ->
                let l = InputFrame.labels keys
                parsed.[keys] <- l
                l

        fun key ->
            match found.TryGetValue key with
            | true, Some c -> Some(table labels c)
            | _ -> None

    /// The table of a key (`X`, `y`) of a JSON body, if present and not null; malformed JSON
    /// or tables end the request with a 400 reply.
    let tables (body: ReadOnlyMemory<byte>) : string -> InputTable option =
        let fast =
            try
                Some(read body.Span)
            with
            | NotSimple
            | :? JsonException -> None

        match fast with
        | Some found -> fromColumns found
        | None -> fromDocument body
