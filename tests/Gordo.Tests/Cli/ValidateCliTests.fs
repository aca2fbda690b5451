module Gordo.Tests.Cli.ValidateCliTests

open System.Diagnostics
open System.IO
open Expecto
open Gordo.Tests.Support

/// Runs the built `gordo` with arguments; returns exit code, stdout and stderr.
let gordo (args: string list) =
    let dll =
        Path.Combine(repoRoot, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo.dll")

    let psi =
        ProcessStartInfo("dotnet", "exec" :: dll :: args, RedirectStandardOutput = true, RedirectStandardError = true)

    use proc = Process.Start psi
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()
    proc.WaitForExit()
    proc.ExitCode, out.Result, err.Result

let private temp (text: string) =
    let path = Path.Combine(Path.GetTempPath(), Path.GetRandomFileName() + ".yaml")
    File.WriteAllText(path, text)
    path

let private simple =
    Path.Combine(conformanceConfigs, "tests__gordo__workflow__test_workflow_generator__data__config-test-simple.yml")

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli validate and config normalize" [
        test "a clean config exits 0 with a summary line" {
            let code, _, err = gordo [ "validate"; simple ]
            Expect.equal code 0 err
            Expect.stringContains err "0 errors, 0 warnings in 1 file" "summary"
        }
        test "a directory is reported as a directory, not as a missing file" {
            let dir = Path.Combine(Path.GetTempPath(), Path.GetRandomFileName())
            Directory.CreateDirectory dir |> ignore
            let code, _, err = gordo [ "validate"; dir ]
            Expect.equal code 1 "exit code"

            Expect.stringContains
                err
                $"%s{dir}: error GORDO0008: cannot read the config: it is a directory, not a file"
                "says so"

            // The compiler says so, so every command that reads a config does.
            let code, _, err =
                gordo [ "workflow"; "generate"; "--machine-config"; dir; "--project-name"; "p" ]

            Expect.notEqual code 0 "workflow generate fails"
            Expect.stringContains err "it is a directory, not a file" "workflow generate says so"
        }
        test "errors print file:line:col, the source line, a caret, and exit 1" {
            let path = temp ((configYaml [ "Bad_Name" ]))
            let code, _, err = gordo [ "validate"; path ]
            Expect.equal code 1 "exit code"
            Expect.stringContains err (sprintf "%s:4:11: error GORDO0103:" path) "compiler-style header"
            Expect.stringContains err "  - name: Bad_Name" "source line"
            Expect.stringContains err "          ^" "caret under the value"
            Expect.stringContains err "1 error, 0 warnings in 1 file" "summary"
        }
        test "--warnings-as-errors turns warnings into exit code 1" {
            let path =
                temp ((configYaml [ "a" ]).Replace("      data_provider", "      resolutoin: 10T\n      data_provider"))

            let code, _, _ = gordo [ "validate"; path ]
            Expect.equal code 0 "warnings alone pass"
            let code, _, _ = gordo [ "validate"; path; "--warnings-as-errors" ]
            Expect.equal code 1 "warnings as errors"
        }
        test "a network kind naming an unknown module is a positioned error" {
            let kind = "gordo.machine.model.factorys.feedforward_hourglass"

            let path =
                temp (
                    (configYaml [ "a" ])
                        .Replace(
                            "  model: sklearn.decomposition.PCA",
                            $"  model:\n    gordo.machine.model.models.KerasAutoEncoder:\n      kind: %s{kind}"
                        )
                )

            let code, _, err = gordo [ "validate"; path ]
            Expect.equal code 1 "exit code"
            Expect.stringContains err $"%s{path}:4:13: error GORDO0206:" "compiler-style header"
            Expect.stringContains err "unable to find module: 'gordo.machine.model.factorys'" "Gordo's text"
        }
        test "--format json prints every diagnostic for tools" {
            let path = temp "machines:\n  - name: X\n"
            let code, out, _ = gordo [ "validate"; "--format"; "json"; path ]
            Expect.equal code 1 "exit code"
            let json = System.Text.Json.JsonDocument.Parse out
            let first = json.RootElement.[0]
            Expect.equal (first.GetProperty("severity").GetString()) "error" "severity"
            Expect.isTrue (first.GetProperty("line").GetInt32() > 0) "line"
            Expect.isTrue (first.GetProperty("code").GetString().StartsWith "GORDO") "code"
        }
        test "several files are checked in one run" {
            let good = temp (configYaml [ "a" ])
            let bad = temp "machines: [\n"
            let code, _, err = gordo [ "validate"; good; bad ]
            Expect.equal code 1 "exit code"
            Expect.stringContains err "in 2 files" "summary counts files"
        }
        test "binary junk exits 1 with a diagnostic, no stack trace" {
            let path = Path.Combine(Path.GetTempPath(), Path.GetRandomFileName())
            File.WriteAllBytes(path, Array.init 2048 (fun i -> byte ((i * 131) % 256)))
            let code, out, err = gordo [ "validate"; path ]
            Expect.equal code 1 "exit code"
            Expect.stringContains err "GORDO0002" "encoding diagnostic"
            Expect.isFalse ((out + err).Contains "   at ") "no stack trace"
        }
        test "config normalize prints YAML that validates and carries the merged defaults" {
            let code, out, err =
                gordo [ "config"; "normalize"; simple; "--project-name"; "proj" ]

            Expect.equal code 0 err
            Expect.stringContains out "influx:" "runtime defaults"
            let code, _, err = gordo [ "validate"; temp out ]
            Expect.equal code 0 err
        }
        test "config normalize --format json is JSON" {
            let code, out, _ = gordo [ "config"; "normalize"; "--format"; "json"; simple ]
            Expect.equal code 0 "exit code"
            let json = System.Text.Json.JsonDocument.Parse out
            Expect.equal (json.RootElement.GetProperty("machines").GetArrayLength()) 1 "one machine"
        }
        test "MLflow reporters, unknown reporters and remote logging are errors at their line" {
            let path =
                temp (
                    String.concat "\n" [
                        "machines:"
                        "  - name: m-1"
                        "  - name: m-2"
                        "globals:"
                        "  dataset: {tags: [a, b], train_start_date: 2020-01-01T00:00:00+00:00, train_end_date: 2020-01-02T00:00:00+00:00, data_provider: {type: RandomDataProvider}}"
                        "  model: {sklearn.decomposition.PCA: {}}"
                        "  runtime:"
                        "    reporters: [gordo.reporters.mlflow.MlFlowReporter, my.Reporter, gordo.reporters.postgres.PostgresReporter]"
                        "    builder: {remote_logging: {enable: true}}"
                    ]
                )

            let code, _, err = gordo [ "validate"; path ]
            Expect.equal code 1 err
            Expect.stringContains err (sprintf "%s:8:17: error GORDO0132:" path) "MLflow reporter, once for the globals"

            Expect.stringContains
                err
                (sprintf "%s:8:56: error GORDO0133: unknown reporter 'my.Reporter'" path)
                "unknown"

            Expect.stringContains err (sprintf "%s:9:40: error GORDO0134:" path) "remote logging"
            Expect.stringContains err "3 errors, 0 warnings in 1 file" "the PostgresReporter is fine"
        }
        test "hostile row_filter nesting and huge values: a diagnostic with the value cut, no crash" {
            let expression = String.replicate 4000 "(" + "a > 0" + String.replicate 4000 ")"

            let path =
                temp (
                    (configYaml [ "a" ])
                        .Replace("      data_provider", $"      row_filter: \"%s{expression}\"\n      data_provider")
                )

            let code, _, err = gordo [ "validate"; path ]
            Expect.equal code 1 err
            Expect.stringContains err "nests deeper than 100 levels" "the nesting named"
            Expect.stringContains err "...' (8005 characters)" "the expression cut in the message"
            Expect.isLessThan err.Length 2000 "no megabytes of echo"

            let code, _, err =
                gordo [ "validate"; simple; "--project-name"; String.replicate 100000 "X" ]

            Expect.equal code 1 "a bad project name"
            Expect.isLessThan err.Length 2000 "the 100,000-character name is not echoed in full"
        }
        test "gordo --version and gordo version print the version; a bad root --log-level exits 2" {
            for args in [ [ "--version" ]; [ "version" ] ] do
                let code, out, err = gordo args
                Expect.equal code 0 err
                Expect.stringStarts out "gordo 0." "version line"

            let code, _, err = gordo [ "--log-level"; "loud"; "validate"; simple ]
            Expect.equal code 2 "usage"
            Expect.stringContains err "'loud' is not debug, info, warning, error, critical" "levels named"
            let code, _, err = gordo [ "--log-level=WARNING"; "validate"; simple ]
            Expect.equal code 0 err
        }
        test "unknown options exit 2 with usage" {
            let code, _, err = gordo [ "validate"; "--frobnicate"; simple ]
            Expect.equal code 2 "usage error"
            Expect.stringContains err "USAGE" "usage"
        }
    ]
