module Gordo.Tests.Models.ModelContextTests

open Expecto
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Composition
open Gordo.Models.Definitions

let private spec (text: string) : ModelSpec =
    match Yaml.Parse.text "test.yaml" (Yaml.Parse.fileMap "test.yaml") Yaml.Parse.defaultLimits false text with
    | Ok(Some node, _) -> SpecValue.toSpec (Value.ofNode node)
    | other -> failwithf "%A" other

/// A detector over a pipeline that ends in a network, and a ColumnTransformer selecting by name.
let private detector =
    spec
        """
gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
  base_estimator:
    sklearn.pipeline.Pipeline:
      steps:
        - sklearn.compose.ColumnTransformer:
            transformers:
              - [scaled, sklearn.preprocessing.MinMaxScaler, [b, a]]
        - gordo.machine.model.models.KerasAutoEncoder:
            kind: feedforward_hourglass
"""

let private byName =
    spec
        """
sklearn.compose.ColumnTransformer:
  transformers:
    - [scaled, sklearn.preprocessing.MinMaxScaler, [b, a]]
"""

let private context = {
    Seed = 1234
    InputNames = [| "a"; "b"; "c" |]
    TargetNames = [| "a"; "b" |]
}

let rec private all (model: Estimator) : Estimator list =
    model :: (model.Children |> List.collect all)

let private network (model: Estimator) =
    all model |> List.pick (fun m -> m |> tryUnbox<Networks.KerasNetwork>)

let private columns (model: Estimator) =
    all model |> List.pick (fun m -> m |> tryUnbox<ColumnTransformer>)

[<Tests>]
let tests =
    testList "Models.ModelContext" [
        test "a model built in a context carries its seed, target and input names" {
            let model = Definition.build context detector
            Expect.equal (network model).Seed 1234 "the nested network is seeded"
            Expect.equal (model :?> DiffDetector).TargetNames [| "a"; "b" |] "the detector names its targets"
            Expect.equal (columns model).ColumnNames [| "a"; "b"; "c" |] "the first step knows X's names"
        }
        test "a clone keeps what the context gave the network" {
            let model = Definition.build context detector
            Expect.equal (network (model.Clone())).Seed 1234 "the clone's network is seeded"
        }
        test "the empty context is what a definition alone builds" {
            let model = Definition.fromSpec detector
            Expect.equal (network model).Seed 0 "seed 0"
            Expect.isEmpty (model :?> DiffDetector).TargetNames "no target names"
            Expect.isEmpty (columns model).ColumnNames "no input names"
        }
        test "the context does not change the definition" {
            Expect.equal
                (Definition.intoValue (Definition.build context detector))
                (Definition.intoValue (Definition.fromSpec detector))
                "same expanded definition"
        }
        test "names bound at construction select the columns when fitting" {
            let x =
                Matrix.ofColumns [| [| 0.0; 1.0; 2.0 |]; [| 10.0; 20.0; 40.0 |]; [| 5.0; 5.0; 5.0 |] |]

            let transformer = Definition.build context byName

            transformer.Fit(x, x)
            let out = transformer.Transform x

            let column j =
                Matrix.column j out |> Array.map (fun v -> System.Math.Round(v, 12))

            Expect.equal (Matrix.cols out) 2 "c is dropped"
            Expect.equal (column 0) [| 0.0; 0.333333333333; 1.0 |] "column b first"
            Expect.equal (column 1) [| 0.0; 0.5; 1.0 |] "then column a"
        }
    ]
