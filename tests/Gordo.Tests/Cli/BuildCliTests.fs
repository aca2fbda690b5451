module Gordo.Tests.Cli.BuildCliTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Cli
open Gordo.Models.Artifacts
open Gordo.Tests.Support
open Gordo.Tests.Builder.ModelBuilderTests

let private gordoEnv = GordoProcess.run

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-buildcli-%s{name}-" + Guid.NewGuid().ToString("N"))

let private writeConfig (text: string) =
    let path = temp "config" + ".yaml"
    File.WriteAllText(path, text)
    path

/// Two machines: pump-1 on the sample data, pump-2 on a file that does not exist.
let private twoMachines () =
    let good = configText sampleData.Value pipelineModel ""

    let bad =
        (configText (temp "missing" + ".parquet") pipelineModel "")
            .Replace("machines:\n", "")
            .Replace("name: pump-1", "name: pump-2")

    writeConfig (good + "\n" + bad)

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli build and local-build" [
        test "local-build: one failing machine does not stop the other; summary; exit 1" {
            let out = temp "models"

            let code, stdout, err =
                gordoEnv [] [ "local-build"; twoMachines (); "--output"; out ]

            Expect.equal code 1 (stdout + err)
            Expect.stringContains stdout "[pump-1] done in" "progress line"
            Expect.stringContains stdout "[pump-2] FAILED (FileNotFoundError, exit 30)" "failure line"
            Expect.stringContains stdout "1 built, 1 failed" "summary"
            Expect.isTrue (File.Exists(Path.Combine(out, "pump-1", "metadata.json"))) "pump-1 saved"
            Expect.isFalse (Directory.Exists(Path.Combine(out, "pump-2"))) "nothing for pump-2"
            Expect.equal (Directory.GetDirectories out).Length 1 "no temp directories left"
        }
        test "local-build --machine builds only that machine; exit 0" {
            let out = temp "models"

            let code, stdout, err =
                gordoEnv [] [ "local-build"; twoMachines (); "--output"; out; "--machine"; "pump-1" ]

            Expect.equal code 0 (stdout + err)
            Expect.stringContains stdout "1 built, 0 failed" "summary"
        }
        test "local-build of a config with errors prints diagnostics and builds nothing" {
            let path = writeConfig "machines:\n  - name: Bad_Name\n    dataset: {tags: [a]}\n"
            let out = temp "models"
            let code, _, err = gordoEnv [] [ "local-build"; path; "--output"; out ]
            Expect.equal code 1 err
            Expect.stringContains err "error GORDO" "compiler diagnostics"
            Expect.isFalse (Directory.Exists out) "nothing built"
        }
        test "build --config --machine writes the model and prints cv scores" {
            let out = temp "model"

            let code, stdout, err =
                gordoEnv [] [
                    "build"
                    "--config"
                    twoMachines ()
                    "--machine"
                    "pump-1"
                    out
                    "--print-cv-scores"
                ]

            Expect.equal code 0 err
            Expect.stringContains stdout "r2-score_fold-mean=" "score lines"
            Expect.stringContains stdout "mean-squared-error-PLANT-FT-011.PV_fold-1=" "per-tag fold line"
            let loaded = Artifact.load out
            Expect.isTrue loaded.Model.IsFitted "model loads"
        }
        test "build from the MACHINE payload (Gordo's workflow) and OUTPUT_DIR" {
            let out = temp "model"

            let config =
                Compiler.compileText Compiler.defaultOptions "t.yaml" (configText sampleData.Value pipelineModel "")

            let tree = config.Normalized.Value.Machines.Head

            let payload =
                Value.Map [
                    "name", Value.String "pump-1"
                    "project_name", Value.String "plant"
                    "dataset", Value.ofNode tree.Dataset.Value
                    "model", Value.ofNode tree.Model.Value
                    "metadata",
                    Value.Map [
                        "user_defined", Value.Map [ "machine-metadata", Value.Map [ "k", Value.Int 1L ] ]
                    ]
                    "events", Value.String """{"top_tags": 1}"""
                ]

            let code, stdout, err =
                gordoEnv [ "MACHINE", Json.toText payload; "OUTPUT_DIR", out ] [ "build" ]

            Expect.equal code 0 (stdout + err)
            let metadata = Json.ofBytes (File.ReadAllBytes(Path.Combine(out, "metadata.json")))
            Expect.equal (Value.tryGet "project_name" metadata) (Some(Value.String "plant")) "project"

            Expect.equal
                (Value.tryGet "metadata" metadata
                 |> Option.bind (Value.tryGet "user_defined")
                 |> Option.bind (Value.tryGet "machine-metadata"))
                (Some(Value.Map [ "k", Value.Int 1L ]))
                "user metadata not double-nested"

            Expect.equal
                (Gordo.Models.Scoring.AnomalyEvents.ofMetadata metadata).TopTags
                1
                "the payload's events section reaches metadata.json"
        }
        test "build failure: exit code of spec 6.5 and the exception report file" {
            let report = temp "report" + ".json"
            let path = twoMachines ()

            let code, _, err =
                gordoEnv [ "EXCEPTIONS_REPORTER_FILE", report ] [
                    "build"
                    "--config"
                    path
                    "--machine"
                    "pump-2"
                    temp "m"
                ]

            Expect.equal code 30 err
            let json = Json.ofBytes (File.ReadAllBytes report)
            Expect.equal (Value.tryGet "type" json) (Some(Value.String "FileNotFoundError")) "type"
            Expect.isSome (Value.tryGet "message" json) "message at the default level"
        }
        test "build without a machine is a usage error (exit 2)" {
            let code, _, err = gordoEnv [ "MACHINE", "" ] [ "build" ]
            Expect.equal code 2 err
            Expect.stringContains err "no machine" "message"
        }
        test "exception report trimming and sanitizing (spec 6.5)" {
            Expect.equal (ExceptionReport.trimMessage 8 "Hello world!") "Hello..." "cut"
            Expect.equal (ExceptionReport.trimMessage 4 "Hello") "" "too short"
            Expect.equal (ExceptionReport.trimMessage 20 "Hello") "Hello" "kept"
            Expect.equal (ExceptionReport.sanitize "Tåg\tA") "T?g\tA" "non-ASCII replaced"

            Expect.equal
                (ExceptionReport.value ReportLevel.Type "ValueError" "x")
                (Value.Map [ "type", Value.String "ValueError" ])
                "type level"

            Expect.equal (ExceptionReport.value ReportLevel.Exit_Code "ValueError" "x") (Value.Map []) "exit-code level"
        }
    ]
