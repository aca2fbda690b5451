module Gordo.Tests.Builder.BuildInputTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Models
open Gordo.Models.Definitions
open Gordo.Build
open Gordo.Tests.Support
open Gordo.Tests.Config

/// Compares with (or, with GORDO_UPDATE_GOLDEN=1, writes) a golden file under Builder/golden.
let private golden (name: string) (text: string) =
    let path = Path.Combine(__SOURCE_DIRECTORY__, "golden", name + ".gold.yaml")

    if Environment.GetEnvironmentVariable "GORDO_UPDATE_GOLDEN" = "1" then
        Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
        File.WriteAllText(path, text)

    Expect.isTrue (File.Exists path) $"golden file %s{path} exists (run with GORDO_UPDATE_GOLDEN=1 to create it)"
    Expect.equal text (File.ReadAllText path) $"build inputs equal %s{name}.gold.yaml"

/// Every network in a model tree with the seed it was built with.
let rec private networkSeeds (model: Estimator) : Value list =
    let own =
        match model with
        | :? Networks.KerasNetwork as k -> [ Value.List [ Value.String k.ClassPath; Value.Int(int64 k.Seed) ] ]
        | _ -> []

    own @ (model.Children |> List.collect networkSeeds)

/// What the builder starts from for one machine: the compiled model and the recorded sections.
let private describe (input: BuildInput) : Value =
    let model =
        match ModelBuilder.compile input.Machine with
        | Ok m -> m
        | Error e -> failwithf "%s: the model does not compile: %s" input.Machine.Name e.Message

    Value.Map [
        "name", Value.String input.Machine.Name
        "project_name", Value.String input.Machine.ProjectName
        "model", Definition.intoValue model
        "network_seeds", Value.List(networkSeeds model)
        "dataset", input.Dataset
        "evaluation", input.Evaluation
        "runtime", input.Runtime
    ]

/// The conformance configs that compile, with the data provider their row needs.
let private validConfigs () =
    ConformanceTests.rows ()
    |> List.choose (fun row ->
        if row.Valid then
            Some(row.File, None)
        elif row.ValidWithDefaultProvider then
            Some(row.File, Some "RandomDataProvider")
        else
            None)

let private goldenTest (file: string, provider: string option) =
    test file {
        let compilation =
            Compiler.compileFile
                {
                    ProjectName = Some "test-proj-name"
                    DefaultDataProvider = provider
                }
                (Path.Combine(conformanceConfigs, file))

        Expect.isEmpty (errorCodes compilation) $"%s{file} compiles"
        let inputs = BuildInput.ofCompilation compilation
        Expect.isNonEmpty inputs "one build input per machine"

        let name =
            (Path.GetFileNameWithoutExtension file)
                .Replace("tests__gordo__workflow__test_workflow_generator__data__", "")

        golden name (Print.yaml (Value.List(inputs |> List.map describe)))
    }

/// A machine with networks at two depths and an evaluation seed.
let private seededConfig =
    """machines:
  - name: seeded
    dataset:
      tags: [TAG-1, TAG-2]
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-02-01T00:00:00+00:00
      data_provider: {type: RandomDataProvider}
    evaluation:
      seed: 1234
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - gordo.machine.model.models.KerasAutoEncoder:
                  kind: feedforward_hourglass
"""

/// Two machines under global evaluation and runtime; the second overrides both.
let private sharedConfig =
    "globals:\n  model: sklearn.decomposition.PCA\n  evaluation: {seed: 7}\n  runtime: {log_level: debug}\nmachines:\n"
    + machineYaml "m-1"
    + machineYaml "m-2"
    + "    evaluation: {cv_mode: build_only}\n    runtime: {server: {resources: {limits: {memory: 900}}}}\n"

let private plain (node: Gordo.Core.Yaml.Node option) =
    node |> Option.map Value.ofNode |> Option.defaultValue (Value.Map [])

[<Tests>]
let tests =
    testList "Build inputs" [
        test "machines compiled twice from one text are equal" {
            let machines () =
                (compile sharedConfig).Project.Value.Machines

            Expect.equal (machines ()) (machines ()) "structural equality through the normalized sections"
        }
        test "normalized sections are equal and ordered by their three values" {
            let sections (runtime: int64) =
                NormalizedSections(lazy (Value.Map []), lazy (Value.Int 1L), lazy (Value.Int runtime))

            Expect.equal (sections 1L) (sections 1L) "same values"
            Expect.notEqual (sections 1L) (sections 2L) "the runtime differs"
            Expect.equal (hash (sections 1L)) (hash (sections 1L)) "same hash"
            Expect.isLessThan (compare (sections 1L) (sections 2L)) 0 "ordered by value"
        }
        test "each machine carries the sections of its own normalized tree" {
            let compilation = compile sharedConfig
            Expect.isEmpty (errorCodes compilation) "the config compiles"
            let trees = compilation.Normalized.Value.Machines
            let inputs = BuildInput.ofCompilation compilation
            Expect.equal inputs.Length 2 "two machines"

            for input, tree in List.zip inputs trees do
                Expect.equal
                    input.Dataset
                    (CanonicalDataset.ofValue (plain tree.Dataset))
                    $"%s{input.Machine.Name} dataset, as Gordo's to_dict()"

                Expect.equal input.Evaluation (plain tree.Evaluation) $"%s{input.Machine.Name} evaluation"
                Expect.equal input.Runtime (plain tree.Runtime) $"%s{input.Machine.Name} runtime"
                Expect.equal (BuildInput.ofMachine input.Machine) input "ofMachine gives the same input"

            let seeds = inputs |> List.map (fun i -> Value.tryGet "seed" i.Evaluation)
            Expect.equal seeds [ Some(Value.Int 7L); Some(Value.Int 7L) ] "the global evaluation reaches both"
            let modes = inputs |> List.map (fun i -> Value.tryGet "cv_mode" i.Evaluation)

            Expect.equal
                modes
                [ Some(Value.String "full_build"); Some(Value.String "build_only") ]
                "the machine's own evaluation wins"
        }
        test "the compiled model's networks carry the evaluation seed" {
            match BuildInput.ofCompilation (compile seededConfig) with
            | [ input ] ->
                let model =
                    ModelBuilder.compile input.Machine
                    |> Result.defaultWith (fun e -> failwith e.Message)

                Expect.equal
                    (networkSeeds model)
                    [
                        Value.List [ Value.String "gordo.machine.model.models.KerasAutoEncoder"; Value.Int 1234L ]
                    ]
                    "the nested network is seeded"
            | other -> failtestf "one build input expected, got %d" other.Length
        }
        testList
            "conformance configs build from what they did (Builder/golden)"
            (validConfigs () |> List.map goldenTest)
    ]
