module Gordo.Tests.Server.InputJsonTests

open System
open System.Globalization
open System.Text
open System.Text.Json
open Expecto
open Gordo.Server

/// The general reader's table of `key` (a JsonDocument through `InputFrame.parse`).
let private general (body: string) (key: string) : InputTable option =
    let root = JsonDocument.Parse(body).RootElement

    match root.TryGetProperty key with
    | true, v when v.ValueKind <> JsonValueKind.Null -> Some(InputFrame.parse key v)
    | _ -> None

let private fast (body: string) : string -> InputTable option =
    InputJson.tables (ReadOnlyMemory(Encoding.UTF8.GetBytes body))

let private same (body: string) =
    let read = fast body

    for key in [ "X"; "y" ] do
        let a, b = read key, general body key
        Expect.equal (a |> Option.map _.Columns) (b |> Option.map _.Columns) $"%s{key} columns of %s{body}"
        Expect.equal (a |> Option.map _.Rows) (b |> Option.map _.Rows) $"%s{key} rows of %s{body}"

        Expect.equal
            (a
             |> Option.map (
                 _.Values
                 >> Seq.cast<float>
                 >> Seq.map BitConverter.DoubleToInt64Bits
                 >> List.ofSeq
             ))
            (b
             |> Option.map (
                 _.Values
                 >> Seq.cast<float>
                 >> Seq.map BitConverter.DoubleToInt64Bits
                 >> List.ofSeq
             ))
            $"%s{key} values of %s{body}"

let private slowTimestamp (text: string) =
    match DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) with
    | true, t when t.Kind = DateTimeKind.Unspecified -> Some(DateTimeOffset(t, TimeSpan.Zero), true)
    | true, _ -> Some(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture), false)
    | _ -> None

[<Tests>]
let tests =
    testList "server JSON input: the one-pass reader equals the document reader" [
        test "pandas dict bodies (aligned, unaligned, unsorted, nulls, booleans, shared and separate labels)" {
            let a =
                """{"a": {"2020-01-01 00:10:00+00:00": 2.5, "2020-01-01 00:00:00+00:00": 1}, "b": {"2020-01-01 00:10:00+00:00": null, "2020-01-01 00:00:00+00:00": true}}"""

            let c =
                """{"a": {"2020-01-01T00:00:00Z": 1e-5}, "b": {"2020-01-01T00:10:00Z": -0.0}}"""

            for body in
                [
                    $"""{{"X": %s{a}, "y": %s{a}}}"""
                    $"""{{"X": %s{a}, "y": %s{c}, "other": [1, {{"x": 2}}]}}"""
                    $"""{{"y": null, "X": %s{c}}}"""
                    """{"X": {"a": {"0": 1, "1": 2}, "b": {"0": 3, "1": 4}}}"""
                    """{"X": {"a": {"2020-01-01 00:00:00.25": 1, "2020-01-01 00:00:01": 2}}}"""
                    """{"X": {"a": {"5": 1, "2": 2}}, "y": {"a": [1, 2]}}"""
                    """{"X": [[1, 2], [3, 4]]}"""
                ] do
                same body
        }

        test "bodies it leaves to the document reader still give its errors" {
            for body in
                [
                    """{"X": {}}"""
                    """{"X": {"a": {"t": 1}}}"""
                    """{"X": {"a": {"0": "x"}}}"""
                ] do
                let read = fast body
                Expect.throwsT<HttpErrorException> (fun () -> read "X" |> ignore) body
        }

        test "fast row timestamps equal .NET's general parse" {
            for text in
                [
                    "2020-01-05 00:00:00+00:00"
                    "2020-01-05T23:59:59Z"
                    "2020-01-05 00:00:00"
                    "2020-02-29 12:30:00.5-03:30"
                    "2020-01-05T00:00:00.1234567+14:00"
                    "1999-12-31 23:59:59.000001"
                ] do
                let fast =
                    match RowTimestamp.tryParse text with
                    | ValueSome(struct (t, naive)) -> Some(t, naive)
                    | ValueNone -> None

                Expect.isSome fast text
                Expect.equal fast (slowTimestamp text) text
                Expect.equal (fst fast.Value).Offset (fst (slowTimestamp text).Value).Offset text

            for text in
                [
                    "2021-02-29 00:00:00"
                    "2020-01-05 24:00:00"
                    "2020-01-05"
                    "2020-01-05 00:00:00.123456789"
                ] do
                Expect.equal (RowTimestamp.tryParse text) ValueNone $"%s{text} is left to the general parser"
        }
    ]
