/// YAML texts shared by the fast reader's tests (config trees and workflow JSON).
module Gordo.Tests.Yaml.YamlSamples

open System

/// Block YAML the fast reader reads.
let fastSnippets = [
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

/// YAML the fast reader leaves to the full parser.
let fallbackSnippets = [
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
let randomDocument (random: Random) : string =
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
