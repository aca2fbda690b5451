module Gordo.Tests.Yaml.FastParseTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Core.Yaml
open Gordo.Tests.Support

let private settings (map: PositionMap) : FastParse.Settings = {
    Map = map
    Paths = true
    Limits = Parse.defaultLimits
}

/// The fast reader's tree of a one-document text, if it reads it.
let private fast (map: PositionMap) (text: string) : Node option =
    match FastParse.tryDocuments (settings map) text with
    | Some [ Some root ] -> Some root
    | _ -> None

let private full (map: PositionMap) (text: string) =
    Parse.full "t.yaml" map Parse.defaultLimits true text

/// When the fast reader reads a text, its tree equals YamlDotNet's, positions and paths included.
let private agreesWith (map: PositionMap) (name: string) (text: string) : bool =
    match fast map text with
    | Some root ->
        match full map text with
        | Ok(Some expected, _) -> Expect.equal root expected $"fast = YamlDotNet for %s{name}: %A{text}"
        | other -> failtestf "YamlDotNet reads %s differently: %A" name other

        true
    | None -> false

let private agrees = agreesWith (Parse.fileMap "t.yaml")

let private configFiles () =
    [
        yield! Directory.GetFiles(conformanceConfigs, "*.y*ml")
        yield! Directory.GetFiles(Path.Combine(repoRoot, "examples"), "*.yaml")
    ]
    |> List.sort

let private nested (depth: int) =
    String.concat "" [ for i in 0 .. depth - 1 -> String(' ', 2 * i) + "k:\n" ]
    + String(' ', 2 * depth)
    + "v\n"

[<Tests>]
let tests =
    testList "Yaml.FastParse" [
        test "reads block YAML into the tree YamlDotNet gives, positions and paths included" {
            let read =
                YamlSamples.fastSnippets |> List.filter (fun text -> agrees "snippet" text)

            // The others are streams of several or no documents, which `Parse` leaves to YamlDotNet.
            Expect.isGreaterThanOrEqual read.Length (YamlSamples.fastSnippets.Length - 4) "snippets read fast"
        }

        test "empty values sit right after their indicator, as in YamlDotNet" {
            for text in [ "a:\n\nb: 2\n"; "- - a\n  - b\n-\n- x: y\n"; "f:\ng: |\n  lit\n" ] do
                Expect.isTrue (agrees "empty value" text) $"read fast: %A{text}"
        }

        test "leaves to YamlDotNet what it does not read" {
            for text in
                YamlSamples.fallbackSnippets
                @ [ "a: 1\n<<: {b: 2}\n"; "a: [1, 2, 1]\nb: {x: 1, x: 2}\n" ] do
                Expect.isNone (FastParse.tryDocuments (settings (Parse.fileMap "t.yaml")) text) $"falls back: %A{text}"
        }

        test "random block documents read as YamlDotNet reads them" {
            let random = Random 17

            let fastCount =
                [ 1..400 ]
                |> List.filter (fun i -> agrees $"random %d{i}" (YamlSamples.randomDocument random))
                |> List.length

            Expect.isGreaterThan fastCount 300 "most random documents take the fast path"
        }

        test "positions go through the position map (block-string sections)" {
            let shifted: PositionMap =
                fun line column -> {
                    File = "outer.yaml"
                    Line = line + 10
                    Column = column + 4
                }

            Expect.isTrue (agreesWith shifted "section" "tags:\n  - A\n  - {name: B}\nresolution: 10T\n") "read fast"
        }

        test "every conformance config and example parses to the same result on both paths" {
            let mutable fastFiles = 0

            for file in configFiles () do
                let text = File.ReadAllText file
                let map = Parse.fileMap file
                let both = Parse.text file map Parse.defaultLimits true text
                Expect.equal both (Parse.full file map Parse.defaultLimits true text) $"same result for %s{file}"

                if (fast map text).IsSome then
                    fastFiles <- fastFiles + 1

            Expect.isGreaterThan fastFiles (List.length (configFiles ()) / 2) "most configs take the fast path"
        }

        test "nesting beyond the limit is still reported (by YamlDotNet)" {
            for text in [ nested 300; String('[', 300) + String(']', 300) + "\n" ] do
                Expect.isNone (fast (Parse.fileMap "t.yaml") text) "gives up"

                match Parse.text "t.yaml" (Parse.fileMap "t.yaml") Parse.defaultLimits false text with
                | Error d -> Expect.stringContains d.Code "GORDO" "a diagnostic"
                | Ok _ -> failtest "accepted a document deeper than the limit"
        }

        test "unquoted timestamps without timezone warn on the fast path as on YamlDotNet's" {
            let text =
                "a: 2020-01-01 10:00:00\nb: '2020-01-01 10:00:00'\nc:\n  - 2020-01-01T00:00:00+00:00\n"

            let map = Parse.fileMap "t.yaml"
            Expect.isSome (fast map text) "read fast"

            match Parse.text "t.yaml" map Parse.defaultLimits true text, full map text with
            | Ok(_, warnings), Ok(_, expected) ->
                Expect.equal (warnings |> List.map _.Path) [ "a" ] "one warning, at a"
                Expect.equal warnings expected "the warnings YamlDotNet's path gives"
            | other -> failtestf "unexpected %A" other
        }
    ]
