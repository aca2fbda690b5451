module Gordo.Tests.Config.NormalizeTests

open Expecto
open Gordo.Core
open Gordo.Core.Yaml
open Gordo.Core.Config
open Gordo.Tests.Support

let private raw (text: string) =
    match Document.parse "t.yaml" text with
    | Ok raw, _ -> raw
    | Error d, _ -> failtestf "%A" d

let private options = { DefaultDataProvider = None }

/// Runs the passes up to and including `pass` (passes later in the list need earlier ones).
let private runUpTo (pass: Pass) (text: string) =
    let project = Normalize.ofRaw (raw text)
    let index = Normalize.passes |> List.findIndex (fun p -> p.Name = pass.Name)

    Normalize.passes
    |> List.take (index + 1)
    |> List.fold (fun (p, ds) step -> let n, d = step.Run options p in n, ds @ d) (project, [])

let private at (path: string list) (node: Node) =
    path
    |> List.fold (fun n key -> n |> Option.bind (Node.tryGet key)) (Some node)
    |> Option.map Value.ofNode

[<Tests>]
let tests =
    testList "Config.Normalize" [
        test "default globals: influx resources follow the machine count (n=2: 3440/520, 3440/10040)" {
            let project, _ =
                Normalize.applyDefaultGlobals.Run options (Normalize.ofRaw (raw (configYaml [ "a"; "b" ])))

            let influx = at [ "runtime"; "influx"; "resources" ] project.Globals |> Option.get

            let get path =
                path |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some influx)

            Expect.equal (get [ "requests"; "memory" ]) (Some(Value.Int 3440L)) "requests.memory"
            Expect.equal (get [ "requests"; "cpu" ]) (Some(Value.Int 520L)) "requests.cpu"
            Expect.equal (get [ "limits"; "cpu" ]) (Some(Value.Int 10040L)) "limits.cpu"
        }
        test "user globals override defaults, and images default to gordo-dotnet" {
            let text =
                configYaml [ "a" ] + ""
                |> fun t ->
                    t.Replace("globals:\n", "globals:\n  runtime: {server: {resources: {requests: {memory: 1}}}}\n")

            let project, _ =
                Normalize.applyDefaultGlobals.Run options (Normalize.ofRaw (raw text))

            Expect.equal
                (at [ "runtime"; "server"; "resources"; "requests"; "memory" ] project.Globals)
                (Some(Value.Int 1L))
                "user value"

            Expect.equal
                (at [ "runtime"; "server"; "resources"; "limits"; "memory" ] project.Globals)
                (Some(Value.Int 6000L))
                "default kept"

            Expect.equal
                (at [ "runtime"; "builder"; "image" ] project.Globals)
                (Some(Value.String "gordo-dotnet"))
                "image"
        }
        test "limits below requests are raised, with a warning" {
            let text =
                (configYaml [ "a" ])
                    .Replace(
                        "globals:\n",
                        "globals:\n  runtime: {builder: {resources: {requests: {memory: 121}, limits: {memory: 100}}}}\n"
                    )

            let project, diagnostics = runUpTo Normalize.fixGlobalResources text

            Expect.equal
                (at [ "runtime"; "builder"; "resources"; "limits"; "memory" ] project.Globals)
                (Some(Value.Int 121L))
                "raised"

            Expect.equal (diagnostics |> List.map _.Code) [ "GORDO0128" ] "warning"
        }
        test "the machine model wins; else the global model; else 'model is empty'" {
            let text = configYaml [ "a"; "b" ]

            let text =
                text.Replace("  - name: b\n", "  - name: b\n    model: sklearn.preprocessing.MinMaxScaler\n")

            let project, _ = runUpTo Normalize.chooseModel text

            let models =
                project.Machines |> List.map (fun m -> m.Model |> Option.map Value.ofNode)

            Expect.equal
                models
                [
                    Some(Value.String "sklearn.decomposition.PCA")
                    Some(Value.String "sklearn.preprocessing.MinMaxScaler")
                ]
                "models"

            let _, diagnostics = runUpTo Normalize.chooseModel ("machines:\n" + machineYaml "a")
            Expect.equal (diagnostics |> List.map _.Code) [ "GORDO0119" ] "empty"
        }
        test "runtime: the machine overrides globals" {
            let text =
                (configYaml [ "a" ]).Replace("    dataset:\n", "    runtime: {influx: {enable: false}}\n    dataset:\n")

            let project, _ = runUpTo Normalize.mergeRuntime text
            let runtime = project.Machines.Head.Runtime |> Option.get
            Expect.equal (at [ "influx"; "enable" ] runtime) (Some(Value.Bool false)) "machine"
            Expect.equal (at [ "server"; "image" ] runtime) (Some(Value.String "gordo-dotnet")) "global"
        }
        test "dataset: globals override the machine, with a warning naming the key" {
            let text =
                (configYaml [ "a" ])
                    .Replace("globals:\n", "globals:\n  dataset: {resolution: 2T, asset: x}\n")
                    .Replace("      data_provider", "      resolution: 10T\n      data_provider")

            let project, diagnostics = runUpTo Normalize.mergeDataset text
            let dataset = project.Machines.Head.Dataset |> Option.get
            Expect.equal (at [ "resolution" ] dataset) (Some(Value.String "2T")) "globals win"
            Expect.equal (at [ "asset" ] dataset) (Some(Value.String "x")) "added"
            Expect.equal (at [ "tag_list" ] dataset |> Option.isSome) true "tags renamed to tag_list"

            Expect.equal
                (diagnostics |> List.map (fun d -> d.Code, d.Message.Contains "resolution"))
                [ "GORDO0120", true ]
                "warning"
        }
        test "large projects (merged on every core) keep the machines and their warnings in order" {
            let names = [ for i in 1..300 -> $"m-%d{i}" ]

            let text =
                (configYaml names)
                    .Replace("globals:\n", "globals:\n  dataset: {resolution: 2T}\n")
                    .Replace("      data_provider", "      resolution: 10T\n      data_provider")

            let project, diagnostics = runUpTo Normalize.mergeDataset text

            let machineNames =
                project.Machines |> List.map (fun m -> m.Raw.Name |> Option.map _.Path)

            Expect.equal machineNames [ for i in 0..299 -> Some $"machines[%d{i}].name" ] "machine order"

            Expect.equal
                (diagnostics |> List.map _.Position.Line)
                (diagnostics |> List.map _.Position.Line |> List.sort)
                "warnings in machine order"

            Expect.equal diagnostics.Length 300 "one warning per machine"
        }
        test "evaluation: a global cv_mode is honoured (Gordo drops it)" {
            let text =
                (configYaml [ "a" ]).Replace("globals:\n", "globals:\n  evaluation: {cv_mode: cross_val_only}\n")

            let project, _ = runUpTo Normalize.mergeEvaluation text

            Expect.equal
                (at [ "cv_mode" ] (project.Machines.Head.Evaluation |> Option.get))
                (Some(Value.String "cross_val_only"))
                "global"
        }
        test "the default data provider fills datasets that name none" {
            let text =
                (configYaml [ "a" ]).Replace("      data_provider: {type: RandomDataProvider}\n", "")

            let project, _ =
                Normalize.defaultDataProvider.Run
                    {
                        DefaultDataProvider = Some "RandomDataProvider"
                    }
                    (Normalize.ofRaw (raw text))

            Expect.equal
                (at [ "data_provider"; "type" ] (project.Machines.Head.Dataset |> Option.get))
                (Some(Value.String "RandomDataProvider"))
                "filled"
        }
        test "config normalize prints each dataset as Gordo's dataset.to_dict(), every default filled in" {
            let compilation = compile (configYaml [ "a" ])
            let printed = Print.normalized compilation.Normalized.Value

            let dataset =
                match Value.tryGet "machines" printed with
                | Some(Value.List [ machine ]) -> Value.tryGet "dataset" machine |> Option.get
                | other -> failwithf "one machine expected: %A" other

            let get key = Value.tryGet key dataset

            Expect.equal (get "type") (Some(Value.String "gordo_core.time_series.TimeSeriesDataset")) "type"
            Expect.equal (get "interpolation_method") (Some(Value.String "linear_interpolation")) "interpolation"
            Expect.equal (get "interpolation_limit") (Some(Value.String "48H")) "limit"
            Expect.equal (get "aggregation_methods") (Some(Value.String "mean")) "aggregation"
            Expect.equal (get "resolution") (Some(Value.String "10T")) "resolution"
            Expect.equal (get "target_tag_list") (Some Value.Null) "target tags"
            Expect.equal (get "train_start_date") (Some(Value.String "2020-01-01T00:00:00+00:00")) "ISO date"

            Expect.equal
                (get "data_provider" |> Option.bind (Value.tryGet "max_size"))
                (Some(Value.Int 300L))
                "the provider's defaults"

            let reread = compile (Print.yaml printed)
            Expect.isEmpty (errorCodes reread) "reads back"
            Expect.equal reread.Project compilation.Project "the same project"
        }
    ]
