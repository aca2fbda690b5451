namespace Gordo.Server

open System
open System.Buffers.Text

/// Reading one JSON number (RFC 8259 grammar) from UTF-8 text into the double
/// `Utf8JsonReader.TryGetDouble` gives, bit for bit: up to 19 significant digits through
/// `DecimalToDouble`, anything else through .NET's own parser.
[<RequireQualifiedAccess>]
module JsonNumber =
    /// The decimal read so far: significand `W` (its first 19 significant digits), power of ten
    /// `Q`, the count of significant digits in `W`, whether a nonzero digit was dropped.
    [<Struct>]
    type private Decimal = {
        mutable W: uint64
        mutable Q: int
        mutable Digits: int
        mutable Inexact: bool
    }

    let inline private isDigit (b: byte) = b >= '0'B && b <= '9'B

    /// Adds the digit `d` (integer part when `fraction` is false) to the significand.
    let private push (d: byref<Decimal>) (digit: int) (fraction: bool) =
        if d.Digits = 0 && digit = 0 then
            (if fraction then
                 d.Q <- d.Q - 1)
        elif d.Digits < 19 then
            d.W <- d.W * 10UL + uint64 digit
            d.Digits <- d.Digits + 1

            (if fraction then
                 d.Q <- d.Q - 1)
        else
            d.Inexact <- d.Inexact || digit <> 0

            (if not fraction then
                 d.Q <- d.Q + 1)

    let private digits (s: ReadOnlySpan<byte>) (start: int) (d: byref<Decimal>) (fraction: bool) : int =
        let mutable i = start

        while i < s.Length && isDigit s.[i] do
            push &d (int s.[i] - int '0'B) fraction
            i <- i + 1

        if i = start then -1 else i

    /// The exponent part at `start` (after `e`/`E`), added to `d.Q`; the end, or -1.
    let private exponent (s: ReadOnlySpan<byte>) (start: int) (d: byref<Decimal>) : int =
        let negative = start < s.Length && s.[start] = '-'B

        let mutable i =
            if start < s.Length && (s.[start] = '-'B || s.[start] = '+'B) then
                start + 1
            else
                start

        let first = i
        let mutable e = 0

        while i < s.Length && isDigit s.[i] do
            e <- min 100_000 (e * 10 + int s.[i] - int '0'B)
            i <- i + 1

        d.Q <- d.Q + (if negative then -e else e)
        if i = first then -1 else i

    /// The significand, fraction and exponent of the number at `start`: its end, or -1 when
    /// the text there is not a JSON number.
    let private scan (s: ReadOnlySpan<byte>) (start: int) (d: byref<Decimal>) : int =
        let i =
            if start < s.Length && s.[start] = '-'B then
                start + 1
            else
                start

        let mutable i =
            if i < s.Length && s.[i] = '0'B then i + 1
            elif i < s.Length && isDigit s.[i] then digits s i &d false
            else -1

        if i > 0 && i < s.Length && s.[i] = '.'B then
            i <- digits s (i + 1) &d true

        if i > 0 && i < s.Length && (s.[i] = 'e'B || s.[i] = 'E'B) then
            i <- exponent s (i + 1) &d

        i

    let private general (text: ReadOnlySpan<byte>) (value: byref<float>) : bool =
        let mutable consumed = 0
        Utf8Parser.TryParse(text, &value, &consumed) && consumed = text.Length

    /// Reads the JSON number starting at `start` into `value`: the index just after it, or -1
    /// when the text there is not a JSON number. Like `Utf8JsonReader.TryGetDouble`, numbers
    /// beyond the range of doubles give ±infinity.
    let read (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
        let mutable d = Unchecked.defaultof<Decimal>
        let stop = scan s start &d
        let negative = stop > 0 && s.[start] = '-'B
        let digits = if negative then start + 1 else start

        let ok =
            stop > 0
            && (if d.Digits = 0 then
                    value <- 0.0
                    true
                elif not d.Inexact && DecimalToDouble.tryCompute d.W d.Q &value then
                    true
                else
                    general (s.Slice(digits, stop - digits)) &value)

        if ok && negative then
            value <- -value

        if ok then stop else -1
