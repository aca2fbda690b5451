module Gordo.Tests.Models.KerasScoreTests

open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Definitions

let private data (rows: int) (cols: int) : float[,] =
    Array2D.init rows cols (fun i j -> sin (float i / 5.0 + float j) * 0.5 + 0.1 * float j)

let private model (classPath: string) (parameters: (string * Value) list) =
    Definition.create ("gordo.machine.model.models." + classPath) parameters

/// The explained variance score written out: per column 1 − Var(y − out) / Var(y) (ddof 0),
/// averaged over columns, with y the rows aligned with the output (its last rows).
let private explainedVariance (y: float[,]) (out: float[,]) : float =
    let offset = Array2D.length1 y - Array2D.length1 out

    let variance (values: float[]) =
        let mean = Array.average values
        values |> Array.averageBy (fun v -> (v - mean) ** 2.0)

    let column j =
        let truth = Array.init (Array2D.length1 out) (fun i -> y.[offset + i, j])
        let residual = Array.init truth.Length (fun i -> truth.[i] - out.[i, j])
        1.0 - variance residual / variance truth

    Array.init (Array2D.length2 out) column |> Array.average

let private lstmScore (classPath: string) (lookback: int64) (offset: int) =
    test $"%s{classPath}: explained variance of y[-len(out):] against the output (offset %d{offset})" {
        let m =
            model classPath [
                "kind", Value.String "lstm_hourglass"
                "lookback_window", Value.Int lookback
                "epochs", Value.Int 2L
            ]

        let x, y = data 50 3, data 50 3 |> Array2D.map (fun v -> v * 0.9 + 0.05)
        Expect.throwsT<NotFittedException> (fun () -> m.Score(x, y) |> ignore) "not before fit"
        m.Fit(x, y)
        let out = m.Predict x
        Expect.equal (Array2D.length1 out) (50 - offset) "the output is shorter by the offset"
        let score = m.Score(x, y)
        Expect.floatClose Accuracy.veryHigh score (explainedVariance y out) "score"
        let junkHead = y |> Array2D.mapi (fun i _ v -> if i < offset then 1e6 else v)
        Expect.equal (m.Score(x, junkHead)) score "rows before the offset do not count"
    }

[<Tests>]
let tests =
    testList "Models.Keras score" [
        lstmScore "KerasLSTMAutoEncoder" 4L 3
        lstmScore "KerasLSTMForecast" 4L 4
        test "KerasRawModelRegressor scores like Gordo's KerasAutoEncoder (its base): explained variance" {
            let layers =
                Value.List [
                    Value.Map [ "tensorflow.keras.layers.Dense", Value.Map [ "units", Value.Int 2L ] ]
                ]

            let m =
                model "KerasRawModelRegressor" [
                    "kind",
                    Value.Map [
                        "compile", Value.Map [ "loss", Value.String "mse"; "optimizer", Value.String "adam" ]
                        "spec", Value.Map [ "tensorflow.keras.models.Sequential", Value.Map [ "layers", layers ] ]
                    ]
                ]

            let x, y = data 40 3, data 40 2
            m.Fit(x, y)
            Expect.floatClose Accuracy.veryHigh (m.Score(x, y)) (explainedVariance y (m.Predict x)) "score"
        }
    ]
