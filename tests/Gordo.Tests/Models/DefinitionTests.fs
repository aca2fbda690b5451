module Gordo.Tests.Models.DefinitionTests

open Expecto
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Definitions

let private yaml (text: string) : ModelSpec =
    match
        Gordo.Core.Yaml.Parse.text
            "test.yaml"
            (Gordo.Core.Yaml.Parse.fileMap "test.yaml")
            Gordo.Core.Yaml.Parse.defaultLimits
            false
            text
    with
    | Ok(Some node, _) ->
        let spec, diagnostics = Elaborate.model node
        Expect.isEmpty diagnostics "the test definition is valid"
        spec
    | other -> failwithf "%A" other

let private pipelineYaml =
    """
sklearn.pipeline.Pipeline:
  steps:
    - sklearn.preprocessing.MinMaxScaler
    - sklearn.decomposition.PCA: {n_components: 2}
    - sklearn.pipeline.FeatureUnion:
        - sklearn.preprocessing.StandardScaler
        - sklearn.pipeline.Pipeline:
            - sklearn.preprocessing.RobustScaler
"""

[<Tests>]
let tests =
    testList "Models.Definitions" [
        test "into_definition expands every default under the defining module path" {
            let model = Definition.create "sklearn.preprocessing.MinMaxScaler" []

            let expected =
                Value.Map [
                    "sklearn.preprocessing._data.MinMaxScaler",
                    Value.Map [
                        "feature_range", Value.List [ Value.Int 0L; Value.Int 1L ]
                        "copy", Value.Bool true
                        "clip", Value.Bool false
                    ]
                ]

            Expect.equal (Definition.intoValue model) expected "expanded definition"
        }
        test "a YAML pipeline builds, and into(from(into(p))) is stable" {
            let model = Definition.fromSpec (yaml pipelineYaml)
            let first = Definition.intoValue model
            let second = Definition.intoValue (Definition.fromValue first)
            Expect.equal second first "round trip"

            match first with
            | Value.Map [ "sklearn.pipeline.Pipeline", Value.Map parameters ] ->
                Expect.equal (parameters |> List.map fst) [ "steps"; "memory"; "verbose" ] "pipeline parameters"
            | other -> failtestf "unexpected %A" other
        }
        test "multiply_by is written back as its dotted path" {
            let spec =
                yaml
                    """
sklearn.preprocessing.FunctionTransformer:
  func: gordo.machine.model.transformer_funcs.general.multiply_by
  kw_args: {factor: 2}
"""

            let model = Definition.fromSpec spec
            let x = array2D [ [ 1.0; 2.0 ] ]
            model.Fit(x, x)
            Expect.equal (model.Transform x) (array2D [ [ 2.0; 4.0 ] ]) "doubled"

            match Definition.intoValue model with
            | Value.Map [ _, Value.Map parameters ] ->
                Expect.equal
                    (parameters |> List.find (fst >> (=) "func") |> snd)
                    (Value.String "gordo.machine.model.transformer_funcs.general.multiply_by")
                    "func path"
            | other -> failtestf "unexpected %A" other
        }
        test "PCA rejects NaN with an explained error" {
            let pca = Definition.create "sklearn.decomposition.PCA" []
            let x = array2D [ [ 1.0; nan ]; [ 2.0; 3.0 ] ]
            Expect.throwsT<ModelInputException> (fun () -> pca.Fit(x, x)) "NaN in X"
        }
        test "PCA n_components larger than the data allows is a specific error" {
            let pca =
                Definition.create "sklearn.decomposition.PCA" [ "n_components", Value.Int 5L ]

            let x = array2D [ [ 1.0; 2.0 ]; [ 2.0; 3.0 ]; [ 4.0; 1.0 ] ]
            Expect.throwsT<ModelInputException> (fun () -> pca.Fit(x, x)) "n_components > min(n, p)"
        }
        test "wrong feature count at transform time is a specific error" {
            let scaler = Definition.create "sklearn.preprocessing.StandardScaler" []
            let x = array2D [ [ 1.0; 2.0 ]; [ 2.0; 3.0 ] ]
            scaler.Fit(x, x)

            Expect.throwsT<ModelInputException>
                (fun () -> scaler.Transform(array2D [ [ 1.0 ] ]) |> ignore)
                "1 vs 2 features"
        }
        test "zero-variance columns scale to zero, as scikit-learn" {
            let scaler = Definition.create "sklearn.preprocessing.StandardScaler" []
            let x = array2D [ [ 5.0 ]; [ 5.0 ]; [ 5.0 ] ]
            scaler.Fit(x, x)
            Expect.equal (scaler.Transform x) (array2D [ [ 0.0 ]; [ 0.0 ]; [ 0.0 ] ]) "constant column"
        }
        test "InfImputer minmax replaces ±inf by max+delta / min−delta" {
            let imputer =
                Definition.create "gordo.machine.model.transformers.imputer.InfImputer" []

            let x = array2D [ [ 1.0; infinity ]; [ -infinity; 4.0 ]; [ 3.0; -2.0 ] ]
            imputer.Fit(x, x)
            Expect.equal (imputer.Transform x) (array2D [ [ 1.0; 6.0 ]; [ -1.0; 4.0 ]; [ 3.0; -2.0 ] ]) "filled"
        }
    ]
