module Gordo.Tests.Server.ShortestDoubleTests

open System
open System.Globalization
open System.Text
open Expecto
open Gordo.Server

/// What `Utf8JsonWriter.WriteNumberValue` writes: `double.TryFormat` with no format, invariant.
let private dotnet (value: float) : string =
    let bytes = Array.zeroCreate<byte> 64
    let mutable n = 0

    value.TryFormat(Span bytes, &n, ReadOnlySpan<char>.Empty, CultureInfo.InvariantCulture)
    |> ignore

    Encoding.ASCII.GetString(bytes, 0, n)

let private ours (value: float) : string =
    let bytes = Array.zeroCreate<byte> ShortestDouble.MaxLength
    let n = ShortestDouble.format value (Span bytes)
    Encoding.ASCII.GetString(bytes, 0, n)

/// Compares without strings, for the large random tests.
let private agreeFast (values: float seq) =
    let expected = Array.zeroCreate<byte> 64
    let actual = Array.zeroCreate<byte> ShortestDouble.MaxLength

    for v in values |> Seq.filter Double.IsFinite do
        let mutable n = 0

        v.TryFormat(Span expected, &n, ReadOnlySpan<char>.Empty, CultureInfo.InvariantCulture)
        |> ignore

        let m = ShortestDouble.format v (Span actual)

        if not (ReadOnlySpan(actual, 0, m).SequenceEqual(ReadOnlySpan(expected, 0, n))) then
            failtestf
                "%s (bits %016x): .NET writes %s"
                (Encoding.ASCII.GetString(actual, 0, m))
                (BitConverter.DoubleToInt64Bits v)
                (Encoding.ASCII.GetString(expected, 0, n))

let private agree (values: float seq) =
    for v in values |> Seq.filter Double.IsFinite do
        let expected = dotnet v
        let actual = ours v

        if actual <> expected then
            failtestf "%s (bits %016x): .NET writes %s" actual (BitConverter.DoubleToInt64Bits v) expected

[<Tests>]
let tests =
    testList "ShortestDouble writes .NET's shortest round-trip text" [
        test "whole numbers (0 to 99 digit by digit, integers below 2^31), powers of two past it" {
            let random = Random 21

            agree [
                for k in 0..62 do
                    let v = Math.Pow(2.0, float k)
                    v
                    -v
                    v + 1.0
                    v - 1.0
                for k in 0..101 do
                    float k
                    float k - 0.5
                    BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(float k) - 1L)
                    BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(float k) + 1L)
                for _ in 1..100_000 do
                    float (random.Next())
                    -float(random.Next(1000))
                    float (random.Next(32))
                2147483647.0
                -2147483647.0
                -2147483648.0
                2147483648.0
                2147483647.5
                0.5
                -0.0
            ]
        }

        test "edge values: zeros, extremes, subnormals, powers of ten and two, notation switches" {
            agree [
                0.0
                -0.0
                1.0
                -1.0
                0.1
                0.3
                60.0
                -60.0
                1e-4
                1.5e-4
                1e-5
                1.2345e-5
                1e16
                1e17
                1.5e17
                12345678901234567.0
                0.00012345678901234567
                5e-324
                Double.Epsilon
                Double.MaxValue
                Double.MinValue
                2.2250738585072014E-308
                9007199254740993.0
            ]

            agree [ for e in -325 .. 309 -> Math.Pow(10.0, float e) ]
            agree [ for e in -1074 .. 1023 -> Math.Pow(2.0, float e) ]

            for v in [ nan; infinity; -infinity ] do
                Expect.equal (ours v) (dotnet v) "not finite: .NET's own text"
        }

        test "random doubles: all bit patterns, model-like values, integers, rounded decimals" {
            let rng = Random 20261126

            agree [
                for _ in 1..100_000 do
                    BitConverter.Int64BitsToDouble(rng.NextInt64())
                    (rng.NextDouble() - 0.5) * 1000.0
                    float (rng.NextInt64(0L, 1L <<< 53))
                    Math.Round(rng.NextDouble() * 100.0, rng.Next(0, 8))
            ]
        }

        test "millions of random doubles: bit patterns, subnormals, float32 widened, model outputs" {
            let rng = Random 20261127

            agreeFast (
                seq {
                    for _ in 1..500_000 do
                        BitConverter.Int64BitsToDouble(rng.NextInt64())
                        BitConverter.Int64BitsToDouble(rng.NextInt64(1L, 1L <<< 52))
                        float (float32 (rng.NextDouble() * 2.0 - 1.0))
                        (rng.NextDouble() - 0.5) * Math.Pow(10.0, float (rng.Next(-8, 8)))
                }
            )
        }

        test "every decimal exponent and both notation switches, with 1 to 17 digits" {
            let rng = Random 20261128

            let digits n =
                String(Array.init n (fun i -> char (int '0' + (if i = 0 then rng.Next(1, 10) else rng.Next 10))))

            agreeFast [
                for e in -340 .. 310 do
                    for n in 1..17 do
                        Double.Parse($"{digits n}E{e - n + 1}", CultureInfo.InvariantCulture)
            ]

            agreeFast [
                for n in 1..17 do
                    for e in [ -6; -5; -4; -3; 15; 16; 17; 18 ] do
                        let d = digits n
                        Double.Parse($"{d}E{e - n + 1}", CultureInfo.InvariantCulture)
                        Double.Parse($"{String('9', n)}E{e - n + 1}", CultureInfo.InvariantCulture)
            ]
        }
    ]
