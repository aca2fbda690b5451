namespace Gordo.Server

open System
open System.Numerics

/// The double nearest to a decimal `w × 10^q` (w < 2^64), computed exactly in the common cases
/// and declined (false) otherwise, so callers fall back to .NET's parser, which is correctly
/// rounded too: the results are always the ones `double.Parse` gives.
///
/// Two exact methods: Clinger's fast path (w ≤ 2^53 and |q| ≤ 22: both operands are exact
/// doubles and IEEE division/multiplication rounds once), else Eisel and Lemire's method
/// (w times a 128-bit truncation of 5^q), taken only when the error bound of that truncation
/// cannot move the result across a rounding boundary; results that would be subnormal or
/// infinite are declined.
[<RequireQualifiedAccess>]
module DecimalToDouble =
    [<Literal>]
    let private MinQ = -342

    [<Literal>]
    let private MaxQ = 308

    let private powersOfTen = Array.init 23 (fun i -> Math.Pow(10.0, float i))

    /// 5^q scaled into [2^127, 2^128) and truncated (`High`/`Low` words), and `Exponent`: the
    /// power of two with 5^q × 2^q ≈ (High·2^64 + Low) × 2^(Exponent - 128).
    type private Power = {
        High: uint64[]
        Low: uint64[]
        Exponent: int[]
    }

    let private truncatedPower (q: int) : struct (BigInteger * int) =
        let five = BigInteger.Pow(BigInteger 5, abs q)
        let bits = int (five.GetBitLength())

        if q >= 0 then
            let scaled =
                if bits <= 128 then
                    five <<< (128 - bits)
                else
                    five >>> (bits - 128)

            struct (scaled, bits + q)
        else
            struct ((BigInteger.One <<< (127 + bits)) / five, 1 - bits + q)

    let private powers: Power =
        let count = MaxQ - MinQ + 1
        let mask = BigInteger UInt64.MaxValue
        let table = Array.init count (fun i -> truncatedPower (MinQ + i))

        {
            High = table |> Array.map (fun struct (t, _) -> uint64 (t >>> 64))
            Low = table |> Array.map (fun struct (t, _) -> uint64 (t &&& mask))
            Exponent = table |> Array.map (fun struct (_, e) -> e)
        }

    let private clinger (w: uint64) (q: int) (result: byref<float>) : bool =
        if w <= (1UL <<< 53) && q >= -22 && q <= 22 then
            result <-
                if q < 0 then
                    float w / powersOfTen.[-q]
                else
                    float w * powersOfTen.[q]

            true
        else
            false

    /// The double of the top 54 bits `high` of w·5^q (scaled), when the bits below them
    /// (`high` under `shift`, then `low`) are far enough from a rounding boundary.
    let private round (high: uint64) (low: uint64) (exponent: int) (result: byref<float>) : bool =
        let upper = int (high >>> 63)
        let shift = 9 + upper
        let restMask = (1UL <<< shift) - 1UL
        let rest = high &&& restMask

        if (rest = 0UL && low < 3UL) || (rest = restMask && low > UInt64.MaxValue - 3UL) then
            false
        else
            let m = high >>> shift
            let mantissa = (m + (m &&& 1UL)) >>> 1
            let carry = if mantissa = (1UL <<< 53) then 1 else 0
            let biased = exponent + upper + 1085 + carry

            if biased <= 0 || biased >= 2047 then
                false
            else
                let fraction = (mantissa >>> carry) &&& ((1UL <<< 52) - 1UL)
                result <- BitConverter.Int64BitsToDouble(int64 ((uint64 biased <<< 52) ||| fraction))
                true

    let private eiselLemire (w: uint64) (q: int) (result: byref<float>) : bool =
        if q < MinQ || q > MaxQ then
            false
        else
            let zeros = BitOperations.LeadingZeroCount w
            let normal = w <<< zeros
            let index = q - MinQ
            let mutable low1 = 0UL
            let high1 = Math.BigMul(normal, powers.High.[index], &low1)
            let mutable ignored = 0UL
            let high2 = Math.BigMul(normal, powers.Low.[index], &ignored)
            let low = low1 + high2
            let high = if low < low1 then high1 + 1UL else high1
            round high low (powers.Exponent.[index] - zeros) &result

    /// The double nearest to w × 10^q in `result` (true), or false when this module cannot
    /// tell it cheaply (subnormal or infinite results, rare near-ties); w > 0.
    let tryCompute (w: uint64) (q: int) (result: byref<float>) : bool =
        clinger w q &result || eiselLemire w q &result
