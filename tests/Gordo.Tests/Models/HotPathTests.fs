module Gordo.Tests.Models.HotPathTests

open System
open System.Numerics.Tensors
open Expecto
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Definitions
open Gordo.Models.Networks
open Gordo.Models.Scoring

// The per-request model path of the server (anomaly and prediction) runs fused loops over the
// matrix storage instead of matrix-by-matrix helpers; these tests pin it to the matrix-by-matrix
// arithmetic bit for bit, and check the per-metadata cache.

let private random (seed: int) (rows: int) (cols: int) : Matrix =
    let r = Random seed
    Array2D.init rows cols (fun _ _ -> r.NextDouble() * 10.0 - 5.0)

let private sameBits (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal
        (Array.map BitConverter.DoubleToInt64Bits actual)
        (Array.map BitConverter.DoubleToInt64Bits expected)
        what

let private sameColumns (actual: float[][]) (expected: float[][]) (what: string) =
    Expect.equal actual.Length expected.Length $"%s{what}: column count"
    Array.iteri2 (fun j a e -> sameBits a e $"%s{what}, column %d{j}") actual expected

let private fitted (classPath: string) (args: (string * Value) list) (y: Matrix) =
    let model = Definition.create classPath args
    model.Fit(y, y)
    model

/// The errors matrix by matrix (`absolute` of the transformed matrices, then `meanSquare`).
let private matrixErrors (scaler: Estimator) (output: Matrix) (truth: Matrix) =
    let scaled = Errors.absolute (scaler.Transform output) (scaler.Transform truth)
    let unscaled = Errors.absolute output truth
    Matrix.columns scaled, Errors.meanSquare scaled, Matrix.columns unscaled, Errors.meanSquare unscaled

let private expectErrors (scaler: Estimator) (output: Matrix) (truth: Matrix) =
    let e = Errors.tagErrors scaler output truth
    let scaled, totalScaled, unscaled, totalUnscaled = matrixErrors scaler output truth
    sameColumns e.Scaled scaled "scaled"
    sameBits e.TotalScaled totalScaled "total scaled"
    sameColumns e.Unscaled unscaled "unscaled"
    sameBits e.TotalUnscaled totalUnscaled "total unscaled"

let private detector (window: (string * Value) list) =
    let model =
        Definition.fromValue (
            Value.Map [
                "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
                Value.Map(
                    [ "base_estimator", Value.String "sklearn.linear_model.LinearRegression" ]
                    @ window
                )
            ]
        )
        :?> DiffDetector

    let x = random 7 80 4
    let y = Matrix.map (fun v -> v * 0.5 + 1.0) x
    model.CrossValidate(x, y, None) |> ignore
    model.Fit(x, y)
    model

/// The anomaly columns computed matrix by matrix, in frame order.
let private matrixFrame (d: DiffDetector) (x: Matrix) (y: Matrix) (names: string[]) =
    let output = d.Output x
    let block top (m: Matrix) = Frame.block top names m
    let scaled = Errors.absolute (d.Scaler.Transform output) (d.Scaler.Transform y)
    let unscaled = Errors.absolute output y
    let t = d.Thresholds.Value

    let smooth =
        match d.Window, d.SmoothingMethod with
        | Some w, Some m ->
            let s = Rolling.smooth m w

            let sm (mat: Matrix) =
                Matrix.columns mat |> Array.map s |> Matrix.ofColumns

            block "smooth-tag-anomaly-scaled" (sm scaled)
            @ [ ("smooth-total-anomaly-scaled", ""), s (Errors.meanSquare scaled) ]
            @ block "smooth-tag-anomaly-unscaled" (sm unscaled)
            @ [ ("smooth-total-anomaly-unscaled", ""), s (Errors.meanSquare unscaled) ]
        | _ -> []

    block "model-input" x
    @ block "model-output" output
    @ block "tag-anomaly-scaled" scaled
    @ [ ("total-anomaly-scaled", ""), Errors.meanSquare scaled ]
    @ block "tag-anomaly-unscaled" unscaled
    @ [ ("total-anomaly-unscaled", ""), Errors.meanSquare unscaled ]
    @ smooth
    @ block "anomaly-confidence" (unscaled |> Matrix.mapColumns (fun j v -> v / t.Feature.[j]))
    @ [
        ("total-anomaly-confidence", ""), Errors.meanSquare scaled |> Array.map (fun v -> v / t.Aggregate)
    ]

let private frameTests =
    testList "anomaly frame" [
        for label, window in
            [
                "no smoothing", []
                "sma window", [ "window", Value.Int 5L; "smoothing_method", Value.String "sma" ]
                "ewma window", [ "window", Value.Int 4L; "smoothing_method", Value.String "ewma" ]
            ] do
            test $"the fused frame equals the matrix-by-matrix one bit for bit (%s{label})" {
                let d = detector window
                let x = random 11 30 4
                let y = random 12 30 4
                let names = [| "a"; "b"; "c"; "d" |]

                let input = {
                    InputNames = names
                    TargetNames = names
                    Index = None
                    Frequency = None
                }

                let actual = (d.Anomaly(x, y, input)).Columns
                let expected = matrixFrame d x y names
                Expect.equal (List.map fst actual) (List.map fst expected) "column names and order"
                List.iter2 (fun (name, a) (_, e) -> sameBits a e $"%A{name}") actual expected
            }
    ]

let private errorTests =
    testList "tag errors" [
        test "MinMaxScaler (with and without clip) and StandardScaler: fused rows equal the matrices" {
            let truth = random 1 40 5
            let output = random 2 40 5

            for scaler in
                [
                    fitted "sklearn.preprocessing.MinMaxScaler" [] truth
                    fitted "sklearn.preprocessing.MinMaxScaler" [ "clip", Value.Bool true ] (random 3 40 5)
                    fitted "sklearn.preprocessing.StandardScaler" [] truth
                ] do
                expectErrors scaler output truth
        }
        test "a scaler that is not affine (a pipeline) takes the matrix path, same numbers" {
            let truth = random 4 25 3

            let pipeline =
                Definition.fromValue (
                    Value.Map [
                        "sklearn.pipeline.Pipeline",
                        Value.Map [
                            "steps",
                            Value.List [
                                Value.String "sklearn.preprocessing.StandardScaler"
                                Value.String "sklearn.preprocessing.MinMaxScaler"
                            ]
                        ]
                    ]
                )

            pipeline.Fit(truth, truth)
            expectErrors pipeline (random 5 25 3) truth
        }
        test "infinity in the model output is the scaler's error, as with Transform" {
            let truth = random 6 10 3
            let scaler = fitted "sklearn.preprocessing.MinMaxScaler" [] truth
            let output = Array2D.copy truth
            output.[4, 2] <- infinity

            Expect.throwsT<ModelInputException>
                (fun () -> Errors.tagErrors scaler output truth |> ignore)
                "infinite output"
        }
        test "a truth smaller than the output is a clear argument error" {
            let scaler = Definition.create "sklearn.preprocessing.FunctionTransformer" []

            Expect.throwsT<ArgumentException>
                (fun () -> Errors.tagErrors scaler (random 8 10 3) (random 9 9 3) |> ignore)
                "fewer rows"
        }
    ]

/// The Dense layer as one TensorPrimitives.MultiplyAdd pass per input (the kernel's reference).
let private multiplyAddPasses (weights: float32[]) offset fanIn fanOut (h: float32[]) stride len =
    let expected = Array.zeroCreate (fanOut * stride)

    for o in 0 .. fanOut - 1 do
        let zo = Span<float32>(expected, o * stride, len)
        zo.Fill weights.[offset + fanIn * fanOut + o]

        for i in 0 .. fanIn - 1 do
            TensorPrimitives.MultiplyAdd(
                ReadOnlySpan<float32>(h, i * stride, len),
                weights.[offset + o * fanIn + i],
                ReadOnlySpan<float32>(expected, o * stride, len),
                zo
            )

    expected

let private matrixTests =
    testList "matrix helpers" [
        test "Check.finite names the first bad value's row and column" {
            let x = Array2D.create 3 4 1.0
            x.[1, 3] <- nan
            x.[2, 1] <- infinity

            let message (allowNan: bool) =
                try
                    Check.finite "Owner" allowNan x
                    ""
                with :? ModelInputException as e ->
                    e.Message

            Expect.stringContains
                (message true)
                "infinity at row 3, column 2 (counted from 1)"
                "NaN allowed: the infinity"

            Expect.stringContains
                (message false)
                "NaN at row 2, column 4 (counted from 1)"
                "NaN rejected: the NaN first"

            Check.finite "Owner" true (Array2D.create 2 2 nan)
        }
        test "lastRowsColumns are the columns of lastRows; span is the storage" {
            let m = random 13 6 3

            for n in [ 0; 1; 6 ] do
                sameColumns (Matrix.lastRowsColumns n m) (Matrix.columns (Matrix.lastRows n m)) $"last %d{n}"

            Expect.throwsT<ArgumentException> (fun () -> Matrix.lastRowsColumns 7 m |> ignore) "too many rows"
            let span = Matrix.span m
            span.[1 * 3 + 2] <- 42.0
            Expect.equal m.[1, 2] 42.0 "row-major, no copy"
        }
        test "the Dense kernel equals one MultiplyAdd pass per input, bit for bit" {
            let r = Random 3
            let fanIn, fanOut, stride = 7, 5, 45

            let weights =
                Array.init (3 + fanIn * fanOut + fanOut) (fun _ -> float32 (r.NextDouble() - 0.5))

            let h = Array.init (fanIn * stride) (fun _ -> float32 (r.NextDouble() * 4.0 - 2.0))

            for len in [ 0; 1; 7; 16; 33; 45 ] do
                let z = Array.zeroCreate (fanOut * stride)
                DenseKernels.forward weights 3 fanIn fanOut h z stride len
                let expected = multiplyAddPasses weights 3 fanIn fanOut h stride len

                Expect.equal
                    (Array.map BitConverter.SingleToInt32Bits z)
                    (Array.map BitConverter.SingleToInt32Bits expected)
                    $"%d{len} rows"
        }
        test "the managed network's pooled buffers keep no state between calls" {
            let spec =
                Factories.build "gordo.machine.model.models.KerasAutoEncoder" "feedforward_hourglass" [] 6 6

            let count =
                spec.Layers
                |> List.fold
                    (fun (width, total) layer ->
                        match layer with
                        | Layer.Dense(units, _, _) -> units, total + width * units + units
                        | _ -> width, total)
                    (spec.Inputs, 0)
                |> snd

            let r = Random 5
            let weights = Array.init count (fun _ -> float32 (r.NextDouble() - 0.5))
            let small = random 14 3 6
            let first = ManagedForward.run spec weights small
            ManagedForward.run spec weights (random 15 500 6) |> ignore
            let again = ManagedForward.run spec weights small
            sameBits (Matrix.toFlat again) (Matrix.toFlat first) "same output after a larger call"
        }
    ]

let private outputTests =
    testList "model output" [
        test "columns are computed once per metadata value and follow a new value" {
            let meta (tags: string list) =
                Value.Map [
                    "dataset",
                    Value.Map [
                        "tag_list", Value.List(tags |> List.map Value.String)
                        "resolution", Value.String "10T"
                    ]
                ]

            let first = meta [ "a"; "b" ]
            let c = ModelOutput.columns first
            Expect.equal (c.Tags, c.Targets) ([| "a"; "b" |], [| "a"; "b" |]) "tags"
            Expect.equal c.Frequency (Some(TimeSpan.FromMinutes 10.0)) "resolution"
            Expect.isTrue (obj.ReferenceEquals(ModelOutput.columns first, c)) "cached for the same value"
            Expect.equal (ModelOutput.columns (meta [ "c" ])).Tags [| "c" |] "a reloaded metadata value"
        }
        test "without all_columns the smooth-* columns are dropped, the rest kept in order" {
            let frame = {
                Start = [||]
                End = [||]
                Columns = [ ("a", "x"), [||]; ("smooth-a", "x"), [||]; ("b", ""), [||] ]
            }

            Expect.equal (ModelOutput.anomaly false frame |> List.map fst) [ "a", "x"; "b", "" ] "filtered"
            Expect.equal (ModelOutput.anomaly true frame) frame.Columns "all"

            let plain = {
                frame with
                    Columns = [ ("a", "x"), [||] ]
            }

            Expect.isTrue (obj.ReferenceEquals(ModelOutput.anomaly false plain, plain.Columns)) "nothing to drop"
        }
    ]

[<Tests>]
let tests =
    testList "Models.HotPath" [ frameTests; errorTests; matrixTests; outputTests ]
