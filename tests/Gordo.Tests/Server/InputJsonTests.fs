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

/// A table's columns, rows and value bits, or the error reply it ends the request with.
let private outcome (read: unit -> InputTable option) =
    try
        read ()
        |> Option.map (fun t ->
            t.Columns,
            t.Rows,
            t.Values
            |> Seq.cast<float>
            |> Seq.map BitConverter.DoubleToInt64Bits
            |> List.ofSeq)
        |> Ok
    with :? HttpErrorException as e ->
        Error(e.Reply.Status, sprintf "%A" e.Reply.Body)

let private same (body: string) =
    let read = fast body

    for key in [ "X"; "y" ] do
        Expect.equal (outcome (fun () -> read key)) (outcome (fun () -> general body key)) $"%s{key} of %s{body}"

/// Whether the hand-written scanner reads the body itself (else the document reader does).
let private scanned (body: string) =
    PandasDictJson.tryScan (ReadOnlySpan(Encoding.UTF8.GetBytes body))
    |> Option.isSome

let private random = Random 6

let private space () =
    [| ""; ""; " "; "\n"; "\r\n  "; "\t" |].[random.Next 6]

let private cellText () =
    match random.Next 9 with
    | 0 -> "null"
    | 1 -> "true"
    | 2 -> "false"
    | 3 -> string (random.Next(-1000, 1000))
    | 4 -> $"%d{random.Next(1, 10)}e%d{random.Next(-30, 30)}"
    | 5 -> (random.NextDouble() * 100.0).ToString("R", CultureInfo.InvariantCulture)
    | 6 ->
        (BitConverter.Int64BitsToDouble(random.NextInt64())
         |> fun v -> if Double.IsFinite v then v else 0.0)
            .ToString("R", CultureInfo.InvariantCulture)
    | 7 -> "-0.0"
    | _ -> $"%d{random.Next 100}.%d{random.NextInt64()}%d{random.NextInt64()}"

let private rowKeys (count: int) =
    let start = DateTimeOffset(2020, 1, 5, 0, 0, 0, TimeSpan.Zero)

    let order =
        Array.init count id
        |> Array.sortBy (fun i -> if random.Next 4 = 0 then random.Next() else i)

    match random.Next 4 with
    | 0 -> order |> Array.map (fun i -> string (i * 10 - 5))
    | 1 ->
        order
        |> Array.map (fun i ->
            start.AddMinutes(float (10 * i)).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture))
    | 2 ->
        order
        |> Array.map (fun i ->
            start.AddSeconds(float i + 0.5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
    | _ ->
        order
        |> Array.map (fun i -> start.AddHours(float i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))

/// A random pandas dict table: the given row keys, random cells and whitespace.
let private randomTable (columns: int) (keys: string[]) =
    let s = space

    let column (name: string) =
        let rows =
            keys
            |> Array.map (fun k -> $"%s{s ()}\"%s{k}\"%s{s ()}:%s{s ()}%s{cellText ()}%s{s ()}")

        $"%s{s ()}\"%s{name}\"%s{s ()}:%s{s ()}{{%s{String.Join(',', rows)}}}%s{s ()}"

    let names =
        Array.init columns (fun j ->
            if j < 5 then
                [| "tag-1"; "Temperatur Ø"; "温度"; "a.b"; "PLANT-FT-011.PV" |].[j]
            else
                $"tag-%d{j}")

    $"""{{%s{String.Join(',', names |> Array.map column)}}}"""

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

        test "the scanner reads varied pandas dict bodies itself, and like the document reader" {
            let table = """{"a": {"0": 1, "1": -2.5e3}, "b": {"0": null, "1": 4}}"""

            for body in
                [
                    $"""{{"X": %s{table}, "y": %s{table}}}"""
                    $"""  {{ "X" :%s{table} , "y":null }}  """
                    $"""{{"X":%s{table.Replace(" ", "\n\t ")},"y":%s{table.Replace(" ", "\r\n")}}}"""
                    $"""{{"other": 1, "X": %s{table}, "more": "text", "list": [1, {{"x": [null]}}], "z": {{}}}}"""
                    """{"X": {"a": {"2": 1, "1": 2, "3": 3}}, "y": {"b": {"1": 7}}}"""
                    """{"X": {"温度": {"2020-01-01 00:00:00+01:00": 1e-400, "2020-01-01 00:00:00+00:00": 1e400}}}"""
                    """{"X": {"a": {"x": 1, "y": 2}}}"""
                    """{"X": {"a": {"1": 1}, "a": {"1": 2}}}"""
                    """{"X": {"a": {"é": 1}}}"""
                ] do
                Expect.isTrue (scanned body) body
                same body

            for _ in 1..300 do
                let keys = rowKeys (random.Next(1, 30))

                let other =
                    if random.Next 2 = 0 then
                        keys
                    else
                        rowKeys (random.Next(1, 30))

                let body =
                    $"""{{"X":%s{randomTable (random.Next(1, 5)) keys}, "y":%s{randomTable (random.Next(1, 5)) other}}}"""

                Expect.isTrue (scanned body) body
                same body

            for rows, columns in [ 600, 12; 3000, 2 ] do
                let body = $"""{{"X": %s{randomTable columns (rowKeys rows)}}}"""
                Expect.isTrue (scanned body) $"%d{rows} x %d{columns}"
                same body
        }

        test "a table whose text repeats the first one's is a copy of it; one byte apart, it is read itself" {
            for _ in 1..50 do
                let table = randomTable (random.Next(1, 5)) (rowKeys (random.Next(1, 30)))
                // The same table with another last cell (cells are never 12345.5).
                let colon = table.LastIndexOf ':'

                let changed =
                    table.Substring(0, colon + 1)
                    + "12345.5"
                    + table.Substring(table.IndexOf('}', colon))

                for body in
                    [
                        $"""{{"X": %s{table}, "y": %s{table}}}"""
                        $"""{{"y": %s{table}, "X": %s{table}}}"""
                        $"""{{"X": %s{table}, "y": %s{changed}}}"""
                        $"""{{"X": %s{changed}, "y": %s{table}}}"""
                    ] do
                    Expect.isTrue (scanned body) body
                    same body

                let found =
                    PandasDictJson.tryScan (
                        ReadOnlySpan(Encoding.UTF8.GetBytes $"""{{"X": %s{table}, "y": %s{table}}}""")
                    )

                Expect.isFalse
                    (obj.ReferenceEquals(found.Value.X.Value.Values, found.Value.Y.Value.Values))
                    "X and y have values of their own"
        }

        test "bodies the scanner leaves to the document reader (same tables or errors)" {
            for body in
                [
                    """{"X": {"a": {"\u0030": 1}}}"""
                    """{"X": {"\u0061": {"0": 1}}}"""
                    """{"\u0058": {"a": {"0": 1}}}"""
                    """{"X": {"a": {"0": 1, "1": 2}, "b": {"1": 3, "0": 4}}}"""
                    """{"X": {"a": {"0": 1, "1": 2}, "b": {"0": 3}}}"""
                    """{"X": {"a": {"0": "1.5"}}}"""
                    """{"X": {"a": {"0": {"s": 1}}}}"""
                    """{"X": {"a": [1, 2]}}"""
                    """{"X": [{"a": 1}]}"""
                    """{"X": {"a": {"0": 1}}, "X": {"a": {"0": 2}}}"""
                    """{"X": {"a": {}}}"""
                ] do
                Expect.isFalse (scanned body) body
                same body

            for depth in 60..66 do
                let deep = String('[', depth) + String(']', depth)
                let body = $"""{{"X": {{"a": {{"0": 1}}}}, "other": %s{deep}}}"""

                let parses =
                    try
                        JsonDocument.Parse(body).Dispose()
                        true
                    with :? JsonException ->
                        false

                Expect.equal (scanned body) parses $"nested %d{depth} deep"
        }

        test "malformed bodies the scanner leaves to the document reader give its 400" {
            for body in
                [
                    """{"X": {"a": {"0": 1}}"""
                    """{"X": {"a": {"0": 1}}} x"""
                    """{"X": {"a": {"0": 01}}}"""
                    """{"X": {"a": {"0": 1,}}}"""
                    """{"X": {"a": {"0": nul}}}"""
                    """{"X": {"a": {"0": 1 2}}}"""
                    "{\"X\": {\"a\": {\"0\u0001\": 1}}}"
                    """{"X": {"a": {"0": 1}}, "other": [1,]}"""
                ] do
                Expect.isFalse (scanned body) body
                Expect.throwsT<HttpErrorException> (fun () -> (fast body) "X" |> ignore) body
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
