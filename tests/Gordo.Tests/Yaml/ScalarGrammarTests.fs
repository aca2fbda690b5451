module Gordo.Tests.Yaml.ScalarGrammarTests

open System.Text.RegularExpressions
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core.Yaml

// The YAML 1.1 resolver patterns (yaml.org/type/int, /timestamp) that PyYAML uses: the
// specification the hand-written recognizers in Scalar.fs must agree with.
let private decimalInt = Regex @"^[-+]?(0|[1-9][0-9_]*)$"
// Hexadecimal needs a digit: `0x_` matches yaml.org's pattern but has no value (PyYAML fails on it).
let private hexInt = Regex @"^[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*$"

let private timestamp =
    Regex
        @"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}((?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(?<zone>Z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?$"

/// Texts over the characters that matter to the patterns, shaped like timestamps and numbers
/// often enough that both matches and near misses are generated.
let private texts =
    let piece =
        Gen.elements [
            "2020"
            "-"
            "01"
            "1"
            "T"
            "t"
            " "
            "\t"
            ":"
            "00"
            "5"
            "."
            "Z"
            "+"
            "0x"
            "1F"
            "_"
            "123"
            "x"
        ]

    let shaped =
        gen {
            let! parts = Gen.listOf piece
            return System.String.Concat parts
        }

    let timestampLike =
        gen {
            let! date = Gen.elements [ "2020-01-01"; "2020-1-1"; "2020-01-011"; "202-01-01" ]
            let! sep = Gen.elements [ ""; "T"; "t"; " "; " \t" ]
            let! time = Gen.elements [ ""; "10:00:00"; "1:00:00"; "10:0:00"; "10:00:00.125"; "10:00:00." ]
            let! space = Gen.elements [ ""; " "; "\t" ]
            let! zone = Gen.elements [ ""; "Z"; "+01:00"; "-1"; "+0100"; "+100"; "+12345"; "+1:00"; "+123:00"; "Zx" ]
            return date + sep + time + space + zone
        }

    Gen.oneof [ shaped; timestampLike ] |> Arb.fromGen

let private plain text = Scalar.resolve text ScalarStyle.Plain

let private agrees (text: string) =
    let expectedTimestamp =
        let m = timestamp.Match text
        if m.Success then Some m.Groups.["zone"].Success else None

    let isInt = decimalInt.IsMatch text || hexInt.IsMatch text

    match plain text with
    | _ when text = "" -> true
    | Scalar.Int _ -> isInt
    | Scalar.Float _ when isInt -> true // beyond int64: read as a float, like PyYAML's long
    | Scalar.Timestamp(_, zone) -> not isInt && expectedTimestamp = Some zone
    | _ -> not isInt && expectedTimestamp.IsNone

[<Tests>]
let tests =
    testList "Yaml.Scalar grammar" [
        testPropertyWithConfig
            {
                FsCheckConfig.defaultConfig with
                    maxTest = 5000
            }
            "integers and timestamps are recognised exactly as the YAML 1.1 patterns say"
            (fun () -> Prop.forAll texts agrees)
        test "a digit-less hexadecimal is a string, not a crash" {
            Expect.equal (plain "0x_") (Scalar.String "0x_") "0x_"
            Expect.equal (plain "-0x_1") (Scalar.Int -1L) "-0x_1"
        }
        test "examples at the edges of the timestamp grammar" {
            for text, zone in
                [
                    "2020-01-01", Some false
                    "2020-1-1 1:00:00", Some false
                    "2020-01-01T10:00:00 Z", Some true
                    "2020-01-01T10:00:00+100", Some true
                    "2020-01-01T10:00:00+1:00", Some true
                    "2020-01-01T10:00:00+123:00", None
                    "2020-01-01T10:00:00 ", None
                    "2020-01-011", None
                ] do
                let actual =
                    match plain text with
                    | Scalar.Timestamp(_, z) -> Some z
                    | _ -> None

                Expect.equal actual zone text
                let trimmed = text.Trim() = text

                Expect.equal
                    (Scalar.looksLikeTimestamp text)
                    (zone.IsSome || not trimmed)
                    (sprintf "looksLikeTimestamp %s" text)
        }
    ]
