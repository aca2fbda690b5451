namespace Gordo.Models.Networks

open System
open System.Numerics.Tensors
open Gordo.Models

/// The Keras training loop of `Training` for feed-forward networks of Dense layers, in managed
/// float32 code: the same forward pass, loss, L1 activity regulariser, gradients and Keras
/// optimizer update as the TorchSharp trainer, without a native call, tensor or autograd node per
/// operation. A step of the default hourglass is ~5 000 vectorised multiply-adds over the batch
/// rows (`DenseKernels`), where TorchSharp spends milliseconds in per-op overhead.
[<RequireQualifiedAccess>]
module internal ManagedTraining =
    /// True when the managed trainer handles `spec` (Dense layers with a managed activation; no
    /// dropout, whose random masks come from libtorch's generator).
    let supports (spec: NetworkSpec) : bool =
        spec.Layers
        |> List.forall (function
            | Layer.Dense(_, activation, _) -> DenseKernels.supported activation
            | Layer.Dropout _
            | Layer.Lstm _ -> false)


    /// Per-layer shapes and buffers for batches of up to `stride` rows (feature-major).
    type private Workspace(spec: NetworkSpec, stride: int) =
        let dense =
            spec.Layers
            |> List.choose (function
                | Layer.Dense(units, activation, l1) -> Some(units, activation, float32 l1)
                | Layer.Dropout _
                | Layer.Lstm _ -> None)
            |> Array.ofList

        let shapes = Layout.denseShapes spec |> Array.ofList

        let buffers () =
            shapes |> Array.map (fun (_, o) -> Array.zeroCreate<float32> (o * stride))

        member val Stride = stride
        member val FanIn = shapes |> Array.map fst
        member val FanOut = shapes |> Array.map snd
        member val Activation = dense |> Array.map (fun (_, a, _) -> a)
        member val L1 = dense |> Array.map (fun (_, _, l1) -> l1)
        member val Offset = shapes |> Array.scan (fun acc (i, o) -> acc + i * o + o) 0
        member val Z = buffers ()
        member val A = buffers ()
        member val D = buffers ()
        member val Input = Array.zeroCreate<float32> (spec.Inputs * stride)
        member val Target = Array.zeroCreate<float32> ((Array.last shapes |> snd) * stride)
        member this.Layers = this.FanIn.Length
        member this.Outputs = Array.last this.FanOut

    /// Runs the network on `ws.Input` (`len` rows); returns the activity-regularisation loss.
    let private forward (ws: Workspace) (weights: float32[]) (len: int) : float =
        let mutable h = ws.Input
        let mutable regulariser = 0.0

        for l in 0 .. ws.Layers - 1 do
            let z, a, width = ws.Z.[l], ws.A.[l], ws.FanOut.[l]
            DenseKernels.forward weights ws.Offset.[l] ws.FanIn.[l] width h z ws.Stride len

            for o in 0 .. width - 1 do
                Array.Copy(z, o * ws.Stride, a, o * ws.Stride, len)
                DenseKernels.activate ws.Activation.[l] a (o * ws.Stride) len

                if ws.L1.[l] > 0.0f then
                    let magnitude =
                        TensorPrimitives.SumOfMagnitudes(ReadOnlySpan<float32>(a, o * ws.Stride, len))

                    regulariser <- regulariser + float magnitude * float ws.L1.[l] / float len

            h <- a

        regulariser

    /// The loss of the output against `ws.Target`, and its gradient into the last `D` buffer.
    let private lossAndGradient (ws: Workspace) (loss: string) (len: int) : float =
        let last = ws.Layers - 1
        let output, d = ws.A.[last], ws.D.[last]
        let count = float32 (len * ws.Outputs)
        let mutable total = 0.0

        for o in 0 .. ws.Outputs - 1 do
            for r in o * ws.Stride .. o * ws.Stride + len - 1 do
                let diff = output.[r] - ws.Target.[r]

                match loss with
                | "mean_squared_error" ->
                    total <- total + float diff * float diff
                    d.[r] <- 2.0f * diff / count
                | "mean_absolute_error" ->
                    total <- total + float (abs diff)
                    d.[r] <- DenseKernels.signOf diff / count
                | _ ->
                    let value, derivative = Losses.element loss output.[r] ws.Target.[r]
                    total <- total + float value
                    d.[r] <- derivative / count

        total / float count

    /// Back-propagates from the output gradient, accumulating parameter gradients into `grad`.
    let private backward (ws: Workspace) (weights: float32[]) (grad: float32[]) (len: int) : unit =
        for l in ws.Layers - 1 .. -1 .. 0 do
            let z, a, d = ws.Z.[l], ws.A.[l], ws.D.[l]
            let penalty = ws.L1.[l] / float32 len

            for o in 0 .. ws.FanOut.[l] - 1 do
                for r in o * ws.Stride .. o * ws.Stride + len - 1 do
                    let regularised =
                        if penalty > 0.0f then
                            d.[r] + penalty * DenseKernels.signOf a.[r]
                        else
                            d.[r]

                    d.[r] <- regularised * DenseKernels.derivative ws.Activation.[l] z.[r] a.[r]

            let h = if l = 0 then ws.Input else ws.A.[l - 1]
            let dh = if l = 0 then null else ws.D.[l - 1]
            DenseKernels.backward weights grad ws.Offset.[l] ws.FanIn.[l] ws.FanOut.[l] h d dh ws.Stride len

    /// Rows (of `len`) whose output argmax equals the target argmax (first maximum wins).
    let private correct (ws: Workspace) (len: int) : int64 =
        let output = ws.A.[ws.Layers - 1]

        let argmax (values: float32[]) r =
            let mutable best = 0

            for o in 1 .. ws.Outputs - 1 do
                if values.[o * ws.Stride + r] > values.[best * ws.Stride + r] then
                    best <- o

            best

        seq { 0 .. len - 1 }
        |> Seq.sumBy (fun r -> if argmax output r = argmax ws.Target r then 1L else 0L)

    /// A feature-major float32 copy of rows `first ..` (count `n`) of a matrix.
    let private featureMajor (m: Matrix) (first: int) (n: int) : float32[] =
        let cols = Matrix.cols m
        let result = Array.zeroCreate (cols * n)

        for i in 0 .. n - 1 do
            for j in 0 .. cols - 1 do
                result.[j * n + i] <- float32 m.[first + i, j]

        result

    /// Copies rows `order[start .. start + len - 1]` of a feature-major source into a batch buffer.
    let private gather
        (source: float32[])
        (n: int)
        (width: int)
        (order: int[])
        (start: int)
        (target: float32[])
        stride
        len
        =
        for j in 0 .. width - 1 do
            let from, into = j * n, j * stride

            for r in 0 .. len - 1 do
                target.[into + r] <- source.[from + order.[start + r]]

    /// One pass over batches of (xs, ys) in `order`, training when `train` is given.
    let private epoch
        (ws: Workspace)
        spec
        weights
        (train: (float32[] * Optimizers.Stepper) option)
        (xs, ys, n, order: int[])
        =
        let totals: Totals = { Loss = 0.0; Correct = 0L; Rows = 0 }

        for start in 0 .. ws.Stride .. n - 1 do
            let len = min ws.Stride (n - start)
            gather xs n spec.Inputs order start ws.Input ws.Stride len
            gather ys n ws.Outputs order start ws.Target ws.Stride len
            let regulariser = forward ws weights len
            let loss = float32 (lossAndGradient ws spec.Loss len + regulariser)

            match train with
            | Some(grad, stepper) ->
                backward ws weights grad len
                stepper.Step(weights, grad)
                Array.Clear grad
            | None -> ()

            totals.Loss <- totals.Loss + float loss * float len
            totals.Rows <- totals.Rows + len

            if List.contains "accuracy" spec.Metrics then
                totals.Correct <- totals.Correct + correct ws len

        totals

    /// Trains `weights` (the `Layout` buffer) in place with Keras semantics; returns the history
    /// and the steps per epoch (as `Training.fit`).
    let fit (spec: NetworkSpec) (weights: float32[]) (options: FitOptions) (x: Matrix) (y: Matrix) : History * int =
        let n = Matrix.rows x
        let split = Training.trainingRows options n
        let ws = Workspace(spec, options.BatchSize)
        let train = featureMajor x 0 split, featureMajor y 0 split
        let held = featureMajor x split (n - split), featureMajor y split (n - split)
        let grad = Array.zeroCreate (Array.length weights)
        let stepper = Optimizers.Stepper(spec.Optimizer, weights.Length)
        let rng = NumpyRandom(uint32 options.Seed)
        let mutable best: float32[] = null

        let trainEpoch () =
            let order =
                if options.Shuffle then
                    rng.Permutation split
                else
                    Array.init split id

            epoch ws spec weights (Some(grad, stepper)) (fst train, snd train, split, order)

        let validate () =
            epoch ws spec weights None (fst held, snd held, n - split, Array.init (n - split) id)

        let history =
            Training.loop
                spec
                options
                (n - split > 0)
                trainEpoch
                validate
                (fun () -> best <- Array.copy weights)
                (fun () -> Array.blit best 0 weights 0 weights.Length)

        history, Training.stepsPerEpoch options split
