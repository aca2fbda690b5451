module Gordo.Tests.Config.PropertyTests

open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

/// A generated config: YAML text built from random but valid pieces.
type GeneratedConfig = { Yaml: string }

let private name = Gen.elements [ "a"; "pump"; "comp-1"; "x9"; "line-b"; "z" ]
let private tag = Gen.elements [ "TAG-1"; "T 2"; "CT/3"; "'quoted'"; "1234"; "yes" ]

let private tagYaml (t: string) =
    if t = "'quoted'" then
        "\"'quoted'\""
    else
        sprintf "\"%s\"" t

let private optionalLine (lines: string list) = Gen.elements ("" :: lines)

let private machine (index: int) =
    gen {
        let! n = name
        let! tags = Gen.nonEmptyListOf tag
        let! day = Gen.choose (1, 27)

        let! resolution =
            optionalLine [
                "      resolution: 2T\n"
                "      resolution: null\n"
                "      resolution: 1H\n"
            ]

        let! runtime =
            optionalLine [
                "    runtime: {influx: {enable: false}}\n"
                "    runtime: {builder: {resources: {requests: {memory: 100}}}}\n"
            ]

        let! model =
            optionalLine [
                "    model: sklearn.preprocessing.MinMaxScaler\n"
                "    model: {sklearn.decomposition.PCA: {n_components: 2}}\n"
            ]

        let! metadata = optionalLine [ "    metadata: {owner: me, level: 3}\n" ]

        return
            sprintf
                "  - name: %s-%d\n%s%s%s    dataset:\n      tags: [%s]\n      train_start_date: 2020-01-%02dT00:00:00+00:00\n      train_end_date: 2020-02-01T00:00:00+01:00\n      data_provider: {type: RandomDataProvider}\n%s"
                n
                index
                model
                runtime
                metadata
                (tags |> List.map tagYaml |> String.concat ", ")
                day
                resolution
    }

let private configGen =
    gen {
        let! count = Gen.choose (1, 4)
        let! machines = [ 0 .. count - 1 ] |> Gen.collectToList machine

        let! globalDataset =
            optionalLine [
                "  dataset: {interpolation_limit: 8H}\n"
                "  dataset: {row_filter_buffer_size: 2}\n"
            ]

        let! globalEvaluation = optionalLine [ "  evaluation: {cv_mode: build_only}\n"; "  evaluation: {seed: 7}\n" ]
        let! globalRuntime = optionalLine [ "  runtime: {server: {resources: {limits: {memory: 100}}}}\n" ]

        return {
            Yaml =
                "globals:\n  model: sklearn.decomposition.PCA\n"
                + globalDataset
                + globalEvaluation
                + globalRuntime
                + "machines:\n"
                + String.concat "" machines
        }
    }

let private normalizedYaml (compilation: Compilation) =
    compilation.Normalized
    |> Option.map (Print.normalized >> Print.yaml)
    |> Option.get

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 60
}

[<Tests>]
let tests =
    testList "Config properties" [
        testPropertyWithConfig config "generated configs are valid"
        <| Prop.forAll (Arb.fromGen configGen) (fun generated ->
            let compilation = compile generated.Yaml
            Expect.isEmpty (errorCodes compilation) generated.Yaml)

        testPropertyWithConfig config "printing the normalized config and re-reading it gives the same AST"
        <| Prop.forAll (Arb.fromGen configGen) (fun generated ->
            let first = compile generated.Yaml
            let second = compile (normalizedYaml first)
            Expect.isEmpty (errorCodes second) "re-read cleanly"
            Expect.equal second.Project first.Project "same project")

        testPropertyWithConfig config "normalize is idempotent"
        <| Prop.forAll (Arb.fromGen configGen) (fun generated ->
            let once = normalizedYaml (compile generated.Yaml)
            let twice = normalizedYaml (compile once)
            Expect.equal twice once "same normalized text")
    ]
