/// The canonical dataset form (`dataset.to_dict()`, spec §1.5.3) in the `/metadata` reply: filled
/// in for artifacts written without it, and written by new builds; checked against the spec's
/// worked example (`test_machine_from_config`).
module Gordo.Tests.Server.CanonicalDatasetTests

open System.IO
open System.Text.Json
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Build
open Gordo.Models.Artifacts
open Gordo.Tests.Server.ServerFixture

let private tagList = [ "GRA-TE  -23-0733.PV"; "GRA-TT -23-0719.PV" ]

/// The worked example of spec §1.5.3, as JSON.
let private expected =
    """{"additional_tags": null, "aggregation_methods": "mean", "asset": "global-asset",
        "data_provider": {"max_size": 300, "min_size": 100, "type": "gordo_core.data_providers.providers.RandomDataProvider"},
        "default_tag": null, "filter_periods": {"filter_method": "median", "window": 72, "n_iqr": 1},
        "interpolation_limit": "48H", "interpolation_method": "linear_interpolation", "known_filter_periods": null,
        "n_samples_threshold": 0, "resolution": "10T", "row_filter": "", "row_filter_buffer_size": 0,
        "tag_list": ["GRA-TE  -23-0733.PV", "GRA-TT -23-0719.PV"], "target_tag_list": ["GRA-TE -123-456"],
        "train_end_date": "2018-01-02T09:00:30+00:00", "train_start_date": "2018-01-01T09:00:30+00:00",
        "type": "gordo_core.time_series.RandomDataset"}"""

/// The dataset as the example's machine wrote it (globals supplied the asset).
let private written =
    Value.Map [
        "type", Value.String "RandomDataset"
        "tags", Value.List(tagList |> List.map Value.String)
        "target_tag_list", Value.List [ Value.String "GRA-TE -123-456" ]
        "train_start_date", Value.String "2018-01-01T09:00:30Z"
        "train_end_date", Value.String "2018-01-02T09:00:30Z"
        "filter_periods",
        Value.Map [
            "filter_method", Value.String "median"
            "window", Value.Int 72L
            "n_iqr", Value.Int 1L
        ]
        "asset", Value.String "global-asset"
    ]

let private exampleConfig =
    """machines:
  - name: example
    dataset:
      type: RandomDataset
      tags: ["GRA-TE  -23-0733.PV", "GRA-TT -23-0719.PV"]
      target_tag_list: ["GRA-TE -123-456"]
      train_start_date: "2018-01-01T09:00:30Z"
      train_end_date: "2018-01-02T09:00:30Z"
      filter_periods: {filter_method: median, window: 72, n_iqr: 1}
      data_provider: {type: RandomDataProvider}
    model: sklearn.decomposition.PCA
globals:
  dataset:
    asset: global-asset
"""

/// JSON text with the keys of every object sorted (key order is not part of the form).
let rec private sorted (e: JsonElement) : string =
    match e.ValueKind with
    | JsonValueKind.Object ->
        let members = [
            for p in e.EnumerateObject() |> Seq.sortBy _.Name -> JsonSerializer.Serialize p.Name + ":" + sorted p.Value
        ]

        "{" + String.concat "," members + "}"
    | JsonValueKind.Array -> "[" + String.concat "," [ for x in e.EnumerateArray() -> sorted x ] + "]"
    | _ -> e.GetRawText()

/// Every key with its value as sorted JSON text.
let private entries (e: JsonElement) : (string * string) list =
    [ for p in e.EnumerateObject() -> p.Name, sorted p.Value ] |> List.sortBy fst

let private expectExample (actual: JsonElement) =
    let want = entries (JsonDocument.Parse(expected).RootElement)
    Expect.equal (List.map fst (entries actual)) (List.map fst want) "keys of the canonical dataset"
    Expect.equal (entries actual) want "values (defaults filled in, full class paths, ISO dates)"

[<Tests>]
let tests =
    testList "Server.CanonicalDataset" [
        test "an older artifact's /metadata dataset is served in the canonical form" {
            let root =
                Path.Combine(Path.GetTempPath(), "gordo-canonical", System.Guid.NewGuid().ToString("N"))

            let meta =
                Value.Map [
                    "name", Value.String "example"
                    "dataset", written
                    "project_name", Value.String "proj"
                ]

            Artifact.save (Path.Combine(root, "1", "example")) (scaler ()) meta

            let c =
                serveWith {
                    config (Path.Combine(root, "1")) with
                        ExpectedModels = [ "example" ]
                }

            let r = get c "/gordo/v0/proj/example/metadata"
            Expect.equal r.Status 200 r.Text
            let body = r.Json |> Option.defaultWith (fun () -> failtest "JSON expected")
            expectExample (body.GetProperty("metadata").GetProperty("dataset"))
        }
        test "a new build writes the canonical form into metadata.json" {
            let compilation =
                Compiler.compileText Compiler.defaultOptions "config.yaml" exampleConfig

            let errors = compilation.Diagnostics |> List.filter Diagnostic.isError
            Expect.equal (errors |> List.map (fun d -> d.Path + ": " + d.Message)) [] "the example compiles"
            let input = BuildInput.ofCompilation compilation |> List.exactlyOne
            let dataset = CanonicalDataset.ofTyped input.Dataset input.Machine.Dataset
            let json = JsonDocument.Parse(Gordo.Core.Config.Print.json dataset).RootElement
            expectExample json
        }
        test "the canonical form of a canonical form is itself" {
            let once = CanonicalDataset.ofValue written
            Expect.equal (CanonicalDataset.ofValue once) once "idempotent"
        }
    ]
