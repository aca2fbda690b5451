namespace Gordo.Server

open System
open System.Buffers.Text
open csFastFloat

/// Reading one JSON number (RFC 8259 grammar) from UTF-8 text into the double
/// `Utf8JsonReader.TryGetDouble` gives, bit for bit: the grammar is checked here (csFastFloat,
/// like .NET's parser, also takes `+1`, `.5`, `01` or `nan`), the value is read by csFastFloat,
/// which rounds correctly as .NET's parser does, or by .NET's parser for long texts.
[<RequireQualifiedAccess>]
module internal JsonNumber =
    let inline private isDigit (s: ReadOnlySpan<byte>) (i: int) : bool =
        uint32 i < uint32 s.Length && uint32 (s.[i] - '0'B) < 10u

    /// The index after the run of digits at `start` (`start` when there is none).
    let private digits (s: ReadOnlySpan<byte>) (start: int) : int =
        let mutable i = start

        while isDigit s i do
            i <- i + 1

        i

    /// The index after the digits at `start`, or -1 when there is none.
    let private someDigits (s: ReadOnlySpan<byte>) (start: int) : int =
        let stop = digits s start
        if stop = start then -1 else stop

    /// True when `i` is inside `s` (not -1) and the byte there is `a` or `b`.
    let private isAt (s: ReadOnlySpan<byte>) (i: int) (a: byte) (b: byte) : bool =
        uint32 i < uint32 s.Length && (s.[i] = a || s.[i] = b)

    /// The end of the JSON number at `start`, or -1 when the text there is not one.
    let private extent (s: ReadOnlySpan<byte>) (start: int) : int =
        let first = if isAt s start '-'B '-'B then start + 1 else start

        let mutable i =
            if not (isDigit s first) then -1
            elif s.[first] = '0'B then first + 1
            else digits s first

        if isAt s i '.'B '.'B then
            i <- someDigits s (i + 1)

        if isAt s i 'e'B 'E'B then
            i <- someDigits s (if isAt s (i + 1) '+'B '-'B then i + 2 else i + 1)

        i

    /// Texts longer than this are read by .NET's parser (the reader's own): it and csFastFloat
    /// round differently on some exact ties written with hundreds of digits.
    [<Literal>]
    let private LongText = 100

    let private parse (text: ReadOnlySpan<byte>) (value: byref<float>) : bool =
        if text.Length <= LongText then
            FastDoubleParser.TryParseDouble(text, &value)
        else
            let mutable consumed = 0
            Utf8Parser.TryParse(text, &value, &consumed) && consumed = text.Length

    /// Reads the JSON number starting at `start` into `value`: the index just after it, or -1
    /// when the text there is not a JSON number. Like `Utf8JsonReader.TryGetDouble`, numbers
    /// beyond the range of doubles give ±infinity.
    let read (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
        let stop = extent s start

        if stop > 0 && parse (s.Slice(start, stop - start)) &value then
            stop
        else
            -1
