// One source, compiled into the two assemblies that format doubles on their hot paths (the
// server's JSON replies, the client's InfluxDB line protocol): a call into another assembly
// measured slower on the server's request path than this file compiled into it.
#if GORDO_CLIENT
namespace Gordo.Client
#else
namespace Gordo.Server
#endif

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.InteropServices
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86

/// The shortest round-trip text of a finite double, byte for byte what .NET's
/// `double.TryFormat` (and so `Utf8JsonWriter.WriteNumberValue`) writes — `0.1`, `1E-05`,
/// `1E+17`, `-0` — about six times faster: the digits come from Raffaello Giulietti's Schubfach
/// algorithm ("The Schubfach way to render doubles", 2020) instead of Grisu3 with a Dragon4
/// fallback, are turned into text sixteen at a time in the lanes of one vector (SWAR style), and
/// are laid out with .NET's "R" rules (scientific when the decimal exponent is below -4 or above
/// 16) by a few overlapping word stores. The server's replies are mostly such numbers (≈ 5,000
/// per anomaly reply). The hot path is branch-free where the branch would be a coin flip, and
/// inlined into one function: at this size, calls and mispredictions cost as much as the
/// arithmetic.
[<RequireQualifiedAccess>]
module internal ShortestDouble =
    /// ⌊q·log10 2⌋ (checked for |q| ≤ 1100).
    let private log10Pow2 (q: int) =
        int ((int64 q * 661_971_961_083L) >>> 41)

    /// ⌊e·log2 10⌋ (checked for |e| ≤ 400).
    let private log2Pow10 (e: int) = (e * 1_741_647) >>> 19

    /// g = ⌊10^-k · 2^(125 - ⌊log2 10^-k⌋)⌋ + 1, a 126-bit over-estimate of 10^-k scaled to
    /// [2^125, 2^126), as (high, low) 64-bit halves.
    let private scaleOf (k: int) : struct (uint64 * uint64) =
        let shift = 125 - log2Pow10 -k

        let g =
            if k <= 0 then
                let p = BigInteger.Pow(BigInteger 10, -k)
                (if shift >= 0 then p <<< shift else p >>> -shift) + BigInteger.One
            else
                (BigInteger.One <<< shift) / BigInteger.Pow(BigInteger 10, k) + BigInteger.One

        struct (uint64 (g >>> 64), uint64 (g &&& ((BigInteger.One <<< 64) - BigInteger.One)))

    /// What a biased exponent field needs: its significand's hidden bit, k = ⌊q·log10 2⌋, 10^-k as
    /// Schubfach's g, and the shift h that makes g·(c·2^h) / 2^128 the value in units of 10^k.
    [<Struct>]
    type private Scale = {
        High: uint64
        Low: uint64
        Hidden: uint64
        Shift: int
        K: int
    }

    /// Scales by biased exponent field (0 for subnormals, which share exponent 1's q; 2047, not
    /// finite, is never used).
    let private scales: Scale[] =
        let byK = Array.init (292 + 325) (fun i -> scaleOf (i - 324))

        Array.init 2048 (fun field ->
            let q = max field 1 - 1075
            let k = log10Pow2 q
            let struct (high, low) = byK.[k + 324]

            {
                High = high
                Low = low
                Hidden = (if field = 0 then 0UL else 1UL <<< 52)
                Shift = q + log2Pow10 -k + 3
                K = k
            })

    let inline private flag (b: bool) = if b then 1UL else 0UL

    /// The high 64 bits of a·b: `mulx` alone where the CPU has it (`Math.BigMul` returns the low
    /// half through memory, which costs more than the multiplication).
    let inline private high (a: uint64) (b: uint64) : uint64 =
        if Bmi2.X64.IsSupported then
            Bmi2.X64.MultiplyNoFlags(a, b)
        else
            let mutable low = 0UL
            Math.BigMul(a, b, &low)

    /// ⌊g·cp / 2^128⌋, rounded to odd: its last bit is set when the 64 bits after the point are
    /// not all zero. The bits after those are ignored on purpose: g over-estimates 10^-k by less
    /// than 2^-66 of the result, which must not turn an exact product odd.
    let inline private roundToOdd (scale: Scale) (cp: uint64) : uint64 =
        let carry = high cp scale.Low
        let fraction = cp * scale.High + carry
        let top = high cp scale.High + flag (fraction < carry)
        top ||| flag (fraction <> 0UL)

    /// The shortest decimal `digits × 10^k` closest to a finite, positive double whose
    /// significand bits are not all zero (so its rounding interval is symmetric). The interval
    /// holds at most one multiple of 10^(k+1), which is the answer if it is there; otherwise the
    /// answer is ⌊value / 10^k⌋ or one more: the one inside the interval, or when both are, the
    /// closer (ties to even). Which case holds is a coin flip for typical values, so no branches.
    let inline private decimal (bits: int64) : struct (uint64 * int) =
        let scale =
            Unsafe.Add(&MemoryMarshal.GetArrayDataReference scales, int (bits >>> 52))

        let c = (uint64 bits &&& ((1UL <<< 52) - 1UL)) ||| scale.Hidden
        let out = c &&& 1UL
        let cb = c <<< 2
        // 4·value and its bounds in units of 10^k, rounded to odd; `out` 1 when the bounds are excluded.
        let vb = roundToOdd scale (cb <<< scale.Shift)
        let vbl = roundToOdd scale ((cb - 2UL) <<< scale.Shift) + out
        let vbr = roundToOdd scale ((cb + 2UL) <<< scale.Shift) - out
        let s = vb >>> 2
        let sp10 = vb / 40UL * 10UL
        let upin = flag (vbl <= (sp10 <<< 2))
        let wpin = flag (((sp10 + 10UL) <<< 2) <= vbr)
        // s + 1 when s is outside, or s + 1 is inside and closer or as close with s odd: vb's
        // last three bits (s's parity, then 4·value - 4·s) are 011, 111 or 110.
        let closer =
            ((0b1100_1000UL >>> int (vb &&& 7UL)) &&& 1UL) &&& flag ((vb ||| 3UL) < vbr)

        let longer = s + (flag (vbl > (vb &&& ~~~3UL)) ||| closer)
        let shorter = 0UL - (upin ||| wpin)
        struct (((sp10 + 10UL * wpin) &&& shorter) ||| (longer &&& ~~~shorter), scale.K)

    /// The longest text `format` writes (`-1.2345678901234567E-308`).
    [<Literal>]
    let MaxLength = 26

    // The writers below store without bounds checks: `format` checks once that `dest` holds
    // `MaxLength` bytes, and no layout writes past that.

    let inline private putByte (dest: Span<byte>) (at: int) (b: byte) =
        Unsafe.Add(&MemoryMarshal.GetReference dest, at) <- b

    let inline private putWord (dest: Span<byte>) (at: int) (w: uint64) =
        Unsafe.WriteUnaligned<uint64>(&Unsafe.Add(&MemoryMarshal.GetReference dest, at), w)

    /// '0' in every byte: turns eight digit values into their ASCII text.
    [<Literal>]
    let private Zeros = 0x3030303030303030UL

    /// Seventeen digits as text: the first byte, and the next sixteen in two words.
    [<Struct>]
    type private Digits = {
        Head: uint64
        Middle: uint64
        Tail: uint64
    }

    /// The digits of d (10^16 ≤ d < 10^17) as text, the first digit in the lowest byte. The
    /// four groups of four digits after the head come from d by independent divisions (short
    /// dependency chains), then go into the lanes of one vector, which splits them into pairs and
    /// the pairs into digits: x = 100·q + r becomes q + 2^16·r as (x << 16) + q·(1 - 100·2^16),
    /// with q = x·⌈2^20/100⌉ >> 20 (and likewise with 10, 2^8 and 2^10).
    let inline private split (d: uint64) : Digits =
        let head = d / 10_000_000_000_000_000UL
        let q12 = d / 1_000_000_000_000UL
        let q8 = d / 100_000_000UL
        let q4 = d / 10_000UL
        let high = (q12 - head * 10_000UL) ||| ((q8 - q12 * 10_000UL) <<< 32)
        let low = (q4 - q8 * 10_000UL) ||| ((d - q4 * 10_000UL) <<< 32)
        let v = Vector128.Create(high, low).AsUInt32()
        let q = Vector128.ShiftRightLogical(v * Vector128.Create 10_486u, 20)

        let v =
            (Vector128.ShiftLeft(v, 16) + q * Vector128.Create(1u - (100u <<< 16))).AsUInt16()

        let q = Vector128.ShiftRightLogical(v * Vector128.Create 103us, 10)

        let v =
            (Vector128.ShiftLeft(v, 8) + q * Vector128.Create(1us - (10us <<< 8))).AsUInt64()

        let v = v ||| Vector128.Create Zeros

        {
            Head = head + 48UL
            Middle = v.GetElement 0
            Tail = v.GetElement 1
        }

    /// The number of significant digits: 17 less the trailing zeros, which are the highest '0'
    /// bytes of the tail (and of the middle when the whole tail is zeros).
    let inline private significant (d: Digits) : int =
        if d.Tail <> Zeros then
            17 - (BitOperations.LeadingZeroCount(d.Tail ^^^ Zeros) >>> 3)
        else
            9 - (BitOperations.LeadingZeroCount(d.Middle ^^^ Zeros) >>> 3)

    let inline private put17 (dest: Span<byte>) (at: int) (d: Digits) =
        putByte dest at (byte d.Head)
        putWord dest (at + 1) d.Middle
        putWord dest (at + 9) d.Tail

    /// A word of eight text bytes with '.' put in at byte j (0..7) and the bytes from j on moved
    /// one place up (the last one drops out).
    let inline private withPoint (w: uint64) (j: int) : uint64 =
        let below = (1UL <<< (j <<< 3)) - 1UL
        let above = (w <<< 8) &&& ~~~((below <<< 8) ||| 0xFFUL)
        (w &&& below) ||| (0x2EUL <<< (j <<< 3)) ||| above

    /// `ddd.ddd` (0 < point < n): all digits one place right, then the word holding the point
    /// rewritten with the digits before it moved back — no byte loop, whatever the point.
    let inline private pointed (dest: Span<byte>) (at: int) (d: Digits) (point: int) =
        put17 dest (at + 1) d
        let first = d.Head ||| (d.Middle <<< 8)

        if point < 8 then
            putWord dest at (withPoint first point)
        else
            let second = (d.Middle >>> 56) ||| (d.Tail <<< 8)
            putWord dest at first

            if point < 16 then
                putWord dest (at + 8) (withPoint second (point - 8))
            else
                putWord dest (at + 8) second
                putByte dest (at + 16) (byte '.')

    /// "0.000000" as little-endian text.
    [<Literal>]
    let private Fraction = 0x303030303030_2E30UL

    /// "00" .. "99" as two ASCII digits in one little-endian 16-bit word each.
    let private pairs: uint16[] =
        Array.init 100 (fun k -> uint16 (48 + k / 10) ||| (uint16 (48 + k % 10) <<< 8))

    let private putPair (dest: Span<byte>) (at: int) (k: int) =
        Unsafe.WriteUnaligned<uint16>(&Unsafe.Add(&MemoryMarshal.GetReference dest, at), pairs.[k])

    /// `d.dddE+dd`, `E-dd` or `E±ddd` at `at`; returns the end.
    let private scientific (dest: Span<byte>) (at: int) (d: Digits) (n: int) (point: int) : int =
        putByte dest at (byte d.Head)
        putByte dest (at + 1) (byte '.')
        putWord dest (at + 2) d.Middle
        putWord dest (at + 10) d.Tail
        let at = if n = 1 then at + 1 else at + n + 1
        putByte dest at (byte 'E')
        putByte dest (at + 1) (if point < 1 then byte '-' else byte '+')
        let x = abs (point - 1)

        if x < 100 then
            putPair dest (at + 2) x
            at + 4
        else
            putByte dest (at + 2) (byte (48 + x / 100))
            putPair dest (at + 3) (x % 100)
            at + 5

    /// Lays out `d` (n significant digits) × 10^(point - 17) at `at` with .NET's rules; returns the end.
    let inline private layout (dest: Span<byte>) (at: int) (d: Digits) (n: int) (point: int) : int =
        if point > 17 || point < -3 then
            scientific dest at d n point
        elif point <= 0 then
            putWord dest at Fraction
            put17 dest (at + 2 - point) d
            at + 2 - point + n
        elif point >= n then
            put17 dest at d
            at + point
        else
            pointed dest at d point
            at + n + 1

    /// 10^0 .. 10^17.
    let private powers: uint64[] = Array.init 18 (fun k -> pown 10UL k)

    /// How many places subnormal digits (maybe fewer than 16) move up to become 17 digits.
    let private subnormalShift (v: uint64) : int =
        let mutable n = 17

        while v >= powers.[17 - n] do
            n <- n - 1

        n

    /// .NET's own text, for powers of two: there it is not always the shortest (its Dragon4
    /// fallback pads some of them to 17 digits).
    let private dotnet (value: float) (dest: Span<byte>) : int =
        let mutable written = 0

        value.TryFormat(dest, &written, ReadOnlySpan<char>.Empty, Globalization.CultureInfo.InvariantCulture)
        |> ignore

        written

    let private shortest (bits: int64) (dest: Span<byte>) : int =
        let at = int (uint64 bits >>> 63)
        putByte dest 0 (byte '-')
        let positive = bits &&& Int64.MaxValue

        if positive = 0L then
            putByte dest at (byte '0')
            at + 1
        else
            let struct (digits, exponent) = decimal positive
            // Normal doubles give 16 or 17 digits, subnormals maybe fewer.
            let struct (shift, d) =
                if positive >= 0x0010_0000_0000_0000L then
                    let small = flag (digits < 10_000_000_000_000_000UL)
                    struct (int small, digits + ((digits * 9UL) &&& (0UL - small)))
                else
                    let shift = subnormalShift digits
                    struct (shift, digits * powers.[shift])

            let d = split d
            layout dest at d (significant d) (exponent - shift + 17)

    /// Writes a double's shortest round-trip text (as `double.TryFormat` would: .NET's own text for
    /// NaN and the infinities) into `dest` (at least `MaxLength` bytes) and returns the byte count.
    let format (value: float) (dest: Span<byte>) : int =
        if dest.Length < MaxLength then
            invalidArg (nameof dest) $"ShortestDouble.format needs %d{MaxLength} bytes, got %d{dest.Length}"

        let bits = BitConverter.DoubleToInt64Bits value

        if
            (value <> 0.0 || bits = 0L)
            && abs value < 2147483648.0
            && float (int value) = value
        then
            // Whole numbers (data-quality flags, counts): their digits are .NET's text, written
            // without the digit search (-0 stays below: it keeps its sign).
            let mutable written = 0
            Buffers.Text.Utf8Formatter.TryFormat(int value, dest, &written) |> ignore
            written
        elif bits &&& ((1L <<< 52) - 1L) = 0L && value <> 0.0 || not (Double.IsFinite value) then
            dotnet value dest
        else
            shortest bits dest
