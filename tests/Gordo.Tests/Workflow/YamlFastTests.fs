module Gordo.Tests.Workflow.YamlFastTests

open System
open System.IO
open System.Text.Json
open System.Text.Encodings.Web
open Expecto
open Gordo.Workflow
open Gordo.Tests
open Gordo.Tests.Yaml

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

let private goldenFiles () =
    Directory.GetFiles(Path.Combine(__SOURCE_DIRECTORY__, "golden"), "*.gold.yaml")

[<Tests>]
let tests =
    testList "Workflow.YamlFast" [
        test "reads the common block YAML exactly as the full parser" {
            for text in YamlSamples.fastSnippets do
                Expect.isTrue (agrees "snippet" text) $"read fast: %A{text}"
        }

        test "gives up on what it does not read (the full parser decides)" {
            for text in YamlSamples.fallbackSnippets do
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
                if agrees $"random %d{i}" (YamlSamples.randomDocument random) then
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
