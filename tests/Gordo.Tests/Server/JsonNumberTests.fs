module Gordo.Tests.Server.JsonNumberTests

open System
open System.Globalization
open System.Numerics
open System.Text
open System.Text.Json
open Expecto
open Gordo.Server

/// `Utf8JsonReader.TryGetDouble`'s double of a JSON number text (None when it refuses it).
let private reference (bytes: byte[]) : float option =
    let mutable r = Utf8JsonReader(ReadOnlySpan bytes)
    r.Read() |> ignore

    match r.TryGetDouble() with
    | true, v -> Some v
    | _ -> None

/// What follows a number inside a body: a reader must stop at the number's end, whatever
/// follows (more than 32 bytes, so a reader that looks ahead in words is tested too).
let private rest = Encoding.UTF8.GetBytes(", \"next\": 1.5, \"more\": [1, 2, 3]}")

/// Where `JsonNumber.read` stops in `bytes`, alone and followed by `rest`: the same index (or
/// the test fails), with the value read, when both read the same bits.
let private readAt (bytes: byte[]) : int * float =
    let mutable alone = 0.0
    let mutable inBody = 0.0
    let stop = JsonNumber.read (ReadOnlySpan bytes) 0 &alone
    let padded = JsonNumber.read (ReadOnlySpan(Array.append bytes rest)) 0 &inBody
    let text = Encoding.UTF8.GetString bytes
    Expect.equal padded stop $"%s{text}: the same end alone and in a body"

    if stop >= 0 then
        Expect.equal (BitConverter.DoubleToInt64Bits inBody) (BitConverter.DoubleToInt64Bits alone) text

    stop, alone

let private ours (bytes: byte[]) : float option =
    match readAt bytes with
    | stop, v when stop = bytes.Length -> Some v
    | -1, _ -> None
    | stop, _ -> failwith $"stopped at %d{stop} of %d{bytes.Length}"

/// Checks ours against the reader and `double.Parse`, bit for bit: the texts that differ.
/// (The reader's parser, `Utf8Parser`, and `double.Parse` themselves differ on some exact ties
/// written with hundreds of digits; there the reader, which the general path uses, decides.)
let private mismatches (texts: string seq) : string list = [
    for text in texts do
        let bytes = Encoding.UTF8.GetBytes text
        let expected = reference bytes
        let bits = Option.map BitConverter.DoubleToInt64Bits

        let parsed = Some(Double.Parse(text, CultureInfo.InvariantCulture))

        if
            bits (ours bytes) <> bits expected
            || (text.Length < 300 && bits parsed <> bits expected)
        then
            yield $"%s{text}: ours %A{ours bytes}, reader %A{expected}, double.Parse %A{parsed}"
]

let private random = Random 20261126

let private randomDouble () =
    let v = BitConverter.Int64BitsToDouble(random.NextInt64())
    if Double.IsFinite v then v else 1.5

/// Python's repr of a double: shortest digits, exponent form below 1e-4 and from 1e16.
let private pythonRepr (v: float) : string =
    let r = v.ToString("E16", CultureInfo.InvariantCulture)
    let shortest = v.ToString("R", CultureInfo.InvariantCulture)
    let exponent = int (r.Substring(r.IndexOf 'E' + 1))

    if exponent < -4 || exponent >= 16 then
        let digits = shortest.TrimStart('-').Split('E').[0].Replace(".", "").TrimStart('0')

        let mantissa =
            if digits.Length > 1 then
                $"%c{digits.[0]}.%s{digits.Substring 1}"
            else
                digits

        let sign = if v < 0.0 then "-" else ""
        $"""%s{sign}%s{mantissa}e%s{if exponent < 0 then "-" else "+"}%02d{abs exponent}"""
    else
        let fixedPoint = v.ToString("0.0#################", CultureInfo.InvariantCulture)
        if fixedPoint.Contains "E" then shortest else fixedPoint

let private digitString (length: int) =
    String(Array.init length (fun i -> char (int '0' + random.Next((if i = 0 then 1 else 0), 10))))

/// A random decimal of 20–40 digits, a point somewhere, maybe an exponent.
let private longDigits () =
    let digits = digitString (random.Next(20, 41))
    let point = random.Next(1, digits.Length)

    let exponent =
        if random.Next 2 = 0 then
            $"e%d{random.Next(-330, 310)}"
        else
            ""

    $"%s{digits.Substring(0, point)}.%s{digits.Substring point}%s{exponent}"

/// `d.ddd…e±NNN` with 1–19 digits and exponents near the limits of doubles.
let private nearLimits () =
    let digits = digitString (random.Next(1, 20))

    let exponent =
        if random.Next 2 = 0 then
            random.Next(280, 312)
        else
            random.Next(-345, -290)

    let fraction = if digits.Length > 1 then "." + digits.Substring 1 else ""
    $"%c{digits.[0]}%s{fraction}e%d{exponent}"

let private subnormal () =
    let v = BitConverter.Int64BitsToDouble(random.NextInt64(1L, 1L <<< 52))
    v.ToString("R", CultureInfo.InvariantCulture)

/// The exact decimal text of the midpoint between a random double and the next one up, cut
/// to `keep` significant digits (0: all) and maybe raised by one in the last digit kept: these
/// sit on or right next to ties.
let private nearTie (keep: int) =
    let v = abs (randomDouble ())
    let bits = BitConverter.DoubleToInt64Bits v
    let exponent = int ((bits >>> 52) &&& 0x7FFL)

    let mantissa =
        (bits &&& ((1L <<< 52) - 1L)) ||| (if exponent = 0 then 0L else 1L <<< 52)

    let twice = BigInteger(2L * mantissa + 1L)
    let power = max exponent 1 - 1075 - 1

    let digits, scale =
        if power >= 0 then
            twice <<< power, 0
        else
            twice * BigInteger.Pow(BigInteger 5, -power), power

    let text = digits.ToString()
    let dropped = if keep > 0 then max 0 (text.Length - keep) else 0
    let kept = BigInteger.Parse(text.Substring(0, text.Length - dropped))
    let kept = if random.Next 2 = 0 then kept else kept + BigInteger.One
    $"%s{kept.ToString()}e%d{scale + dropped}"

let private hardCases = [
    "0"
    "-0"
    "0.0"
    "-0.0"
    "0e999999"
    "-0E-999999"
    "0.000000000000000000000000000000000000000000000000001"
    "1"
    "-1"
    "9007199254740992"
    "9007199254740993"
    "9007199254740993.000000000000000000001"
    "9007199254740994"
    "9007199254740995"
    "18446744073709551615"
    "18446744073709551616"
    "10000000000000000000000000000000000000000000"
    "1.00000000000000000000000000000000000000000001"
    "1e22"
    "1e23"
    "8.98846567431158e307"
    "1.7976931348623157e308"
    "1.7976931348623158e308"
    "1.7976931348623159e308"
    "1e308"
    "1e309"
    "-1e400"
    "2.2250738585072011e-308"
    "2.2250738585072012e-308"
    "2.2250738585072014e-308"
    "4.9406564584124654e-324"
    "2.4703282292062327e-324"
    "2.4703282292062328e-324"
    "5e-324"
    "1e-400"
    "7.2057594037927933e16"
    "0.1"
    "0.3"
    "3.141592653589793"
    "2.718281828459045235360287471352662497757"
    "52.423717297922636"
    "1e-05"
    "1.5e+300"
    "123456789012345678901234567890e-20"
    "0.000123456789012345678"
    "1E2"
    "1e+2"
    "1.0E-0"
    // the eight-bytes-at-a-time path: digit runs of every length up to and across eight
    "100"
    "1234567"
    "12345678"
    "0.12345678"
    "12.12345678"
    "0.00000001"
    "5.00000000"
    "123.4567890123456"
    "1234567.123456789012"
    "9999999.999999999999"
    "1.1234567890123456"
    "-7.000000000000001"
]

[<Tests>]
let tests =
    testSequenced
    <| testList "server JSON numbers: bit-identical to Utf8JsonReader.TryGetDouble and double.Parse" [
        test "hand-picked hard cases" { Expect.equal (mismatches hardCases) [] "mismatches" }

        test "random doubles: shortest round-trip text, Python repr, moderate values, subnormals" {
            let texts = [
                for _ in 1..60_000 -> (randomDouble ()).ToString("R", CultureInfo.InvariantCulture)
                for _ in 1..40_000 -> pythonRepr (randomDouble ())
                for _ in 1..40_000 -> pythonRepr ((random.NextDouble() - 0.3) * 1000.0)
                for _ in 1..10_000 -> subnormal ()
            ]

            Expect.equal (mismatches texts |> List.truncate 10) [] "mismatches"
        }

        test "long digit strings, exponents near the limits, near-ties" {
            let texts = [
                for _ in 1..20_000 -> longDigits ()
                for _ in 1..20_000 -> nearLimits ()
                for _ in 1..10_000 -> nearTie 0
                for keep in 15..20 do
                    for _ in 1..5_000 -> nearTie keep
            ]

            Expect.equal (mismatches texts |> List.truncate 10) [] "mismatches"
        }

        test "every 17-digit decimal of a normal double reads back to that double" {
            for _ in 1..50_000 do
                let v = abs (randomDouble ())

                if v >= 1e-300 then
                    let text = v.ToString("E16", CultureInfo.InvariantCulture)
                    Expect.equal (ours (Encoding.UTF8.GetBytes text)) (Some v) text
        }

        test "what is not a JSON number is refused" {
            for text in [ ""; "-"; "+1"; "."; "1."; ".5"; "1e"; "1e+"; "-x"; "NaN"; "Infinity" ] do
                Expect.equal (fst (readAt (Encoding.UTF8.GetBytes text))) -1 text

            for text, stop in
                [
                    "01", 1
                    "1.5.2", 3
                    "2e5e5", 3
                    "-0-", 2
                    "1,", 1
                    // eight-byte digit runs cut by the bytes just below '0' and just above '9'
                    "1.234567891:", 11
                    "1.23456789/1", 10
                    "12345678:12345678", 8
                    "98765432109876543210]", 20
                    "1234567.123456789012345}", 23
                    "-0.000000000000000001 ", 21
                    "9999999.999999999999,", 20
                ] do
                Expect.equal (fst (readAt (Encoding.UTF8.GetBytes text))) stop text
        }
    ]
