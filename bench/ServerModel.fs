/// The model the server benchmarks load (bench/server/run.sh builds the same one through the CLI):
/// DiffBasedAnomalyDetector(Pipeline(MinMaxScaler, feedforward_hourglass)) over 10 tags.
[<RequireQualifiedAccess>]
module ServerModel

open Gordo.Core

/// The server benchmark's tags (10, as bench/server/run.sh).
let tags = Array.init 10 (fun j -> $"tag-%d{j}")

/// The model definition, one epoch.
let definition =
    let autoEncoder =
        Value.Map [
            "gordo.machine.model.models.KerasAutoEncoder",
            Value.Map [ "kind", Value.String "feedforward_hourglass"; "epochs", Value.Int 1L ]
        ]

    Value.Map [
        "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
        Value.Map [
            "base_estimator",
            Value.Map [
                "sklearn.pipeline.Pipeline",
                Value.List [ Value.String "sklearn.preprocessing.MinMaxScaler"; autoEncoder ]
            ]
        ]
    ]

/// The metadata saved with a model: its name, tags and resolution.
let metadata (name: string) =
    Value.Map [
        "name", Value.String name
        "dataset",
        Value.Map [
            "tag_list", Value.List(tags |> Array.map Value.String |> List.ofArray)
            "resolution", Value.String "10T"
        ]
    ]
