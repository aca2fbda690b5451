module Gordo.Tests.Cli.WorkflowCliTests

open System.IO
open Expecto
open Gordo.Tests.Support
open Gordo.Tests.Cli.ValidateCliTests

let private config (name: string) =
    Path.Combine(conformanceConfigs, "tests__gordo__workflow__test_workflow_generator__data__" + name)

let private generate (args: string list) =
    gordo (
        "workflow"
        :: "generate"
        :: "--project-name"
        :: "test-proj-name"
        :: "--project-revision"
        :: "1"
        :: args
    )

let private outputFile () =
    Path.Combine(Path.GetTempPath(), Path.GetRandomFileName() + ".yaml")

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli workflow generate" [
        test "stdout and --output-file give the same bytes" {
            let file = outputFile ()

            let code, out, err =
                generate [ "--machine-config"; config "config-test-with-models.yml" ]

            Expect.equal code 0 err

            let code2, _, err2 =
                generate [
                    "--machine-config"
                    config "config-test-with-models.yml"
                    "--output-file"
                    file
                ]

            Expect.equal code2 0 err2
            Expect.equal (File.ReadAllText file) out "identical"
            Expect.stringStarts out "apiVersion: argoproj.io/v1alpha1" "a Workflow"
        }

        test "usage errors exit 2 and write nothing" {
            for args in
                [
                    [ "--split-workflows"; "0" ]
                    [ "--security-context"; """{"runAsNonRoot": true, "unknownKey": 1}""" ]
                    [ "--owner-references"; "{bad" ]
                    [ "--resources-labels"; "[1]" ]
                    [ "--ml-server-hpa-type"; "keda" ]
                ] do
                let file = outputFile ()

                let code, _, err =
                    generate (
                        [ "--machine-config"; config "config-test-simple.yml"; "--output-file"; file ]
                        @ args
                    )

                Expect.equal code 2 $"%A{args}: %s{err}"
                Expect.stringContains err "error:" "message"
                Expect.isFalse (File.Exists file) "nothing written"
        }

        test "a config with errors prints the compiler's diagnostics, exits 1 and writes nothing" {
            let file = outputFile ()

            let code, _, err =
                generate [
                    "--machine-config"
                    config "config-test-failing-resource-format.yml"
                    "--output-file"
                    file
                ]

            Expect.equal code 1 err
            Expect.stringContains err "error GORDO" "compiler-style diagnostic"
            Expect.isFalse (File.Exists file) "nothing written"
        }
    ]
