module Gordo.Tests.Config.FuzzTests

open System
open Expecto
open FsCheck.FSharp
open Gordo.Tests.Support
open Gordo.Tests.Config.ConfigFuzz

let private corpus = lazy (seeds conformanceConfigs |> Map.ofList)

/// Per case; a hang is a case that takes longer (one compile takes milliseconds).
let private timeout = TimeSpan.FromSeconds 10.0

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 1_000
}

let private check (case: Case) =
    match compile timeout (render corpus.Value.[case.Seed] case) with
    | Compiled -> ()
    | Crashed e -> failtestf "compiling %A threw %s" case (string e)
    | Hung -> failtestf "compiling %A did not end within %O" case timeout

/// Cases the fuzzer found, each fixed in Gordo.Core.
let private regressions = [
    // "did you mean" compared a 1 MB model class name with every catalog path (minutes).
    "a huge unknown model class",
    {
        Seed = "tests__gordo__workflow__test_workflow_generator__data__config-test-datasource.yml"
        Mutations = [ HugeScalar(1040867810, 1_000_000, false) ]
    }
    "a huge unknown key",
    {
        Seed = "examples__config.yaml"
        Mutations = [ HugeScalar(20, 1_000_000, true) ]
    }
]

[<Tests>]
let tests =
    testList "Config fuzzing" [
        for name, case in regressions do
            test $"regression: %s{name}" { check case }

        testPropertyWithConfig config "1,000 mutated conformance configs: a Compilation every time, in time"
        <| Prop.forAll (Arb.fromGen (cases (corpus.Value.Keys |> List.ofSeq))) check
    ]
