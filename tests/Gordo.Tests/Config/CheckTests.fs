module Gordo.Tests.Config.CheckTests

open System.Text.RegularExpressions
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

let private withDataset (extra: string) (text: string) =
    text.Replace("      data_provider:", extra + "\n      data_provider:")

let private single (code: string) (compilation: Compilation) =
    let found = compilation.Diagnostics |> List.filter (fun d -> d.Code = code)
    Expect.equal found.Length 1 (sprintf "one %s in %A" code compilation.Diagnostics)
    found.Head

/// Gordo's name rule as the regular expression it is written as.
let private urlPattern =
    Regex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$")

let private nameLike =
    Gen.elements [ 'a'; 'z'; '0'; '9'; '-'; '.'; 'A'; '_'; '\n'; ' ' ]
    |> Gen.listOf
    |> Gen.map (List.toArray >> System.String)
    |> Arb.fromGen

[<Tests>]
let tests =
    testList "Config.Check" [
        testPropertyWithConfig
            {
                FsCheckConfig.defaultConfig with
                    maxTest = 5000
            }
            "the URL name rule accepts exactly what Gordo's regular expression accepts"
            (fun () -> Prop.forAll nameLike (fun name -> Check.isUrlValue name = urlPattern.IsMatch name))
        test "a valid config compiles to a typed project" {
            let compilation = compile (configYaml [ "pump-1"; "pump-2" ])
            Expect.isEmpty compilation.Diagnostics "clean"
            let project = compilation.Project |> Option.get
            let machine = project.Machines.Head
            Expect.equal machine.Name "pump-1" "name"
            Expect.equal machine.Dataset.TagList [ Tag.Name "TAG-1"; Tag.Name "TAG-2" ] "tags"
            Expect.equal machine.Dataset.Resolution (Some "10T") "default resolution"
            Expect.equal machine.Dataset.InterpolationLimit (Some "48H") "default limit"
            Expect.equal machine.Evaluation.CvMode CvMode.FullBuild "cv mode"
            Expect.equal machine.Evaluation.Metrics.Length 4 "default metrics"
        }
        test "all problems are reported at once, each with its own position" {
            let text =
                (configYaml [ "Bad_Name"; "ok"; "ok" ])
                    .Replace("train_end_date: 2020-02-01T00:00:00+00:00", "train_end_date: 2019-02-01T00:00:00+00:00")

            let compilation = compile text
            let errors = errorCodes compilation
            Expect.contains errors "GORDO0103" "invalid name"
            Expect.contains errors "GORDO0106" "duplicate"
            Expect.equal (errors |> List.filter ((=) "GORDO0109")).Length 3 "start >= end for each machine"
        }
        test "the host rule: project + machine name longer than 50 chars" {
            let name = String.replicate 45 "a"

            let compilation =
                Compiler.compileText
                    {
                        Compiler.defaultOptions with
                            ProjectName = Some "project-x"
                    }
                    "t.yaml"
                    (configYaml [ name ])

            Expect.equal (single "GORDO0105" compilation).Path "machines[0].name" "at the name"
        }
        test "names longer than 63 chars" {
            single "GORDO0104" (compile (configYaml [ String.replicate 64 "a" ])) |> ignore
        }
        test "missing and empty tags" {
            single "GORDO0110" (compile ((configYaml [ "a" ]).Replace("tags: [TAG-1, TAG-2]", "tags: []")))
            |> ignore

            single "GORDO0101" (compile ((configYaml [ "a" ]).Replace("      tags: [TAG-1, TAG-2]\n", "")))
            |> ignore
        }
        test "tags as mappings keep their fields" {
            let project =
                (compile ((configYaml [ "a" ]).Replace("[TAG-1, TAG-2]", "[{name: T1, asset: a1}, T2]"))).Project.Value

            Expect.equal
                project.Machines.Head.Dataset.TagList
                [
                    Tag.Sensor {
                        Name = "T1"
                        Fields = [ "asset", "a1" ]
                    }
                    Tag.Name "T2"
                ]
                "tags"
        }
        test "a string where a number belongs is a type error at that value" {
            let d =
                single "GORDO0100" (compile (withDataset "      row_filter_buffer_size: lots" (configYaml [ "a" ])))

            Expect.equal d.Path "machines[0].dataset.row_filter_buffer_size" "path"
            Expect.stringContains d.Message "an integer" "what was expected"
        }
        test "unknown keys warn with a did-you-mean" {
            let d =
                single "GORDO0118" (compile (withDataset "      resolutoin: 10T" (configYaml [ "a" ])))

            Expect.equal d.Severity Severity.Warning "warning"
            Expect.equal d.Hint (Some "did you mean 'resolution'?") "suggestion"
        }
        test "invalid interpolation method" {
            single "GORDO0113" (compile (withDataset "      interpolation_method: cubic" (configYaml [ "a" ])))
            |> ignore
        }
        test "unknown data provider, with a suggestion" {
            let text =
                (configYaml [ "a" ]).Replace("type: RandomDataProvider", "type: RandomDataProvidr")

            let d = single "GORDO0117" (compile text)
            Expect.equal d.Hint (Some "did you mean 'RandomDataProvider'?") "hint"
        }
        test "unknown model class and unknown parameter, with suggestions" {
            let text =
                (configYaml [ "a" ])
                    .Replace("model: sklearn.decomposition.PCA", "model: {sklearn.decomposition.PCA: {n_component: 2}}")

            let d = single "GORDO0201" (compile text)
            Expect.equal d.Hint (Some "did you mean 'n_components'?") "param hint"

            let text =
                (configYaml [ "a" ]).Replace("sklearn.decomposition.PCA", "sklearn.decomposition.PCB")

            single "GORDO0200" (compile text) |> ignore
        }
        test "model parameter types are checked" {
            let text =
                (configYaml [ "a" ])
                    .Replace("model: sklearn.decomposition.PCA", "model: {sklearn.decomposition.PCA: {whiten: maybe}}")

            let d = single "GORDO0202" (compile text)
            Expect.stringContains d.Message "a boolean" "expected type"
        }
        test "a RandomForestRegressor criterion that is not implemented is a validate error" {
            let text =
                (configYaml [ "a" ])
                    .Replace(
                        "model: sklearn.decomposition.PCA",
                        "model: {sklearn.ensemble.RandomForestRegressor: {criterion: poisson}}"
                    )

            let d = single "GORDO0202" (compile text)
            Expect.stringContains d.Message "squared_error" "the supported value"
        }
        test "forest and agglomeration parameters the models lack are validate errors; their defaults pass" {
            let withModel (model: string) =
                (configYaml [ "a" ]).Replace("model: sklearn.decomposition.PCA", "model: " + model)

            for model, named in
                [
                    "{sklearn.ensemble.RandomForestRegressor: {max_leaf_nodes: 10}}", "use max_depth"
                    "{sklearn.ensemble.RandomForestRegressor: {ccp_alpha: 0.1}}", "pruning"
                    "{sklearn.cluster.FeatureAgglomeration: {connectivity: [[1]]}}", "connectivity"
                    "{sklearn.cluster.FeatureAgglomeration: {metric: cosine}}", "euclidean"
                ] do
                let d = single "GORDO0202" (compile (withModel model))
                Expect.stringContains d.Message named model

            for model in
                [
                    "{sklearn.ensemble.RandomForestRegressor: {max_leaf_nodes: null, ccp_alpha: 0}}"
                    "{sklearn.cluster.FeatureAgglomeration: {connectivity: null, metric: l2}}"
                ] do
                let errors =
                    (compile (withModel model)).Diagnostics |> List.filter Diagnostic.isError

                Expect.isEmpty errors model
        }
        test "nested estimators, list forms and literals are elaborated" {
            let model =
                """
  model:
    sklearn.pipeline.Pipeline:
      steps:
        - sklearn.preprocessing.MinMaxScaler
        - sklearn.pipeline.FeatureUnion:
            - sklearn.decomposition.PCA: {n_components: 3}
            - sklearn.pipeline.Pipeline:
                - sklearn.preprocessing.MinMaxScaler
        - sklearn.multioutput.MultiOutputRegressor: {estimator: sklearn.linear_model.LinearRegression}
"""

            let text =
                (configYaml [ "a" ]).Replace("\n  model: sklearn.decomposition.PCA", model)

            let compilation = compile text
            Expect.isEmpty compilation.Diagnostics "clean"
            let spec = compilation.Project.Value.Machines.Head.Model

            Expect.equal
                (Specs.ModelSpec.classPaths spec)
                [
                    "sklearn.pipeline.Pipeline"
                    "sklearn.preprocessing.MinMaxScaler"
                    "sklearn.pipeline.FeatureUnion"
                    "sklearn.decomposition.PCA"
                    "sklearn.pipeline.Pipeline"
                    "sklearn.preprocessing.MinMaxScaler"
                    "sklearn.multioutput.MultiOutputRegressor"
                    "sklearn.linear_model.LinearRegression"
                ]
                "every class"
        }
        test "unknown bare string steps are errors, drop and passthrough are not" {
            let text =
                (configYaml [ "a" ])
                    .Replace("model: sklearn.decomposition.PCA", "model: {sklearn.pipeline.Pipeline: [drop, scaler]}")

            let d = single "GORDO0200" (compile text)
            Expect.stringContains d.Message "'scaler'" "names the step"
        }
        test "the evaluation cv must be a splitter" {
            let text =
                (configYaml [ "a" ]).Replace("globals:\n", "globals:\n  evaluation: {cv: sklearn.decomposition.PCA}\n")

            single "GORDO0207" (compile text) |> ignore
        }
    ]
