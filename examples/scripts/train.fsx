// Fit a Gordo model definition on generated data in FSI and print the anomaly table.
//   dotnet fsi examples/scripts/train.fsx      (after `dotnet fsi build.fsx build`)
// The definition is the `model:` section of a Gordo config; this one predicts a target tag from
// three input tags (no neural network, so the script needs no native libtorch).

#r "nuget: MathNet.Numerics, 5.0.0"
#r "nuget: YamlDotNet, 18.1.0"
#r "../../src/Gordo.Core/bin/Release/net10.0/Gordo.Core.dll"
#r "../../src/Gordo.Models/bin/Release/net10.0/Gordo.Models.dll"

open System
open Gordo.Core.Specs
open Gordo.Core.Yaml
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Definitions

let definition =
    """
gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
  base_estimator:
    sklearn.pipeline.Pipeline:
      steps:
        - sklearn.preprocessing.MinMaxScaler
        - sklearn.linear_model.LinearRegression
  window: 12
  smoothing_method: smm
"""

let spec =
    match Parse.text "model.yaml" (Parse.fileMap "model.yaml") Parse.defaultLimits false definition with
    | Ok(Some node, _) ->
        match Elaborate.model node with
        | spec, [] -> spec
        | _, diagnostics -> invalidOp $"invalid definition: %A{diagnostics}"
    | other -> invalidOp $"cannot parse the definition: %A{other}"

// 500 rows at 10-minute resolution: three input tags and a target that follows them, with an
// anomaly injected near the end.
let rows = 500
let random = Random(42)
let start = DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)
let index = Array.init rows (fun i -> start.AddMinutes(10.0 * float i))

let x =
    Array2D.init rows 3 (fun i j -> sin (float i / (20.0 + 7.0 * float j)) + 0.05 * random.NextDouble())

let y =
    Array2D.init rows 1 (fun i _ ->
        let anomaly = if i >= 470 && i < 480 then 0.8 else 0.0

        2.0 * x.[i, 0] - x.[i, 1]
        + 0.5 * x.[i, 2]
        + 0.02 * random.NextDouble()
        + anomaly)

let train = [| 0..399 |]
let model = Definition.fromSpec spec :?> DiffDetector
model.TargetNames <- [| "target" |]

model.CrossValidate(Matrix.takeRows train x, Matrix.takeRows train y, None)
|> ignore

model.Fit(Matrix.takeRows train x, Matrix.takeRows train y)

let input = {
    InputNames = [| "tag-1"; "tag-2"; "tag-3" |]
    TargetNames = [| "target" |]
    Index = Some index
    Frequency = Some(TimeSpan.FromMinutes 10.0)
}

let frame = model.Anomaly(x, y, input)

let column top sub =
    Frame.tryColumn top sub frame
    |> Option.defaultWith (fun () -> invalidOp $"no column {top}/{sub}")

let output = column "model-output" "target"
let confidence = column "total-anomaly-confidence" ""
let smooth = column "smooth-total-anomaly-scaled" ""

printfn "Definition (fully expanded):"
printfn "%s" (Artifacts.Json.toText (Definition.intoValue model))
printfn ""
printfn "(rows with total-anomaly-confidence > 10 are marked)"
printfn "%-26s %10s %10s %12s %12s" "start" "target" "output" "smooth-tot" "confidence"

for i in 460..489 do
    printfn
        "%-26s %10.4f %10.4f %12.5f %12.2f%s"
        frame.Start.[i].Value
        y.[i, 0]
        output.[i]
        smooth.[i]
        confidence.[i]
        (if confidence.[i] > 10.0 then "  <- anomaly" else "")

let flagged = [| 0 .. rows - 1 |] |> Array.filter (fun i -> confidence.[i] > 1.0)

if not (flagged |> Array.exists (fun i -> i >= 470 && i < 480)) then
    invalidOp "the injected anomaly was not flagged"
