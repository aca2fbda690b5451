module Gordo.Tests.Builder.MetricTests

open System.IO
open System.Text.Json
open Expecto
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Build

let private reference =
    lazy
        (let path = Gordo.Tests.Models.Reference.path "../builder/metrics.json"
         use doc = JsonDocument.Parse(File.ReadAllText path)
         doc.RootElement.Clone())

let private matrix (name: string) =
    Gordo.Tests.Models.Reference.matrix (reference.Value.GetProperty name)

let private close (actual: float) (expected: float) (what: string) =
    Expect.floatClose { absolute = 1e-12; relative = 1e-9 } actual expected what

[<Tests>]
let tests =
    testList "Build.Metrics" [
        test "every metric validate accepts equals scikit-learn's, whole matrix and per column" {
            let yTrue, yPred = matrix "y_true", matrix "y_pred"
            let scores = reference.Value.GetProperty "scores"

            for entry in Vocabulary.implemented Vocabulary.metrics do
                let metric =
                    Metrics.tryResolve entry.Name
                    |> Option.defaultWith (fun () -> failtest $"%s{entry.Name} has no implementation")

                let expected = scores.GetProperty entry.Name
                close (metric.Score yTrue yPred) (expected.GetProperty("all").GetDouble()) $"%s{entry.Name}"

                expected.GetProperty("columns").EnumerateArray()
                |> Seq.iteri (fun j value ->
                    let column (m: Matrix) = Matrix.ofVector (Matrix.column j m)

                    close
                        (metric.Score (column yTrue) (column yPred))
                        (value.GetDouble())
                        $"%s{entry.Name} column %d{j}")
        }
        test "dotted paths resolve; unimplemented and unknown names do not" {
            Expect.isSome (Metrics.tryResolve "sklearn.metrics.max_error") "sklearn.metrics path"
            Expect.isSome (Metrics.tryResolve "sklearn.metrics._regression.median_absolute_error") "private module"
            Expect.isNone (Metrics.tryResolve "numpy.max_error") "other module"
            Expect.isNone (Metrics.tryResolve "mean_poisson_deviance") "not implemented"
        }
        test "mean_squared_log_error of negative values is NaN (scikit-learn raises)" {
            let m = (Metrics.tryResolve "mean_squared_log_error").Value
            let a = array2D [ [ 1.0 ]; [ -0.5 ] ]
            Expect.isTrue (System.Double.IsNaN(m.Score a a)) "NaN"
        }
    ]
