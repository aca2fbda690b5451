module Gordo.Tests.Config.SectionTypeTests

open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

/// A valid one-machine config (machine `a`, lines 1-9) with `globals` lines and machine lines
/// added: globals lines go on line 2 and on, machine lines after the machine's dataset.
let private config (globalLines: string list) (machineLines: string list) =
    let indent (prefix: string) (lines: string list) =
        lines |> List.map (fun l -> prefix + l + "\n") |> String.concat ""

    "globals:\n"
    + indent "  " globalLines
    + "  model: sklearn.decomposition.PCA\n"
    + "machines:\n"
    + machineYaml "a"
    + indent "    " machineLines

/// The diagnostics as (code, line, column, message, path), in order.
let private described (compilation: Compilation) =
    compilation.Diagnostics
    |> List.map (fun d -> d.Code, d.Position.Line, d.Position.Column, d.Message, d.Path)

/// Expects exactly these diagnostics, all errors, and no project.
let private rejectedWith (expected: (string * int * int * string * string) list) (compilation: Compilation) =
    Expect.equal (described compilation) expected "diagnostics"
    Expect.isTrue (compilation.Diagnostics |> List.forall Diagnostic.isError) "errors"
    Expect.isNone compilation.Project "rejected"

[<Tests>]
let tests =
    testList "Config.Section types" [
        test "the baseline config is valid" {
            let compilation = compile (config [] [])
            Expect.isEmpty compilation.Diagnostics "clean"
            Expect.isSome compilation.Project "compiled"
        }
        test "a machine's evaluation, runtime and metadata must be mappings" {
            compile (config [] [ "evaluation: \"x\""; "runtime: 7"; "metadata: 3" ])
            |> rejectedWith [
                "GORDO0100", 10, 17, "expected an evaluation mapping, found the string 'x'", "machines[0].evaluation"
                "GORDO0100", 11, 14, "expected a runtime mapping, found a number", "machines[0].runtime"
                "GORDO0100", 12, 15, "expected a metadata mapping, found a number", "machines[0].metadata"
            ]
        }
        test "a section written as a block string is checked at its text" {
            compile (config [] [ "evaluation: |"; "  just text" ])
            |> rejectedWith [
                "GORDO0100",
                11,
                7,
                "expected an evaluation mapping, found the string 'just text'",
                "machines[0].evaluation"
            ]
        }
        test "globals' model and evaluation are checked even when no machine uses them" {
            let text =
                (config [ "evaluation: 3" ] [ "model: sklearn.decomposition.PCA" ])
                    .Replace("  model: sklearn.decomposition.PCA\nmachines", "  model: 5\nmachines")

            compile text
            |> rejectedWith [
                "GORDO0100", 2, 15, "expected an evaluation mapping, found a number", "globals.evaluation"
                "GORDO0100", 3, 10, "expected a model (a class path or a mapping), found a number", "globals.model"
            ]
        }
        test "a machine's model of the wrong type is one type error, not also an unknown class" {
            compile (config [] [ "model: 5" ])
            |> rejectedWith [
                "GORDO0100", 10, 12, "expected a model (a class path or a mapping), found a number", "machines[0].model"
            ]

            compile (config [] [ "model: [a, b]" ])
            |> rejectedWith [
                "GORDO0100", 10, 12, "expected a model (a class path or a mapping), found a list", "machines[0].model"
            ]
        }
        test "a machine's dataset list under globals.dataset is a type error, not an override warning" {
            let text =
                (config [ "dataset: {resolution: 2T}" ] [])
                    .Replace(
                        "    dataset:\n      tags: [TAG-1, TAG-2]\n      train_start_date: 2020-01-01T00:00:00+00:00\n      train_end_date: 2020-02-01T00:00:00+00:00\n      data_provider: {type: RandomDataProvider}\n",
                        "    dataset: [1, 2]\n"
                    )

            compile text
            |> rejectedWith [
                "GORDO0100", 6, 14, "expected a dataset mapping, found a list", "machines[0].dataset"
            ]
        }
        test "a global dataset of the wrong type is one error, without override warnings" {
            compile (config [ "dataset: 3" ] [])
            |> rejectedWith [
                "GORDO0100", 2, 12, "expected a dataset mapping, found a number", "globals.dataset"
            ]
        }
        test "null and empty sections are absent, not wrong" {
            let compilation =
                compile (config [ "evaluation:"; "runtime: ~" ] [ "evaluation: ''"; "metadata:"; "events: null" ])

            Expect.isEmpty compilation.Diagnostics "clean"
            Expect.isSome compilation.Project "compiled"
        }
        test "a date-time without a timezone is reported once, by the YAML reader" {
            let text =
                (config [] [])
                    .Replace("train_start_date: 2020-01-01T00:00:00+00:00", "train_start_date: 2020-01-01T00:00:00")

            compile text
            |> rejectedWith [
                "GORDO0011",
                7,
                25,
                "timestamp '2020-01-01T00:00:00' has no timezone",
                "machines[0].dataset.train_start_date"
            ]
        }
        test "a quoted date-time without a timezone is the dataset's error, once" {
            let text =
                (config [] [])
                    .Replace("train_start_date: 2020-01-01T00:00:00+00:00", "train_start_date: '2020-01-01T00:00:00'")

            compile text
            |> rejectedWith [
                "GORDO0107",
                7,
                25,
                "'2020-01-01T00:00:00' has no timezone: must provide an ISO formatted datetime string with timezone information",
                "machines[0].dataset.train_start_date"
            ]
        }
    ]
