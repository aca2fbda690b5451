// Fit a Gordo model definition on the sample plant in FSI and print the anomaly table.
//   dotnet fsi examples/scripts/train.fsx   (once built: `dotnet fsi build.fsx examples` builds and runs every script)
// The definition is the `model:` section of a Gordo config; this one predicts pump-1's
// temperature from its flow, pressure and vibration (no neural network, so the script needs no
// native libtorch). The data is the sample plant of `gordo data generate` (SamplePlant), whose
// injected fault on 2020-01-16 the model should flag.

#r "nuget: MathNet.Numerics, 5.0.0"
#r "nuget: YamlDotNet, 18.1.0"
#r "../../src/Gordo.Core/bin/Release/net10.0/Gordo.Core.dll"
#r "../../src/Gordo.Data/bin/Release/net10.0/Gordo.Data.dll"
#r "../../src/Gordo.Models/bin/Release/net10.0/Gordo.Models.dll"

open System
open Gordo.Data
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
  window: 6
  smoothing_method: smm
"""

let spec =
    match Parse.text "model.yaml" (Parse.fileMap "model.yaml") Parse.defaultLimits false definition with
    | Ok(Some node, _) ->
        match Elaborate.model node with
        | spec, [] -> spec
        | _, diagnostics -> invalidOp $"invalid definition: %A{diagnostics}"
    | other -> invalidOp $"cannot parse the definition: %A{other}"

// Machine 0 (pump-1) of the sample plant at 10-minute steps: train on a week without faults,
// then score the two days after it, which hold an injected fault.
let seed, step = 42, TimeSpan.FromMinutes 10.0
let trainStart = DateTimeOffset(2020, 1, 8, 6, 0, 0, TimeSpan.Zero)
let scoreStart, scoreEnd = trainStart.AddDays 7.0, trainStart.AddDays 9.0
let index, columns = SamplePlant.machineData seed step 0 trainStart scoreEnd
let tags = SamplePlant.tagNames 0 |> Array.ofList

// Rows without gaps; inputs flow, pressure, vibration; target temperature.
let rows =
    [| 0 .. index.Length - 1 |]
    |> Array.filter (fun i -> columns |> Array.forall (fun c -> not (Double.IsNaN c.[i])))

let times = rows |> Array.map (fun i -> DateTimeOffset(index.[i], TimeSpan.Zero))

let x =
    Array2D.init rows.Length 3 (fun r j -> columns.[[| 0; 1; 3 |].[j]].[rows.[r]])

let y = Array2D.init rows.Length 1 (fun r _ -> columns.[2].[rows.[r]])

let train =
    [| 0 .. rows.Length - 1 |] |> Array.filter (fun r -> times.[r] < scoreStart)

let model = Definition.fromSpec spec :?> DiffDetector
model.TargetNames <- [| tags.[2] |]

model.CrossValidate(Matrix.takeRows train x, Matrix.takeRows train y, None)
|> ignore

model.Fit(Matrix.takeRows train x, Matrix.takeRows train y)

let input = {
    InputNames = [| tags.[0]; tags.[1]; tags.[3] |]
    TargetNames = [| tags.[2] |]
    Index = Some times
    Frequency = Some step
}

let frame = model.Anomaly(x, y, input)

let column top sub =
    Frame.tryColumn top sub frame
    |> Option.defaultWith (fun () -> invalidOp $"no column {top}/{sub}")

let output = column "model-output" tags.[2]
let confidence = column "total-anomaly-confidence" ""

let fault =
    SamplePlant.events seed "pump-1" 0 scoreStart scoreEnd
    |> List.find (fun e -> e.Kind = "fault")

let inFault (r: int) =
    times.[r] >= fault.Start && times.[r] <= fault.End

printfn "Definition (fully expanded):"
printfn "%s" (Artifacts.Json.toText (Definition.intoValue model))
printfn ""
printfn "Injected fault: %O – %O (vibration and temperature ramp up)" fault.Start fault.End
printfn "(rows with total-anomaly-confidence > 1 are marked)"
printfn "%-26s %10s %10s %12s" "start" "temp." "predicted" "confidence"

let scored =
    [| 0 .. rows.Length - 1 |] |> Array.filter (fun r -> times.[r] >= scoreStart)

for r in
    scored
    |> Array.filter (fun r -> times.[r] >= fault.Start.AddHours -2.0 && times.[r] <= fault.End.AddHours 1.0) do
    printfn
        "%-26s %10.3f %10.3f %12.2f%s%s"
        frame.Start.[r].Value
        y.[r, 0]
        output.[r]
        confidence.[r]
        (if confidence.[r] > 1.0 then "  <- anomaly" else "")
        (if inFault r then "  (fault)" else "")

if not (scored |> Array.exists (fun r -> inFault r && confidence.[r] > 1.0)) then
    invalidOp "the injected fault was not flagged"
