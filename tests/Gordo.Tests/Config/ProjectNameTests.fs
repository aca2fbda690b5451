module Gordo.Tests.Config.ProjectNameTests

open Expecto
open Gordo.Core.Config
open Gordo.Tests.Support

/// The config's machines under a Gordo custom resource with this `metadata` block.
let private resource (metadata: string) =
    let config =
        configYaml [ "m-1" ]
        |> fun text -> text.Split '\n'
        |> Array.map (fun line -> if line = "" then line else "    " + line)
        |> String.concat "\n"

    $"apiVersion: equinor.com/v1\nkind: Gordo\nmetadata:\n%s{metadata}\nspec:\n  config:\n%s{config}"

let private projectName (options: CompileOptions) (text: string) =
    match (Compiler.compileText options "test.yaml" text).Project with
    | Some project -> project.Name, project.Machines |> List.map _.ProjectName
    | None -> failwithf "the config does not compile: %s" text

let private nameOf (text: string) =
    projectName Compiler.defaultOptions text

[<Tests>]
let tests =
    testList "Config.ProjectName" [
        test "a custom resource is named by its metadata.name" {
            Expect.equal (nameOf (resource "  name: plant-a")) ("plant-a", [ "plant-a" ]) "metadata.name"
        }
        test "the name need not be metadata's first key, and may be quoted" {
            let text = resource "  labels: {team: x}\n  name: \"plant-b\" # the project"
            Expect.equal (nameOf text) ("plant-b", [ "plant-b" ]) "read from the tree"
        }
        test "a flow-style (JSON) custom resource is named too" {
            let text =
                """{"apiVersion": "equinor.com/v1", "kind": "Gordo", "metadata": {"name": "plant-c"},
 "spec": {"config": {"globals": {"model": "sklearn.decomposition.PCA"}, "machines": [
   {"name": "m-1", "dataset": {"tags": ["TAG-1"], "train_start_date": "2020-01-01T00:00:00+00:00",
    "train_end_date": "2020-02-01T00:00:00+00:00", "data_provider": {"type": "RandomDataProvider"}}}]}}}"""

            Expect.equal (fst (nameOf text)) "plant-c" "metadata.name of a JSON document"
        }
        test "a bare machines/globals document is named 'project'" {
            Expect.equal (nameOf (configYaml [ "m-1" ])) ("project", [ "project" ]) "default name"
        }
        test "a name in a nested metadata (globals, machines) does not name the project" {
            let text = configYaml [ "m-1" ] + "    metadata:\n      name: not-the-project\n"
            Expect.equal (fst (nameOf text)) "project" "only the document's own metadata counts"
        }
        test "an empty metadata.name falls back to 'project'" {
            Expect.equal (fst (nameOf (resource "  name: \"\""))) "project" "empty name"
        }
        test "--project-name wins over metadata.name" {
            let options = {
                Compiler.defaultOptions with
                    ProjectName = Some "given"
            }

            Expect.equal (projectName options (resource "  name: plant-a")) ("given", [ "given" ]) "option first"
        }
    ]
