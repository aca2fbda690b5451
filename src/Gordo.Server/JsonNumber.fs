namespace Gordo.Server

open System
open System.Buffers.Binary
open System.Buffers.Text
open System.Numerics

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
        if uint32 i < uint32 s.Length then
            uint64 s.[i] - uint64 '0'B
        else
            10UL

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

    /// 10^0 .. 10^19.
    let private powers: uint64[] = Array.init 20 (fun k -> pown 10UL k)

    /// The eight bytes at `i` as a little-endian word (the first byte lowest).
    let inline private word (s: ReadOnlySpan<byte>) (i: int) : uint64 =
        BinaryPrimitives.ReadUInt64LittleEndian(s.Slice(i, 8))

    /// How many of a word's first bytes are digits (0..8), and in `values` the word with '0'
    /// taken from each byte. A byte b is a digit when b ^ '0' < 10; the test is made in all
    /// eight bytes at once, with no carry from one byte into the next.
    let inline private leadingDigits (w: uint64) (values: byref<uint64>) : int =
        let v = w ^^^ 0x3030303030303030UL

        let nonDigits =
            (((v &&& 0x7F7F7F7F7F7F7F7FUL) + 0x7676767676767676UL) ||| v)
            &&& 0x8080808080808080UL

        values <- v
        BitOperations.TrailingZeroCount nonDigits >>> 3

    /// The number of the first `n` (1..8) digit values of `v`: moved to the top bytes (zeros
    /// below are leading zeros), then combined in pairs, fours and eights by three multiplications.
    let inline private digitsValue (v: uint64) (n: int) : uint64 =
        let v = v <<< (8 * (8 - n))
        let v = v * 10UL + (v >>> 8)

        let v =
            ((v &&& 0x000000FF000000FFUL) * (100UL + (1_000_000UL <<< 32))
             + ((v >>> 16) &&& 0x000000FF000000FFUL) * (1UL + (10_000UL <<< 32)))
            >>> 32

        v &&& 0xFFFFFFFFUL

    /// The common short form, `[-]d[ddddddd][.d…]` with at most 7 integer digits, 1–15 fraction
    /// digits and 19 digits in all, no exponent, read eight bytes at a time: the index after it,
    /// or -1 for any other text (and within 32 bytes of the end of `s`), left to `readAny`.
    let private plain (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
        if start + 32 > s.Length then
            -1
        else
            let negative = s.[start] = '-'B
            let mutable i = if negative then start + 1 else start
            let mutable v = 0UL
            let whole = leadingDigits (word s i) &v

            if whole = 0 || whole = 8 || (whole > 1 && s.[i] = '0'B) then
                -1
            else
                let mutable w = digitsValue v whole
                let mutable q = 0
                let mutable ok = true
                i <- i + whole

                if s.[i] = '.'B then
                    let first = leadingDigits (word s (i + 1)) &v
                    ok <- first > 0

                    if ok then
                        w <- w * powers.[first] + digitsValue v first
                        q <- -first
                        i <- i + 1 + first

                        if first = 8 then
                            let second = leadingDigits (word s i) &v
                            ok <- second < 8 && whole + 8 + second <= 19

                            if ok && second > 0 then
                                w <- w * powers.[second] + digitsValue v second
                                q <- q - second
                                i <- i + second

                if not ok || s.[i] = 'e'B || s.[i] = 'E'B then
                    -1
                elif w = 0UL then
                    value <- if negative then -0.0 else 0.0
                    i
                elif DecimalToDouble.tryCompute w q &value then
                    if negative then
                        value <- -value

                    i
                else
                    -1

    let private general (text: ReadOnlySpan<byte>) (value: byref<float>) : bool =
        let mutable consumed = 0
        Utf8Parser.TryParse(text, &value, &consumed) && consumed = text.Length

    /// `read` for any JSON number text, digit by digit.
    let private readAny (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
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

    /// Reads the JSON number starting at `start` into `value`: the index just after it, or -1
    /// when the text there is not a JSON number. Like `Utf8JsonReader.TryGetDouble`, numbers
    /// beyond the range of doubles give ±infinity.
    let read (s: ReadOnlySpan<byte>) (start: int) (value: byref<float>) : int =
        let stop = plain s start &value
        if stop >= 0 then stop else readAny s start &value
