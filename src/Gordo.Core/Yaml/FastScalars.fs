namespace Gordo.Core.Yaml

open System
open System.Buffers
open System.Globalization
open System.Text

/// Raised by the fast YAML reader when the text leaves the subset it reads exactly; the caller
/// then reads the text with the full YAML parser (which also reports the errors).
exception internal FastUnsupported

/// Single-line pieces of the fast YAML reader: quoted scalars, plain scalars and flow collections.
/// Positions are indices into the whole text; `lineEnd` is the index of the line's `\n` (or the length).
[<RequireQualifiedAccess>]
module internal FastScalars =

    /// Gives up on the fast path.
    let unsupported () : 'T = raise FastUnsupported

    /// Characters the fast path does not read: C0 controls but tab and line feed, carriage return,
    /// DEL and C1 controls, Unicode line/paragraph separators, BOM and non-characters.
    let private forbidden =
        let chars =
            Array.concat [
                [|
                    for c in 0..0x1F do
                        if c <> 0x09 && c <> 0x0A then
                            yield char c
                |]
                [| for c in 0x7F..0x9F -> char c |]
                [| '\u2028'; '\u2029'; '\uFEFF'; '\uFFFE'; '\uFFFF' |]
            ]

        SearchValues.Create(ReadOnlySpan chars)

    /// Whether the text has only characters the fast path reads (no surrogates either).
    let readable (text: string) : bool =
        let span = text.AsSpan()
        span.IndexOfAny forbidden < 0 && span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0

    let private hex (text: string) (at: int) (lineEnd: int) : char =
        if at + 4 > lineEnd then
            unsupported ()

        match Int32.TryParse(text.AsSpan(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) with
        | true, v when v < 0xD800 || v > 0xDFFF -> char v
        | _ -> unsupported ()

    let private escape (c: char) : char =
        match c with
        | '"' -> '"'
        | '\\' -> '\\'
        | '/' -> '/'
        | 'n' -> '\n'
        | 't' -> '\t'
        | 'r' -> '\r'
        | 'b' -> '\b'
        | 'f' -> '\012'
        | _ -> unsupported ()

    let private quotes = SearchValues.Create("\"\\\n")

    /// A double-quoted scalar starting at `start` (the quote) on one line: value and the index after it.
    let doubleQuoted (text: string) (start: int) (lineEnd: int) : string * int =
        let first = text.AsSpan(start + 1, lineEnd - start - 1).IndexOfAny quotes

        if first >= 0 && text[start + 1 + first] = '"' then
            text.Substring(start + 1, first), start + first + 2
        else
            let sb = StringBuilder(min (lineEnd - start) 256)
            let mutable i = start + 1
            let mutable closed = -1

            while closed < 0 do
                let k = text.AsSpan(i, lineEnd - i).IndexOfAny quotes

                if k < 0 || text[i + k] = '\n' then
                    unsupported ()

                sb.Append(text, i, k) |> ignore
                let at = i + k

                if text[at] = '"' then
                    closed <- at + 1
                elif at + 1 < lineEnd && text[at + 1] = 'u' then
                    sb.Append(hex text (at + 2) lineEnd) |> ignore
                    i <- at + 6
                elif at + 1 < lineEnd then
                    sb.Append(escape text[at + 1]) |> ignore
                    i <- at + 2
                else
                    unsupported ()

            sb.ToString(), closed

    /// A single-quoted scalar starting at `start` on one line: value and the index after it.
    let singleQuoted (text: string) (start: int) (lineEnd: int) : string * int =
        let sb = StringBuilder()
        let mutable i = start + 1
        let mutable closed = -1

        while closed < 0 do
            let k = text.IndexOf('\'', i, lineEnd - i)

            if k < 0 then
                unsupported ()

            sb.Append(text, i, k - i) |> ignore

            if k + 1 < lineEnd && text[k + 1] = '\'' then
                sb.Append '\'' |> ignore
                i <- k + 2
            else
                closed <- k + 1

        sb.ToString(), closed

    /// The index of the first non-space character at or after `i` (at most `lineEnd`).
    let skipSpaces (text: string) (i: int) (lineEnd: int) : int =
        let mutable j = i

        while j < lineEnd && text[j] = ' ' do
            j <- j + 1

        j

    /// Whether a plain scalar may start with this character followed by `next` ('\n' at the end).
    let plainStart (c: char) (next: char) : bool =
        match c with
        | '['
        | ']'
        | '{'
        | '}'
        | ','
        | '#'
        | '&'
        | '*'
        | '!'
        | '|'
        | '>'
        | '\''
        | '"'
        | '%'
        | '@'
        | '`'
        | '\t' -> false
        | '-'
        | '?'
        | ':' -> next <> ' ' && next <> '\n'
        | _ -> true

    let private flowIndicator (c: char) =
        c = ',' || c = '[' || c = ']' || c = '{' || c = '}'

    /// A plain scalar in a flow collection starting at `start`: its text and the index after it.
    let flowPlain (text: string) (start: int) (lineEnd: int) : string * int =
        let next = if start + 1 < lineEnd then text[start + 1] else '\n'

        if not (plainStart text[start] next) then
            unsupported ()

        let mutable i = start
        let mutable stop = false

        while not stop && i < lineEnd do
            let c = text[i]

            if flowIndicator c || c = '\t' then
                stop <- true
            elif c = ':' && (i + 1 = lineEnd || text[i + 1] = ' ' || flowIndicator text[i + 1]) then
                stop <- true
            elif c = '#' && text[i - 1] = ' ' then
                unsupported ()
            else
                i <- i + 1

        text.Substring(start, i - start).TrimEnd(' '), i

    let flowKey (text: string) (start: int) (lineEnd: int) : string * int =
        match text[start] with
        | '"'
        | '\'' as quote ->
            let quoted = if quote = '"' then doubleQuoted else singleQuoted
            let key, after = quoted text start lineEnd
            let colon = skipSpaces text after lineEnd

            if colon < lineEnd && text[colon] = ':' then
                key, colon + 1
            else
                unsupported ()
        | _ ->
            let key, after = flowPlain text start lineEnd

            if after + 1 < lineEnd && text[after] = ':' && text[after + 1] = ' ' && key <> "" then
                key, after + 1
            else
                unsupported ()

    /// After a flow entry ending at `after`: the next entry's start and whether `close` ended the collection.
    let private separator (text: string) (after: int) (lineEnd: int) (close: char) : int * bool =
        let i = skipSpaces text after lineEnd

        if i >= lineEnd then
            unsupported ()
        elif text[i] = close then
            i + 1, true
        elif text[i] = ',' then
            let j = skipSpaces text (i + 1) lineEnd

            if j >= lineEnd || text[j] = close then
                unsupported ()
            else
                j, false
        else
            unsupported ()

    /// The entries of a flow collection opened at `start` and closed by `close`, each read by
    /// `entry` (from its first character to the index after it).
    let flowEntries (text: string) (start: int) (lineEnd: int) (close: char) (entry: int -> int) : int =
        let mutable i = skipSpaces text (start + 1) lineEnd
        let mutable closed = i < lineEnd && text[i] = close

        if closed then
            i <- i + 1

        while not closed do
            if i >= lineEnd then
                unsupported ()

            let next, isEnd = separator text (entry i) lineEnd close
            i <- next
            closed <- isEnd

        i
