namespace Gordo.Server

open System
open System.Buffers.Text

/// Reading one JSON number (RFC 8259 grammar) from UTF-8 text into the double
/// `Utf8JsonReader.TryGetDouble` gives, bit for bit: up to 19 significant digits through
/// `DecimalToDouble`, anything else through .NET's own parser.
[<RequireQualifiedAccess>]
module JsonNumber =
    /// A decimal as read: significand `W` (its first 19 significant digits), power of ten `Q`,
    /// the count of significant digits in `W`, whether a nonzero digit was dropped.
    [<Struct>]
    type private Decimal = {
        mutable W: uint64
        mutable Q: int
        mutable Digits: int
        mutable Inexact: bool
    }

    let inline private digitAt (s: ReadOnlySpan<byte>) (i: int) : uint64 =
        if i < s.Length then uint64 s.[i] - uint64 '0'B else 10UL

    /// Reads the digits from `start` into `d` (`fraction`: digits after the point); the end.
    let private digits (s: ReadOnlySpan<byte>) (start: int) (fraction: bool) (d: byref<Decimal>) : int =
        let mutable w = d.W
        let mutable q = d.Q
        let mutable count = d.Digits
        let mutable inexact = d.Inexact
        let mutable i = start
        let mutable x = digitAt s i

        while x < 10UL do
            if count < 19 then
                w <- w * 10UL + x
                count <- if w = 0UL then 0 else count + 1
                q <- if fraction then q - 1 else q
            else
                inexact <- inexact || x <> 0UL
                q <- if fraction then q else q + 1

            i <- i + 1
            x <- digitAt s i

        d.W <- w
        d.Q <- q
        d.Digits <- count
        d.Inexact <- inexact
        i

    /// The exponent part at `start` (after `e`/`E`), added to `d.Q`; the end, or -1.
    let private exponent (s: ReadOnlySpan<byte>) (start: int) (d: byref<Decimal>) : int =
        let sign = if start < s.Length then s.[start] else 0uy
        let mutable i = if sign = '-'B || sign = '+'B then start + 1 else start
        let first = i
        let mutable e = 0
        let mutable x = digitAt s i

        while x < 10UL do
            e <- min 100_000 (e * 10 + int x)
            i <- i + 1
            x <- digitAt s i

        d.Q <- d.Q + (if sign = '-'B then -e else e)
        if i = first then -1 else i

    /// The significand, fraction and exponent of the number at `start`: its end, or -1 when
    /// the text there is not a JSON number.
    let private scan (s: ReadOnlySpan<byte>) (start: int) (d: byref<Decimal>) : int =
        let first =
            if start < s.Length && s.[start] = '-'B then
                start + 1
            else
                start

        let lead = digitAt s first

        let mutable i =
            if lead = 0UL then first + 1
            elif lead < 10UL then digits s first false &d
            else -1

        if i > 0 && i < s.Length && s.[i] = '.'B then
            let next = digits s (i + 1) true &d
            i <- if next = i + 1 then -1 else next

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
