namespace Gordo.Server

open System
open System.Buffers
open System.Collections.Generic
open System.Text
open System.Text.Json
open System.Text.Unicode

/// One table of a JSON body in pandas dict form (`{column: {row: value}}`) as scanned.
type internal DictTable = {
    /// Column names.
    Names: string[]
    /// The row keys as start and length in the body (two entries per row).
    Keys: int[]
    /// Values, rows × columns (null → NaN, true/false → 1/0).
    Values: float[,]
}

/// The `X` and `y` tables of a JSON body (None: null or absent).
type internal DictBody = {
    /// `X`.
    X: DictTable option
    /// `y`.
    Y: DictTable option
}

/// A hand-written scanner for the JSON bodies Gordo's client sends: `{"X": T, "y": T}` where
/// each T is null or a pandas dict with the same row keys in the same order in every column.
/// It gives up (None) on anything else or anything it does not fully understand (escapes,
/// strings as cells, nested tables, NaN, duplicate keys, malformed JSON): the general reader
/// then gives the table or the specified error.
[<RequireQualifiedAccess>]
module internal PandasDictJson =
    exception private NotSimple

    /// A pooled buffer that grows by doubling.
    let private grow (buffer: 'T[]) : 'T[] =
        let bigger = ArrayPool<'T>.Shared.Rent(2 * buffer.Length)
        Array.blit buffer 0 bigger 0 buffer.Length
        ArrayPool<'T>.Shared.Return buffer
        bigger

    /// The table being scanned: its column-major cell values and its row keys (start and
    /// length in the body, as recorded by the first column), in pooled buffers.
    type private Scratch() =
        let mutable cells = ArrayPool<float>.Shared.Rent 4096
        let mutable count = 0
        let mutable keys = ArrayPool<int>.Shared.Rent 512
        let mutable keyCount = 0

        member _.Add(v: float) =
            if count = cells.Length then
                cells <- grow cells

            cells.[count] <- v
            count <- count + 1

        member _.AddKey(start: int, length: int) =
            if keyCount + 2 > keys.Length then
                keys <- grow keys

            keys.[keyCount] <- start
            keys.[keyCount + 1] <- length
            keyCount <- keyCount + 2

        /// The number of row keys recorded.
        member _.Rows = keyCount / 2

        /// The start of row key `row`.
        member _.KeyStart(row: int) = keys.[2 * row]

        /// The length of row key `row`.
        member _.KeyLength(row: int) = keys.[2 * row + 1]

        /// The row keys as start and length pairs.
        member _.Keys() : int[] = keys.AsSpan(0, keyCount).ToArray()

        /// The cells as a rows × columns matrix; empties the scratch.
        member _.Matrix(rows: int, columns: int) : float[,] =
            let values = Array2D.zeroCreate rows columns

            for j in 0 .. columns - 1 do
                for i in 0 .. rows - 1 do
                    values.[i, j] <- cells.[j * rows + i]

            count <- 0
            keyCount <- 0
            values

        interface IDisposable with
            member _.Dispose() =
                ArrayPool<float>.Shared.Return cells
                ArrayPool<int>.Shared.Return keys

    let private nullText = "null"B
    let private trueText = "true"B
    let private falseText = "false"B

    let inline private at (s: ReadOnlySpan<byte>) (i: int) : byte =
        if uint32 i < uint32 s.Length then s.[i] else 0uy

    let private skip (s: ReadOnlySpan<byte>) (start: int) : int =
        let mutable i = start

        while i < s.Length
              && (s.[i] = ' 'B || s.[i] = '\n'B || s.[i] = '\r'B || s.[i] = '\t'B) do
            i <- i + 1

        i

    /// The index after `c` (whitespace before it skipped).
    let private expect (s: ReadOnlySpan<byte>) (start: int) (c: byte) : int =
        let i = skip s start
        if at s i = c then i + 1 else raise NotSimple

    /// The index of the closing quote of the string whose text starts at `start`; only valid
    /// UTF-8 without escapes and control characters.
    let private stringEnd (s: ReadOnlySpan<byte>) (start: int) : int =
        let rest = s.Slice start
        let n = rest.IndexOfAny('"'B, '\\'B)

        if n < 0 || rest.[n] <> '"'B then
            raise NotSimple

        let text = rest.Slice(0, n)

        if text.IndexOfAnyInRange(0uy, 0x1Fuy) >= 0 || not (Utf8.IsValid text) then
            raise NotSimple

        start + n

    let private literal (s: ReadOnlySpan<byte>) (start: int) (text: byte[]) : int =
        if s.Slice(start).StartsWith(ReadOnlySpan text) then
            start + text.Length
        else
            raise NotSimple

    /// The cell value at `start` into `value`; the index after it.
    let private cell (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
        match at s start with
        | 'n'B ->
            value <- nan
            literal s start nullText
        | 't'B ->
            value <- 1.0
            literal s start trueText
        | 'f'B ->
            value <- 0.0
            literal s start falseText
        | _ ->
            let stop = JsonNumber.read s start &value
            if stop < 0 then raise NotSimple else stop

    /// The index after the `row`th row key (its text at `start`): the first column records its
    /// keys, the others must repeat them byte for byte.
    let private rowKey (s: ReadOnlySpan<byte>) (start: int) (scratch: Scratch) (first: bool) (row: int) : int =
        if first then
            let stop = stringEnd s start
            scratch.AddKey(start, stop - start)
            stop + 1
        else
            let length = if row < scratch.Rows then scratch.KeyLength row else -1

            if
                length < 0
                || start + length >= s.Length
                || s.[start + length] <> '"'B
                || not (s.Slice(start, length).SequenceEqual(s.Slice(scratch.KeyStart row, length)))
            then
                raise NotSimple

            start + length + 1

    /// The index after the `,` (`more` stays true) or `}` (`more` false) that follows an item.
    let private next (s: ReadOnlySpan<byte>) (start: int) (more: byref<bool>) : int =
        let i = skip s start

        match at s i with
        | ','B -> i + 1
        | '}'B ->
            more <- false
            i + 1
        | _ -> raise NotSimple

    /// The index after a non-empty object's `{` (whitespace before it skipped).
    let private opening (s: ReadOnlySpan<byte>) (start: int) : int =
        let i = expect s start '{'B
        if at s (skip s i) = '}'B then raise NotSimple else i

    /// Scans one column object; the index after it.
    let private column (s: ReadOnlySpan<byte>) (start: int) (scratch: Scratch) : int =
        let first = scratch.Rows = 0
        let mutable i = opening s start
        let mutable rows = 0
        let mutable more = true

        while more do
            i <- rowKey s (expect s i '"'B) scratch first rows
            let mutable value = 0.0
            i <- cell s (skip s (expect s i ':'B)) &value
            scratch.Add value
            rows <- rows + 1
            i <- next s i &more

        if rows <> scratch.Rows then raise NotSimple else i

    /// Scans one table (after skipping whitespace, at its `{`); the index after it.
    let private table (s: ReadOnlySpan<byte>) (start: int) (scratch: Scratch) (result: byref<DictTable>) : int =
        let names = List<string>()
        let mutable i = opening s start
        let mutable more = true

        while more do
            let nameStart = expect s i '"'B
            let nameEnd = stringEnd s nameStart
            names.Add(Encoding.UTF8.GetString(s.Slice(nameStart, nameEnd - nameStart)))
            i <- next s (column s (expect s (nameEnd + 1) ':'B) scratch) &more

        result <- {
            Names = names.ToArray()
            Keys = scratch.Keys()
            Values = scratch.Matrix(scratch.Rows, names.Count)
        }

        i

    /// The index after the value at `start` (any JSON value), read by a `Utf8JsonReader`.
    let private skipValue (s: ReadOnlySpan<byte>) (start: int) : int =
        let mutable r = Utf8JsonReader(s.Slice start, JsonReaderOptions(MaxDepth = 63))

        if not (r.Read()) then
            raise NotSimple

        r.Skip()
        start + int r.BytesConsumed

    /// The first table scanned in a body: where its text starts, how long it is, what it gave.
    [<Struct>]
    type private Scanned = {
        Start: int
        Length: int
        Table: DictTable
    }

    /// The value of a top-level entry: None for null, else a table. A table whose text repeats
    /// the first one's byte for byte (Gordo's client sends `y` equal to `X` for anomaly models)
    /// is a copy of it, not scanned again.
    let private entry
        (s: ReadOnlySpan<byte>)
        (start: int)
        (scratch: Scratch)
        (first: byref<Scanned voption>)
        (result: byref<DictTable option>)
        : int =
        if at s start = 'n'B then
            result <- None
            literal s start nullText
        else
            match first with
            | ValueSome f when s.Slice(start).StartsWith(s.Slice(f.Start, f.Length)) ->
                result <-
                    Some {
                        f.Table with
                            Values = Array2D.copy f.Table.Values
                    }

                start + f.Length
            | _ ->
                let mutable t = Unchecked.defaultof<DictTable>
                let stop = table s start scratch &t
                result <- Some t

                if first.IsNone then
                    first <-
                        ValueSome {
                            Start = start
                            Length = stop - start
                            Table = t
                        }

                stop

    let private scanBody (s: ReadOnlySpan<byte>) (scratch: Scratch) : DictBody =
        let mutable x, y = None, None
        let mutable first = ValueNone
        let mutable seen = 0
        let mutable i = opening s 0
        let mutable more = true

        while more do
            let keyStart = expect s i '"'B
            let key = s.Slice(keyStart, stringEnd s keyStart - keyStart)
            let start = skip s (expect s (keyStart + key.Length + 1) ':'B)

            let bit =
                if key.Length <> 1 then 0
                elif key.[0] = 'X'B then 1
                elif key.[0] = 'y'B then 2
                else 0

            let stop =
                if bit = 0 then skipValue s start
                elif seen &&& bit <> 0 then raise NotSimple
                elif bit = 1 then entry s start scratch &first &x
                else entry s start scratch &first &y

            seen <- seen ||| bit
            i <- next s stop &more

        if skip s i <> s.Length then
            raise NotSimple
        else
            { X = x; Y = y }

    /// The tables of a body in the simple form, or None: leave it to the general reader.
    let tryScan (body: ReadOnlySpan<byte>) : DictBody option =
        use scratch = new Scratch()

        try
            Some(scanBody body scratch)
        with
        | NotSimple
        | :? JsonException -> None
