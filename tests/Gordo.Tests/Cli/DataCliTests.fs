module Gordo.Tests.Cli.DataCliTests

open System
open System.IO
open Expecto
open Gordo.Tests.Cli.ValidateCliTests

let private sampleDir () =
    let dir =
        Path.Combine(Path.GetTempPath(), "gordo-cli-sample-" + Guid.NewGuid().ToString("N"))

    let code, out, err = gordo [ "data"; "generate"; "--output"; dir; "--days"; "2" ]
    Expect.equal code 0 err
    Expect.stringContains out "data.parquet" "lists the files"
    dir

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli data generate and dataset" [
        test "generate, then dataset prints a summary and writes X and y" {
            let dir = sampleDir ()
            let config = Path.Combine(dir, "gordo-config.yaml")
            let x = Path.Combine(dir, "x.parquet")

            let code, out, err =
                gordo [ "dataset"; config; "--machine"; "pump-1"; "--output"; x ]

            Expect.equal code 0 err
            Expect.stringContains out "machine pump-1: 289 rows, 4 X columns" "summary"
            Expect.stringContains out "time range: 2020-01-01 00:00:00+00:00 .. 2020-01-03 00:00:00+00:00" "range"
            Expect.isTrue (File.Exists x && File.Exists(Path.Combine(dir, "x-y.parquet"))) "X and y written"
        }
        test "an unknown machine is exit 1 naming the machines" {
            let dir = sampleDir ()

            let code, _, err =
                gordo [ "dataset"; Path.Combine(dir, "gordo-config.yaml"); "--machine"; "nope" ]

            Expect.equal code 1 "exit code"
            Expect.stringContains err "no machine 'nope'" "message"
            Expect.stringContains err "pump-1" "lists machines"
        }
        test "a missing data file is exit 1 naming machine and file" {
            let dir = sampleDir ()
            File.Delete(Path.Combine(dir, "data.parquet"))

            let code, _, err =
                gordo [ "dataset"; Path.Combine(dir, "gordo-config.yaml"); "--machine"; "pump-2" ]

            Expect.equal code 1 "exit code"
            Expect.stringContains err "machine 'pump-2'" "machine"
            Expect.stringContains err "data.parquet: file not found" "cause"
        }
    ]
