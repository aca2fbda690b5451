module Gordo.Tests.Workflow.YamlJsonTests

open Expecto
open Gordo.Workflow

let private one (yaml: string) =
    match YamlJson.parseDocuments yaml with
    | Ok [ d ] -> d.ToJsonString()
    | other -> failwithf "%A" other

[<Tests>]
let tests =
    testList "Workflow.YamlJson" [
        test "plain scalars are typed as YAML 1.2 core, quoted ones stay strings" {
            Expect.equal
                (one "a: 1\nb: '1'\nc: true\nd: \"true\"\ne: 1.5\nf: ~\ng: yes\nh: 2016-11-07\ni: |\n  x\n")
                """{"a":1,"b":"1","c":true,"d":"true","e":1.5,"f":null,"g":"yes","h":"2016-11-07","i":"x\n"}"""
                "typed"
        }

        test "several documents" {
            match YamlJson.parseDocuments "a: 1\n---\nb: 2\n" with
            | Ok docs ->
                Expect.equal (docs |> List.map (fun d -> d.ToJsonString())) [ """{"a":1}"""; """{"b":2}""" ] "two"
            | Error e -> failtest e
        }

        test "duplicate keys and syntax errors are reported with their position" {
            match YamlJson.parseDocuments "a: 1\na: 2\n" with
            | Error e ->
                Expect.stringStarts e "line 2, column 1: " "position"
                Expect.stringContains (e.ToLowerInvariant()) "duplicate key" "what"
            | Ok _ -> failtest "duplicate keys must fail"

            match YamlJson.parseDocuments "a: [1\n" with
            | Error e -> Expect.stringStarts e "line " "position"
            | Ok _ -> failtest "should fail"
        }
    ]
