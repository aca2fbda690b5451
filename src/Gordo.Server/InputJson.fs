namespace Gordo.Server

open System
open System.Buffers
open System.Text
open System.Text.Json

/// The input tables of a JSON request body (`{"X": ..., "y": ...}`, spec §5.4).
///
/// The form Gordo's client sends, pandas dict (`{column: {row: value}}`) with the same row keys
/// in the same order in every column, is read by `PandasDictJson` in one pass straight into a
/// matrix; the row labels are parsed once per body when `X` and `y` share them. Any other form,
/// and any body the fast pass does not fully understand (errors included), is read through a
/// `JsonDocument` by `InputFrame.parse`, which gives the same tables and the specified errors.
[<RequireQualifiedAccess>]
module internal InputJson =
    let private malformed (e: JsonException) : 'T =
        Reply.fail (Reply.jsonError 400 "message" $"Malformed JSON body: %s{e.Message}")

    let private document (body: ReadOnlyMemory<byte>) : JsonElement =
        try
            JsonDocument.Parse(body).RootElement
        with :? JsonException as e ->
            match PythonJson.quoteNonFinite (body.ToArray()) with
            | Some fixedUp ->
                // Still malformed with the bare tokens quoted: the first error is the client's.
                try
                    JsonDocument.Parse(ReadOnlyMemory fixedUp).RootElement
                with :? JsonException ->
                    malformed e
            | None -> malformed e

    /// The offset of the first byte that is not part of a valid UTF-8 sequence.
    let private firstInvalidUtf8 (body: ReadOnlySpan<byte>) : int =
        let mutable offset = 0
        let mutable valid = true

        while valid && offset < body.Length do
            let mutable rune = Rune()
            let mutable length = 0

            if Rune.DecodeFromUtf8(body.Slice offset, &rune, &length) = OperationStatus.Done then
                offset <- offset + length
            else
                valid <- false

        offset

    /// A 400 reply unless the body is valid UTF-8 (JSON text must be; `System.Text.Json` would
    /// otherwise fail only when a name or string is read, deep in the handler).
    let private requireUtf8 (body: ReadOnlySpan<byte>) : unit =
        if not (Unicode.Utf8.IsValid body) then
            Reply.fail (
                Reply.jsonError
                    400
                    "message"
                    $"Malformed JSON body: invalid UTF-8 at byte %d{firstInvalidUtf8 body}; send the JSON text encoded as UTF-8"
            )

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

    /// The row keys as timestamps when every one is in a form `RowTimestamp` reads.
    let private timestamps (body: ReadOnlySpan<byte>) (keys: int[]) : RowLabels voption =
        let times = Array.zeroCreate<DateTimeOffset> (keys.Length / 2)
        let chars = Array.zeroCreate<char> 64
        let mutable naive = true
        let mutable row = 0

        while row >= 0 && row < times.Length do
            let key = body.Slice(keys.[2 * row], keys.[2 * row + 1])
            let mutable n = 0

            match
                if
                    key.Length <= chars.Length
                    && Ascii.ToUtf16(key, Span chars, &n) = OperationStatus.Done
                then
                    RowTimestamp.tryParseChars (ReadOnlySpan(chars, 0, n))
                else
                    ValueNone
            with
            | ValueSome(struct (t, isNaive)) ->
                times.[row] <- t
                naive <- naive && isNaive
                row <- row + 1
            | ValueNone -> row <- -1

        if row >= 0 then
            ValueSome(RowLabels.Times(times, naive))
        else
            ValueNone

    /// Row labels of a table's keys: the common timestamps parsed here, anything else (read
    /// as strings now, parsed when asked, so errors come in the general reader's order) by
    /// `InputFrame.labels`.
    let private labels (body: ReadOnlySpan<byte>) (keys: int[]) : Lazy<RowLabels> =
        match timestamps body keys with
        | ValueSome times -> Lazy<_>.CreateFromValue times
        | ValueNone ->
            let texts = Array.zeroCreate<string> (keys.Length / 2)

            for i in 0 .. texts.Length - 1 do
                texts.[i] <- Encoding.UTF8.GetString(body.Slice(keys.[2 * i], keys.[2 * i + 1]))

            lazy InputFrame.labels texts

    let private sameKeys (body: ReadOnlySpan<byte>) (a: int[]) (b: int[]) : bool =
        let mutable same = a.Length = b.Length
        let mutable i = 0

        while same && i < a.Length do
            same <- body.Slice(a.[i], a.[i + 1]).SequenceEqual(body.Slice(b.[i], b.[i + 1]))
            i <- i + 2

        same

    let private table (rows: Lazy<RowLabels>) (t: DictTable) : InputTable =
        InputFrame.ofMatrix t.Names false rows.Value t.Values

    /// The tables of the fast pass (built when asked, like the general reader's, so errors come
    /// in the same order); equal row keys of X and y are parsed once.
    let private fromScan (body: ReadOnlySpan<byte>) (found: DictBody) : string -> InputTable option =
        let x =
            match found.X with
            | Some t -> Some(t, labels body t.Keys)
            | None -> None

        let y =
            match found.Y, x with
            | Some t, Some(tx, rows) when sameKeys body t.Keys tx.Keys -> Some(t, rows)
            | Some t, _ -> Some(t, labels body t.Keys)
            | None, _ -> None

        fun key ->
            match key with
            | "X" -> x |> Option.map (fun (t, rows) -> table rows t)
            | "y" -> y |> Option.map (fun (t, rows) -> table rows t)
            | _ -> None

    /// The table of a key (`X`, `y`) of a JSON body, if present and not null; malformed JSON
    /// or tables end the request with a 400 reply.
    let tables (body: ReadOnlyMemory<byte>) : string -> InputTable option =
        requireUtf8 body.Span

        match PandasDictJson.tryScan body.Span with
        | Some found -> fromScan body.Span found
        | None -> fromDocument body
