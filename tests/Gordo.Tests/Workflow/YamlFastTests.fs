module Gordo.Tests.Workflow.YamlFastTests

open System
open System.IO
open System.Text.Json
open System.Text.Encodings.Web
open Expecto
open Gordo.Core.Workflow
open Gordo.Tests

let private show (docs: Text.Json.Nodes.JsonNode list) =
    docs
    |> List.map (fun d -> if isNull d then "null" else d.ToJsonString())
    |> String.concat "\n---\n"

/// The full parser's reading (or its error).
let private full (text: string) =
    match YamlJson.parseDocumentsFull text with
    | Ok docs -> show docs
    | Error e -> "error: " + e

/// When the fast reader reads a text, it reads it as the full parser does.
let private agrees (name: string) (text: string) : bool =
    match YamlFast.tryParse text with
    | Some docs ->
        Expect.equal (show docs) (full text) $"fast = full for %s{name}: %A{text}"
        true
    | None -> false

let private fastSnippets = [
    "a: 1\n---\n"
    "---\n---\n"
    "---\na: 1\n"
    ""
    "# only a comment\n"
    "a:\n- 1\n- 2\nb: x\n"
    "a:\n  - 1\n  -\n  - - x\n    - y\n"
    "a: |\n  x\n\n  y\n\n\nb: 2\n"
    "a: |-\n  x\n  y\nb: |\n\n  z\n"
    "- a: 1\n  b: [1, \"x\", {c: d}]\n- {\"k\":\"v\",\"n\":1}\n"
    "a: 'it''s'\nb: \"q\\\"x\\u00e9\\n\"\nc: x # comment\nd: x#y\n"
    "a:\n\nb:\n"
    "key with space: v\n\"quoted key\": v\n'single': w\n"
    "a: 0x1F\nb: 0o17\nc: 1e3\nd: .5\ne: -1\nf: 1_000\ng: 0xZZ\nh: +2\ni: 1.\n"
    "a:\n  b:\n    c: 1\n  d: 2\n"
    "a: |\n  line\n   indented\n"
    "- |\n  x\n- y\n"
    "a: \"\"\nb: ''\nc: []\nd: {}\n"
    "a:    \n  b: 1\n"
    "- - a\n  - b\n- c\n"
    "-\n  a: 1\n"
    "a: http://x:80/y\nb: -1\n"
    "[a, b]\n"
    "plain\n"
    "\"q\"\n"
    "a:\n  \"x\"\n"
    "a: 1 # c\n# c2\nb: 2\n"
    "a: true\nb: False\nc: ~\nd: null\ne: yes\nf: 2016-11-07\n"
    "a: \"\\\\ \\/ \\t \\r \\b \\f\"\n"
    "a: [ 1 , 2 ]\nb: { x: 1 , \"y\" : 2 }\nc: [[1], {a: [2]}]\n"
]

let private fallbackSnippets = [
    "a: |\n    x\n  y\n" // less indented block scalar line
    "a: b\n  c\n" // multi-line plain scalar
    "a: [1,\n 2]\n" // multi-line flow
    "a: &x 1\nb: *x\n" // anchors
    "a: !!str 1\n" // tags
    "k: v\n...\n" // document end marker
    "--- x\n" // content after ---
    "b: - x\n" // not a scalar
    "x: |\n  a\n    \n  b\n" // spaces beyond the indentation on an empty line
    "a: b: c\n" // error
    "a: 1\na: 2\n" // duplicate key
    "a:\r\n  b: 1\r\n" // CR
    "a:\n\tb: 1\n" // tab indentation
    "a: >\n  folded\n" // folded scalar
    "a: \"multi\n  line\"\n" // multi-line quoted
    "? complex\n: key\n"
    "a: [1, 2,]\n"
]

/// Random block documents in the style templates produce.
let private randomDocument (random: Random) : string =
    let scalars = [|
        "plain"
        "1"
        "-2.5"
        "true"
        "\"quoted \\\" text\""
        "'single ''q'''"
        "[a, \"b\", 3]"
        "{\"k\":\"v\",\"n\":[1,2]}"
        "{}"
        "x # comment"
        "http://host:80/p"
        "\"\""
        "0x1A"
    |]

    let sb = Text.StringBuilder()

    let rec node (indent: int) (depth: int) =
        let pad = String(' ', indent)

        match random.Next(if depth > 3 then 1 else 4) with
        | 0 ->
            sb.Append(' ').Append(scalars[random.Next scalars.Length]).Append('\n')
            |> ignore
        | 1 ->
            sb.Append(" |").Append(if random.Next 2 = 0 then "-" else "").Append('\n')
            |> ignore

            for i in 0 .. random.Next(1, 4) do
                if i > 0 && random.Next 3 = 0 then
                    sb.Append('\n') |> ignore

                sb
                    .Append(pad)
                    .Append("  ")
                    .Append(String(' ', (if i > 0 then random.Next 2 else 0)))
                    .Append($"line {i} # not a comment\n")
                |> ignore
        | 2 ->
            sb.Append('\n') |> ignore

            for i in 0 .. random.Next(0, 3) do
                sb.Append(pad).Append("  ").Append($"key{i}:") |> ignore
                node (indent + 2) (depth + 1)
        | _ ->
            sb.Append('\n') |> ignore
            let compact = random.Next 2 = 0
            let itemPad = if compact then pad else pad + "  "

            for _ in 0 .. random.Next(0, 3) do
                sb.Append(itemPad).Append("-") |> ignore
                node (itemPad.Length + 2) (depth + 1)

    for i in 0 .. random.Next(1, 5) do
        sb.Append($"top{i}:") |> ignore
        node 0 0

    sb.ToString()

let private goldenFiles () =
    Directory.GetFiles(Path.Combine(__SOURCE_DIRECTORY__, "golden"), "*.gold.yaml")

[<Tests>]
let tests =
    testList "Workflow.YamlFast" [
        test "reads the common block YAML exactly as the full parser" {
            for text in fastSnippets do
                Expect.isTrue (agrees "snippet" text) $"read fast: %A{text}"
        }

        test "gives up on what it does not read (the full parser decides)" {
            for text in fallbackSnippets do
                Expect.isNone (YamlFast.tryParse text) $"falls back: %A{text}"
        }

        test "reads every golden workflow exactly as the full parser" {
            for file in goldenFiles () do
                Expect.isTrue (agrees file (File.ReadAllText file)) $"read fast: %s{file}"
        }

        test "random block documents read as the full parser reads them" {
            let random = Random 7
            let mutable fast = 0

            for i in 1..400 do
                if agrees $"random %d{i}" (randomDocument random) then
                    fast <- fast + 1

            Expect.isGreaterThan fast 300 "most random documents take the fast path"
        }

        test "quote writes what the JSON serializer writes" {
            let options =
                JsonSerializerOptions(Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)

            let random = Random 11

            let samples = [
                yield! [
                    ""
                    "a\"b"
                    "back\\slash"
                    "tab\there"
                    "é ü"
                    "\u2028"
                    "<&>'+`"
                    "line\nbreak"
                ]
                for _ in 1..300 do
                    String([| for _ in 1 .. random.Next 40 -> char (random.Next(0, 160)) |])
                String('"', 5000) + String('x', 5000)
            ]

            for s in samples do
                Expect.equal (WorkflowTemplates.quote s) (JsonSerializer.Serialize(s, options)) $"quote %A{s}"
        }
    ]
