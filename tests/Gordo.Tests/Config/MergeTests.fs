module Gordo.Tests.Config.MergeTests

open Expecto
open Gordo.Core
open Gordo.Core.Yaml
open Gordo.Core.Config

let private node (text: string) =
    match Parse.text "t.yaml" (Parse.fileMap "t.yaml") Parse.defaultLimits false text with
    | Ok(Some n, _) -> n
    | other -> failtestf "parse: %A" other

let private merged original patch =
    Merge.node (node original) (node patch) |> Value.ofNode

[<Tests>]
let tests =
    testList "Config.Merge (patch_dict)" [
        test "mappings deep-merge; patch wins; keys only in the original are kept" {
            Expect.equal
                (merged "{a: {x: 1, y: 2}, b: 1}" "{a: {y: 3, z: 4}}")
                (merged "{a: {x: 1, y: 3, z: 4}, b: 1}" "{}")
                "deep"
        }
        test "lists merge element by element" {
            Expect.equal (merged "[a, b, c]" "[x]") (Value.ofNode (node "[x, b, c]")) "shorter patch"
            Expect.equal (merged "[a]" "[x, y]") (Value.ofNode (node "[x, y]")) "longer patch"
            Expect.equal (merged "[{n: 1, v: a}]" "[{v: b}]") (Value.ofNode (node "[{n: 1, v: b}]")) "mapping items"
        }
        test "null in the patch replaces" {
            Expect.equal (merged "{s: MinMaxScaler}" "{s: null}") (Value.Map [ "s", Value.Null ]) "null"
        }
        test "overridden lists the leaf keys a patch changes" {
            let keys =
                Merge.overridden "" (node "{a: 1, b: {c: 2, d: 3}, e: 5}") (node "{a: 1, b: {c: 9}, f: 1}")

            Expect.equal keys [ "b.c" ] "only changed values"
        }
    ]
