namespace Gordo.Server

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// The shortest round-trip text of a finite double, byte for byte what .NET's
/// `double.TryFormat` (and so `Utf8JsonWriter.WriteNumberValue`) writes — `0.1`, `1E-05`,
/// `1E+15`, `-0` — about three times faster: the digits come from Ulf Adams' Ryū algorithm
/// (PLDI 2018) instead of Grisu3 with a Dragon4 fallback, and are laid out with .NET's "R"
/// rules (scientific when the decimal exponent is below -5 or above 16). The
/// server's replies are mostly such numbers (≈ 5,000 per anomaly reply).
[<RequireQualifiedAccess>]
module ShortestDouble =
    [<Literal>]
    let private Pow5Bits = 125

    let private pow5bits (e: int) = int ((uint32 e * 1217359u) >>> 19) + 1
    let private log10Pow2 (e: int) = int ((uint32 e * 78913u) >>> 18)
    let private log10Pow5 (e: int) = int ((uint32 e * 732923u) >>> 20)

    let private halves (b: BigInteger) : struct (uint64 * uint64) =
        let mask = (BigInteger.One <<< 64) - BigInteger.One
        struct (uint64 (b &&& mask), uint64 (b >>> 64))

    /// 5^i, normalised to 125 bits.
    let private pow5Split: struct (uint64 * uint64)[] =
        Array.init 326 (fun i ->
            let shift = pow5bits i - Pow5Bits
            let p = BigInteger.Pow(BigInteger 5, i)
            halves (if shift >= 0 then p >>> shift else p <<< -shift))

    /// 2^k / 5^q rounded up, normalised to 125 bits.
    let private pow5InvSplit: struct (uint64 * uint64)[] =
        Array.init 342 (fun q ->
            let bits = pow5bits q - 1 + Pow5Bits
            halves ((BigInteger.One <<< bits) / BigInteger.Pow(BigInteger 5, q) + BigInteger.One))

    /// (m × mul) >> j for a 128-bit `mul`, 64 < j < 128.
    let private mulShift (m: uint64) (struct (lo: uint64, hi: uint64)) (j: int) : uint64 =
        let mutable low0 = 0UL
        let mutable low2 = 0UL
        let high0 = Math.BigMul(m, lo, &low0)
        let high2 = Math.BigMul(m, hi, &low2)
        let sumLow = low2 + high0
        let sumHigh = high2 + (if sumLow < high0 then 1UL else 0UL)
        let s = j - 64
        (sumHigh <<< (64 - s)) ||| (sumLow >>> s)

    let private pow5Factor (value: uint64) : int =
        let mutable v = value
        let mutable count = 0

        while v % 5UL = 0UL do
            v <- v / 5UL
            count <- count + 1

        count

    let private multipleOfPow5 (value: uint64) (p: int) = pow5Factor value >= p
    let private multipleOfPow2 (value: uint64) (p: int) = value &&& ((1UL <<< p) - 1UL) = 0UL

    /// Ryū's interval: the scaled value, its upper and lower bounds, their decimal exponent and
    /// whether the dropped parts of the lower bound and of the value are all zeros.
    [<Struct>]
    type private Interval = {
        Vr: uint64
        Vp: uint64
        Vm: uint64
        E10: int
        VmZeros: bool
        VrZeros: bool
    }

    /// The value (4·m2) and its upper and lower bounds, multiplied by `mul` and shifted right by
    /// `j`; no zeros flags yet.
    let private scaled (mv: uint64) (mul: struct (uint64 * uint64)) (j: int) (mmShift: uint64) (e10: int) = {
        Vr = mulShift mv mul j
        Vp = mulShift (mv + 2UL) mul j
        Vm = mulShift (mv - 1UL - mmShift) mul j
        E10 = e10
        VmZeros = false
        VrZeros = false
    }

    let private positive (m2: uint64) (e2: int) (mmShift: uint64) (even: bool) : Interval =
        let q = log10Pow2 e2 - (if e2 > 3 then 1 else 0)
        let j = -e2 + q + (Pow5Bits + pow5bits q - 1)
        let mul = pow5InvSplit.[q]
        let mv = 4UL * m2

        let interval = scaled mv mul j mmShift q

        if q > 21 then
            interval
        elif mv % 5UL = 0UL then
            {
                interval with
                    VrZeros = multipleOfPow5 mv q
            }
        elif even then
            {
                interval with
                    VmZeros = multipleOfPow5 (mv - 1UL - mmShift) q
            }
        elif multipleOfPow5 (mv + 2UL) q then
            { interval with Vp = interval.Vp - 1UL }
        else
            interval

    let private negative (m2: uint64) (e2: int) (mmShift: uint64) (even: bool) : Interval =
        let q = log10Pow5 -e2 - (if -e2 > 1 then 1 else 0)
        let i = -e2 - q
        let j = q - (pow5bits i - Pow5Bits)
        let mul = pow5Split.[i]
        let mv = 4UL * m2

        let interval = scaled mv mul j mmShift (q + e2)

        if q <= 1 then
            if even then
                {
                    interval with
                        VrZeros = true
                        VmZeros = (mmShift = 1UL)
                }
            else
                {
                    interval with
                        VrZeros = true
                        Vp = interval.Vp - 1UL
                }
        elif q < 63 then
            {
                interval with
                    VrZeros = multipleOfPow2 mv q
            }
        else
            interval

    /// The shortest digits in the interval (the general case, when dropped digits may be zeros):
    /// digits go while the bounds differ above the last one, then, when the lower bound's
    /// dropped digits are all zeros, while it ends in 0 (once the bounds agree above the last
    /// digit they keep agreeing, so one loop serves both). Plain locals: a local function
    /// updating them would capture them in heap cells.
    let private general (v: Interval) (even: bool) : struct (uint64 * int) =
        let mutable vr, vp, vm = v.Vr, v.Vp, v.Vm
        let mutable vmZeros, vrZeros = v.VmZeros, v.VrZeros
        let mutable removed, last = 0, 0UL
        let mutable dropping = true

        while dropping do
            if vp / 10UL > vm / 10UL then
                vmZeros <- vmZeros && vm % 10UL = 0UL
            elif not (vmZeros && vm % 10UL = 0UL) then
                dropping <- false

            if dropping then
                vrZeros <- vrZeros && last = 0UL
                last <- vr % 10UL
                vr <- vr / 10UL
                vp <- vp / 10UL
                vm <- vm / 10UL
                removed <- removed + 1

        if vrZeros && last = 5UL && vr % 2UL = 0UL then
            last <- 4UL

        let up = (vr = vm && (not even || not vmZeros)) || last >= 5UL
        struct (vr + (if up then 1UL else 0UL), v.E10 + removed)

    /// The shortest digits in the interval (the common case): two digits at a time first, as Ryū
    /// does, each quotient computed once.
    let private common (vr0: uint64) (vp0: uint64) (vm0: uint64) (e10: int) : struct (uint64 * int) =
        let mutable vr, vp, vm = vr0, vp0, vm0
        let mutable removed = 0
        let mutable up = false

        if vp / 100UL > vm / 100UL then
            let q = vr / 100UL
            up <- vr - 100UL * q >= 50UL
            vr <- q
            vp <- vp / 100UL
            vm <- vm / 100UL
            removed <- 2

        let mutable vpTen = vp / 10UL
        let mutable vmTen = vm / 10UL

        while vpTen > vmTen do
            let q = vr / 10UL
            up <- vr - 10UL * q >= 5UL
            vr <- q
            vp <- vpTen
            vm <- vmTen
            vpTen <- vp / 10UL
            vmTen <- vm / 10UL
            removed <- removed + 1

        struct (vr + (if vr = vm || up then 1UL else 0UL), e10 + removed)

    /// The shortest decimal `digits × 10^exponent` of a finite, non-zero |value|.
    let private decimal (bits: int64) : struct (uint64 * int) =
        let mantissa = uint64 bits &&& ((1UL <<< 52) - 1UL)
        let exponent = int ((bits >>> 52) &&& 0x7FFL)

        let m2, e2 =
            if exponent = 0 then
                mantissa, 1 - 1023 - 52 - 2
            else
                mantissa ||| (1UL <<< 52), exponent - 1023 - 52 - 2

        let even = m2 &&& 1UL = 0UL
        // Ryū narrows the lower bound of powers of two (mantissa 0); .NET's Grisu3 uses regular
        // (symmetric) bounds everywhere, and its text is what we reproduce.
        let mmShift = 1UL

        let v =
            if e2 >= 0 then
                positive m2 e2 mmShift even
            else
                negative m2 e2 mmShift even

        if v.VmZeros || v.VrZeros then
            general v even
        else
            common v.Vr v.Vp v.Vm v.E10

    /// The longest text `format` writes (`-1.2345678901234567E-308`).
    [<Literal>]
    let MaxLength = 26

    // The writers below store without bounds checks: `format` checks once that `dest` holds
    // `MaxLength` bytes, the longest text there is.

    let private put (dest: Span<byte>) (at: byref<int>) (b: byte) =
        Unsafe.Add(&MemoryMarshal.GetReference dest, at) <- b
        at <- at + 1

    /// "00" .. "99" as two ASCII digits in one little-endian 16-bit word each.
    let private pairs: uint16[] =
        Array.init 100 (fun k -> uint16 (48 + k / 10) ||| (uint16 (48 + k % 10) <<< 8))

    let private putPair (dest: Span<byte>) (at: int) (pair: uint32) =
        Unsafe.WriteUnaligned<uint16>(&Unsafe.Add(&MemoryMarshal.GetReference dest, at), pairs.[int pair])

    /// Writes the `count` (≤ 8) digits of `digits` ending before `last`, two at a time.
    let private putSmall (dest: Span<byte>) (first: int) (last: int) (digits: uint32) =
        let mutable d = digits
        let mutable k = last

        while k - first >= 2 do
            putPair dest (k - 2) (d % 100u)
            d <- d / 100u
            k <- k - 2

        if k > first then
            Unsafe.Add(&MemoryMarshal.GetReference dest, first) <- byte (48u + d)

    /// Writes `count` digits of `digits` (most significant first) at `at`, eight at a time in
    /// 32-bit arithmetic.
    let private putDigits (dest: Span<byte>) (at: byref<int>) (digits: uint64) (count: int) =
        let mutable d = digits
        let mutable last = at + count

        while last - at > 8 do
            putSmall dest (last - 8) last (uint32 (d % 100_000_000UL))
            d <- d / 100_000_000UL
            last <- last - 8

        putSmall dest at last (uint32 d)
        at <- at + count

    /// 10^0 .. 10^19.
    let private powers: uint64[] = Array.init 20 (fun k -> pown 10UL k)

    /// The number of decimal digits of v (≥ 1): log10 from the bit length, then one compare.
    let private digitCount (v: uint64) : int =
        let guess = ((64 - BitOperations.LeadingZeroCount(v ||| 1UL)) * 1233) >>> 12
        // +1 when v ≥ 10^guess (the subtraction wraps and sets the top bit); v < 2^63 here.
        guess + int ((powers.[guess] - 1UL - v) >>> 63)

    let private pow10 (n: int) : uint64 = powers.[n]

    let private scientific (dest: Span<byte>) (at: byref<int>) (digits: uint64) (n: int) (scale: int) =
        let head = digits / pow10 (n - 1)
        put dest &at (byte (48UL + head))

        if n > 1 then
            put dest &at (byte '.')
            putDigits dest &at (digits - head * pow10 (n - 1)) (n - 1)

        let e = scale - 1
        put dest &at (byte 'E')
        put dest &at (if e < 0 then byte '-' else byte '+')
        putDigits dest &at (uint64 (abs e)) (max 2 (digitCount (uint64 (abs e))))

    let private plain (dest: Span<byte>) (at: byref<int>) (digits: uint64) (n: int) (scale: int) =
        if scale <= 0 then
            put dest &at (byte '0')
            put dest &at (byte '.')

            for _ in 1 .. -scale do
                put dest &at (byte '0')

            putDigits dest &at digits n
        elif scale >= n then
            putDigits dest &at digits n

            for _ in 1 .. scale - n do
                put dest &at (byte '0')
        else
            // All digits one place right, then the integer part (usually one to three digits) one
            // place back left for the point: cheaper than a 64-bit division by a power of ten.
            let first = at
            at <- at + 1
            putDigits dest &at digits n
            let bytes = &MemoryMarshal.GetReference dest

            for k in first .. first + scale - 1 do
                Unsafe.Add(&bytes, k) <- Unsafe.Add(&bytes, k + 1)

            Unsafe.Add(&bytes, first + scale) <- byte '.'

    /// .NET's own text, for powers of two: there it is not always Ryū's shortest (its Dragon4
    /// fallback pads some of them to 17 digits).
    let private dotnet (value: float) (dest: Span<byte>) : int =
        let mutable written = 0

        value.TryFormat(dest, &written, ReadOnlySpan<char>.Empty, Globalization.CultureInfo.InvariantCulture)
        |> ignore

        written

    let private ryu (bits: int64) (dest: Span<byte>) : int =
        let mutable at = 0

        if bits < 0L then
            put dest &at (byte '-')

        if bits &&& Int64.MaxValue = 0L then
            put dest &at (byte '0')
        else
            let struct (raw, exponent) = decimal bits
            let mutable digits, exp = raw, exponent

            while digits % 10UL = 0UL do
                digits <- digits / 10UL
                exp <- exp + 1

            let n = digitCount digits

            if n + exp > 17 || n + exp < -3 then
                scientific dest &at digits n (n + exp)
            else
                plain dest &at digits n (n + exp)

        at

    /// Writes a finite double's shortest round-trip text (as `double.TryFormat` would) into
    /// `dest` (at least `MaxLength` bytes) and returns the byte count.
    let format (value: float) (dest: Span<byte>) : int =
        if dest.Length < MaxLength then
            invalidArg (nameof dest) $"ShortestDouble.format needs %d{MaxLength} bytes, got %d{dest.Length}"

        let bits = BitConverter.DoubleToInt64Bits value

        if bits &&& ((1L <<< 52) - 1L) = 0L && value <> 0.0 then
            dotnet value dest
        else
            ryu bits dest
