namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Gordo's DEFAULT_CONFIG_GLOBALS with the derived defaults (spec §1.4).
[<RequireQualifiedAccess>]
module internal Defaults =
    /// The default globals as Gordo 6 writes them, with this project's `gordo-dotnet` image for
    /// every component (Gordo's is `gordo-base`).
    let private globalsText =
        """
runtime:
  reporters: []
  server:
    image: gordo-dotnet
    resources: {requests: {memory: 3000, cpu: 1000}, limits: {memory: 6000, cpu: 2000}}
  prometheus_metrics_server:
    image: gordo-dotnet
    resources: {requests: {memory: 200, cpu: 100}, limits: {memory: 1000, cpu: 200}}
  builder:
    image: gordo-dotnet
    resources: {requests: {memory: 3900, cpu: 1001}, limits: {memory: 31200, cpu: 1001}}
    remote_logging: {enable: false}
  client:
    image: gordo-dotnet
    resources: {requests: {memory: 3500, cpu: 100}, limits: {memory: 4000, cpu: 2000}}
    max_instances: 30
  influx:
    enable: true
  deployer:
    image: gordo-dotnet
evaluation:
  cv_mode: full_build
  scoring_scaler: sklearn.preprocessing.MinMaxScaler
  metrics: [explained_variance_score, r2_score, mean_squared_error, mean_absolute_error]
"""

    let private parseDefault (text: string) : Node =
        match Parse.text "<defaults>" (fun _ _ -> Position.none) Parse.defaultLimits false text with
        | Ok(Some node, _) -> node
        | _ -> invalidOp "the built-in defaults do not parse"

    /// Influx resources for a config of `machines` machines (spec §1.4).
    let influxResources (machines: int) : int * int * int * int =
        let n = machines
        min (3000 + 220 * n) 28000, min (500 + 10 * n) 4000, min (3000 + 220 * n) 48000, 10000 + 20 * n

    /// The default globals for a config with `machines` machines.
    let globals (machines: int) : Node =
        let requestMemory, requestCpu, limitMemory, limitCpu = influxResources machines

        let influx =
            sprintf
                "runtime: {influx: {resources: {requests: {memory: %d, cpu: %d}, limits: {memory: %d, cpu: %d}}}}"
                requestMemory
                requestCpu
                limitMemory
                limitCpu

        Merge.node (parseDefault globalsText) (parseDefault influx)

    /// The evaluation `cv` default: TimeSeriesSplit with 3 splits.
    let cv: Node = parseDefault "sklearn.model_selection.TimeSeriesSplit: {n_splits: 3}"
