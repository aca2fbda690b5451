module Gordo.Tests.Models.KerasLstmTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Models.Networks

let private data (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> sin (float i / 6.0 + float j) * 0.5 + 0.1 * float j)

let private lstm (classPath: string) (parameters: (string * Value) list) =
    Definition.create ("gordo.machine.model.models." + classPath) parameters :?> KerasNetwork

let private small = [
    "kind", Value.String "lstm_hourglass"
    "lookback_window", Value.Int 5L
    "batch_size", Value.Int 16L
]

let private keys (model: Estimator) =
    match Definition.intoValue model with
    | Value.Map [ _, Value.Map parameters ] -> parameters |> List.map fst
    | other -> failwithf "unexpected %A" other

let private rawKind (layers: Value list) =
    Value.Map [
        "compile", Value.Map [ "loss", Value.String "mse"; "optimizer", Value.String "adam" ]
        "spec",
        Value.Map [
            "tensorflow.keras.models.Sequential", Value.Map [ "layers", Value.List layers ]
        ]
    ]

let private layer (path: string) (parameters: (string * Value) list) =
    Value.Map [ "tensorflow.keras.layers." + path, Value.Map parameters ]

let private anomalyInput = {
    InputNames = [| "a"; "b"; "c" |]
    TargetNames = [| "a"; "b"; "c" |]
    Index = Some(Array.init 60 (fun i -> DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(10.0 * float i)))
    Frequency = Some(TimeSpan.FromMinutes 10.0)
}

[<Tests>]
let tests =
    testList "Models.KerasLSTM" [
        test
            "lstm_hourglass layers: LSTM encoder/decoder, the last LSTM returns one step, Dense output, mse, no metrics" {
            let network =
                Factories.build "gordo.machine.model.models.KerasLSTMForecast" "lstm_hourglass" [] 10 10

            Expect.equal
                network.Layers
                [
                    Layer.Lstm(8, "tanh", true)
                    Layer.Lstm(7, "tanh", true)
                    Layer.Lstm(5, "tanh", true)
                    Layer.Lstm(5, "tanh", true)
                    Layer.Lstm(7, "tanh", true)
                    Layer.Lstm(8, "tanh", false)
                    Layer.Dense(10, "linear", 0.0)
                ]
                "spec §2.5"

            Expect.equal network.Loss "mean_squared_error" "loss"
            Expect.isEmpty network.Metrics "no default metrics"
        }
        test "auto-encoder: one output per window, offset lookback_window - 1; forecast: offset lookback_window" {
            let x = data 40 3

            for classPath, offset in [ "KerasLSTMAutoEncoder", 4; "KerasLSTMForecast", 5 ] do
                let model = lstm classPath small
                model.Fit(x, x)
                Expect.equal model.Offset offset $"%s{classPath} offset"
                Expect.equal (Matrix.rows (model.Predict x)) (40 - offset) $"%s{classPath} rows"
                Expect.equal (Matrix.cols (model.Predict x)) 3 $"%s{classPath} columns"
        }
        test
            "the definition lists given kwargs, lookback_window, batch_size, n_features(_out), kind; round trip is stable" {
            let model =
                lstm "KerasLSTMAutoEncoder" [ "kind", Value.String "lstm_model"; "epochs", Value.Int 1L ]

            Expect.equal (keys model) [ "epochs"; "lookback_window"; "batch_size"; "kind" ] "before fit"
            let x = data 12 2
            model.Fit(x, x)
            let once = Definition.intoValue model

            Expect.equal
                (keys model)
                [
                    "epochs"
                    "lookback_window"
                    "batch_size"
                    "n_features"
                    "n_features_out"
                    "kind"
                ]
                "after fit"

            Expect.equal (Definition.intoValue (Definition.fromValue once)) once "into(from(into)) = into"
        }
        test "deterministic given the seed; metadata has the history and forecast_steps" {
            let x = data 50 3

            let fit seed =
                let model = lstm "KerasLSTMForecast" small
                model.Seed <- seed
                model.Fit(x, x)
                model

            let a, b, c = fit 3, fit 3, fit 4
            Expect.equal (a.Predict x) (b.Predict x) "same seed, same predictions"
            Expect.notEqual (a.Predict x) (c.Predict x) "another seed, other weights"

            match a.Metadata() with
            | [ "history", Value.Map history; "forecast_steps", Value.Int 1L ] ->
                Expect.equal (history |> List.map fst) [ "loss"; "params" ] "history keys"
            | other -> failtestf "metadata %A" other
        }
        test "too few rows and a wrong feature count are explained errors" {
            let model = lstm "KerasLSTMAutoEncoder" small
            let error = Expect.throwsC (fun () -> model.Fit(data 5 3, data 5 3)) id
            Expect.isTrue (error :? ModelInputException) "ModelInputException"
            Expect.stringContains error.Message "lookback_window (5) must be < the number of rows of X (5)" "what"
            Expect.stringContains error.Message "send at least 6 rows" "how to fix"
            model.Fit(data 20 3, data 20 3)
            Expect.throwsT<ModelInputException> (fun () -> model.Predict(data 20 4) |> ignore) "feature count"
            Expect.throwsT<ModelInputException> (fun () -> model.Predict(data 4 3) |> ignore) "rows at predict"
        }
        test "unknown kinds are definition errors" {
            Expect.throwsT<ModelDefinitionException>
                (fun () ->
                    lstm "KerasLSTMForecast" [ "kind", Value.String "feedforward_hourglass" ]
                    |> ignore)
                "feed-forward kind on an LSTM wrapper"
        }
        test "inside DiffBasedAnomalyDetector: thresholds, aligned anomaly rows, artifact round trip" {
            let x = data 60 3

            let definition =
                Value.Map [
                    "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
                    Value.Map [
                        "base_estimator",
                        Value.Map [
                            "sklearn.pipeline.Pipeline",
                            Value.Map [
                                "steps",
                                Value.List [
                                    Value.String "sklearn.preprocessing.MinMaxScaler"
                                    Value.Map [ "gordo.machine.model.models.KerasLSTMForecast", Value.Map small ]
                                ]
                            ]
                        ]
                        "window", Value.Int 3L
                    ]
                ]

            let model = Definition.fromValue definition :?> DiffDetector
            model.CrossValidate(x, x, None) |> ignore
            model.Fit(x, x)
            Expect.equal model.Offset 5 "pipeline offset = LSTM offset"
            let frame = model.Anomaly(x, x, anomalyInput)
            Expect.equal frame.Start.Length 55 "one row per prediction"
            Expect.equal frame.Start.[0] (Some "2020-01-01T00:50:00+00:00") "first row is the 6th timestamp"
            let input = Frame.tryColumn "model-input" "a" frame |> Option.get
            Expect.equal input (Array.init 55 (fun i -> x.[i + 5, 0])) "inputs aligned with outputs"

            let dir =
                Path.Combine(Path.GetTempPath(), "gordo-lstm-tests", Guid.NewGuid().ToString("N"))

            Artifact.save dir model (Value.Map [])
            let loaded = (Artifact.load dir).Model :?> DiffDetector
            Expect.equal (Definition.intoValue loaded) (Definition.intoValue model) "definition"
            let again = loaded.Anomaly(x, x, anomalyInput)


            Expect.isTrue
                (List.forall2
                    (fun (na, va: float[]) (nb, vb: float[]) ->
                        na = nb && Array.forall2 (fun (p: float) q -> p.Equals q) va vb)
                    frame.Columns
                    again.Columns)
                "same anomaly frame after loading"
        }
        test "KerasRawModelRegressor: Dense/LSTM/Dropout Sequential fits, predicts and round-trips its kind" {
            let kind =
                rawKind [
                    layer "LSTM" [ "units", Value.Int 4L; "return_sequences", Value.Bool true ]
                    layer "Dropout" [ "rate", Value.Float 0.1 ]
                    layer "Dense" [ "units", Value.Int 3L; "activation", Value.String "relu" ]
                    layer "Dense" [ "units", Value.Int 2L ]
                ]

            let model = lstm "KerasRawModelRegressor" [ "kind", kind; "epochs", Value.Int 2L ]
            let x = data 30 3
            let y = Matrix.takeColumns [| 0; 1 |] x
            model.Fit(x, y)
            Expect.equal (Matrix.rows (model.Predict x), Matrix.cols (model.Predict x)) (30, 2) "shape"
            Expect.equal model.Offset 0 "no offset"

            match Definition.intoValue model with
            | Value.Map [ _, Value.Map parameters ] ->
                Expect.equal (parameters |> List.find (fst >> (=) "kind") |> snd) kind "kind kept as given"
            | other -> failtestf "unexpected %A" other

            let copy = lstm "KerasRawModelRegressor" [ "kind", kind; "epochs", Value.Int 2L ]
            copy.LoadState(model.SaveState())
            Expect.equal (copy.Predict x) (model.Predict x) "state round trip"
        }
        test "KerasRawModelRegressor: missing keys, unsupported layers and shape mismatches are explained" {
            let missing () =
                lstm "KerasRawModelRegressor" [ "kind", Value.Map [ "spec", Value.Map [] ] ]
                |> ignore

            let error = Expect.throwsC missing id
            Expect.stringContains error.Message "Expected spec to have keys: ('spec', 'compile')" "Gordo's message"

            Expect.throwsT<ModelDefinitionException>
                (fun () ->
                    lstm "KerasRawModelRegressor" [ "kind", rawKind [ layer "Conv1D" [ "filters", Value.Int 2L ] ] ]
                    |> ignore)
                "unsupported layer"

            let model =
                lstm "KerasRawModelRegressor" [
                    "kind", rawKind [ layer "Dense" [ "units", Value.Int 1L; "input_dim", Value.Int 4L ] ]
                ]

            Expect.throwsT<ModelInputException> (fun () -> model.Fit(data 10 3, data 10 1)) "input_dim differs"

            let wide =
                lstm "KerasRawModelRegressor" [ "kind", rawKind [ layer "Dense" [ "units", Value.Int 1L ] ] ]

            Expect.throwsT<ModelInputException> (fun () -> wide.Fit(data 10 3, data 10 2)) "output width differs"
        }
    ]
