namespace Gordo.Models.Torch

open System
open TorchSharp
open Gordo.Models
open Gordo.Models.Networks

/// The Keras training loop on TorchSharp over a flat parameter tensor (see `Layout`); the epoch
/// loop itself is the managed trainer's `Training.loop`.
[<RequireQualifiedAccess>]
module internal TorchTraining =
    /// A Keras loss (canonical name, see `Losses`) as a tensor expression.
    let private lossOf (name: string) (output: torch.Tensor) (target: torch.Tensor) : torch.Tensor =
        let eps = float Losses.epsilon
        let d = output - target

        match name with
        | "mean_absolute_error" -> d.abs().mean ()
        | "mean_absolute_percentage_error" -> (d.abs () / target.abs().clamp_min (sc eps)).mean().mul (sc 100.0)
        | "mean_squared_logarithmic_error" ->
            let logOf (t: torch.Tensor) = t.clamp_min(sc eps).add(sc 1.0).log ()
            (logOf output - logOf target).square().mean ()
        | "huber" -> torch.nn.functional.huber_loss(output, target, delta = 1.0).mean ()
        | "log_cosh" -> (d + torch.nn.functional.softplus (d.mul (sc -2.0)) - sc (log 2.0)).mean ()
        | _ -> d.square().mean ()

    /// A Keras-semantics optimizer step (Adam: `lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)`, `p −= lr_t·m/(√v + ε)`).
    /// Adam and SGD run as tensor operations; the other optimizers run the managed trainer's
    /// `Optimizers.Stepper` on a copy of the parameters and gradient.
    type private Stepper(optimizer: Optimizer, parameters: torch.Tensor) =
        let m = torch.zeros_like parameters
        let v = torch.zeros_like parameters
        let size = int parameters.NumberOfElements
        let managed = Optimizers.Stepper(optimizer, size)
        let mutable t = 0

        member private _.StepManaged(grad: torch.Tensor) =
            let values = parameters.data<float32>().ToArray()
            managed.Step(values, grad.data<float32>().ToArray())
            use updated = torch.tensor(values: float32[]).reshape parameters.shape
            parameters.copy_ updated |> ignore

        member this.Step(grad: torch.Tensor) =
            t <- t + 1

            match optimizer with
            | _ when not (Optimizers.isTensorNative optimizer) -> this.StepManaged grad
            | Optimizer.Adam(lr, b1, b2, eps, _) ->
                m.mul_(sc b1).add_ (grad, sc (1.0 - b1)) |> ignore
                v.mul_(sc b2).addcmul_ (grad, grad, sc (1.0 - b2)) |> ignore
                let alpha = lr * sqrt (1.0 - b2 ** float t) / (1.0 - b1 ** float t)
                use denominator = v.sqrt().add_ (sc eps)
                parameters.addcdiv_ (m, denominator, sc -alpha) |> ignore
            | Optimizer.Sgd(lr, momentum, _) ->
                if momentum = 0.0 then
                    parameters.add_ (grad, sc -lr) |> ignore
                else
                    m.mul_(sc momentum).add_ (grad, sc -lr) |> ignore
                    parameters.add_ m |> ignore
            | _ -> this.StepManaged grad

        interface IDisposable with
            member _.Dispose() =
                m.Dispose()
                v.Dispose()


    let private record
        (spec: NetworkSpec)
        (totals: Totals)
        (output: torch.Tensor)
        (target: torch.Tensor)
        (loss: float)
        =
        let rows = int output.shape.[0]
        totals.Loss <- totals.Loss + loss * float rows
        totals.Rows <- totals.Rows + rows

        if List.contains "accuracy" spec.Metrics then
            use same = output.argmax(1L, false).eq (target.argmax (1L, false))
            totals.Correct <- totals.Correct + same.sum().item<int64> ()

    let private totalLoss (spec: NetworkSpec) (output, regulariser: torch.Tensor option) (target: torch.Tensor) =
        let loss = lossOf spec.Loss output target

        match regulariser with
        | Some r -> loss.add r
        | None -> loss

    let private evaluate
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (batch: int)
        (x: torch.Tensor)
        (y: torch.Tensor)
        =
        use _ = torch.no_grad ()
        let totals: Totals = { Loss = 0.0; Correct = 0L; Rows = 0 }
        let n = x.shape.[0]

        for start in 0L .. int64 batch .. n - 1L do
            use scope = torch.NewDisposeScope()
            let length = min (int64 batch) (n - start)
            let xb, yb = x.narrow (0L, start, length), y.narrow (0L, start, length)
            let output, regulariser = Forward.run spec parameters false xb
            let loss = totalLoss spec (output, regulariser) yb
            record spec totals output yb (float (loss.item<float32> ()))

        totals

    let private trainEpoch
        spec
        (parameters: torch.Tensor)
        (stepper: Stepper)
        options
        (rng: NumpyRandom)
        (x: torch.Tensor)
        (y: torch.Tensor)
        =
        let n = int x.shape.[0]
        let totals: Totals = { Loss = 0.0; Correct = 0L; Rows = 0 }
        use epochScope = torch.NewDisposeScope()

        let xs, ys =
            if options.Shuffle then
                let order = torch.tensor (rng.Permutation n |> Array.map int64)
                x.index_select (0L, order), y.index_select (0L, order)
            else
                x, y

        for start in 0 .. options.BatchSize .. n - 1 do
            use scope = torch.NewDisposeScope()
            let length = int64 (min options.BatchSize (n - start))

            let xb, yb =
                xs.narrow (0L, int64 start, length), ys.narrow (0L, int64 start, length)

            let output, regulariser = Forward.run spec parameters true xb
            let loss = totalLoss spec (output, regulariser) yb
            loss.backward ()

            using (torch.no_grad ()) (fun _ ->
                let grad = parameters.grad
                stepper.Step grad
                grad.zero_ () |> ignore)

            record spec totals output yb (float (loss.item<float32> ()))

        totals

    /// Trains `parameters` in place with an existing optimizer state (Keras keeps a compiled
    /// model's optimizer state across `fit` calls) and returns the history and steps per epoch.
    let private fitWith
        (stepper: Stepper)
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (options: FitOptions)
        (x: torch.Tensor)
        (y: torch.Tensor)
        : History * int =
        let n = int x.shape.[0]
        let split = Training.trainingRows options n
        use xTrain = x.narrow (0L, 0L, int64 split)
        use yTrain = y.narrow (0L, 0L, int64 split)
        use xVal = x.narrow (0L, int64 split, int64 (n - split))
        use yVal = y.narrow (0L, int64 split, int64 (n - split))
        let rng = NumpyRandom(uint32 options.Seed)
        let mutable bestWeights: torch.Tensor = null

        let snapshot () =
            if not (isNull bestWeights) then
                bestWeights.Dispose()

            bestWeights <- parameters.detach().clone ()

        let restore () =
            using (torch.no_grad ()) (fun _ -> parameters.copy_ bestWeights |> ignore)

        let history =
            Training.loop
                spec
                options
                (n - split > 0)
                (fun () -> trainEpoch spec parameters stepper options rng xTrain yTrain)
                (fun () -> evaluate spec parameters options.BatchSize xVal yVal)
                snapshot
                restore

        if not (isNull bestWeights) then
            bestWeights.Dispose()

        history, Training.stepsPerEpoch options split

    /// Trains `parameters` in place and returns the history (and the number of steps per epoch).
    let fit
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (options: FitOptions)
        (x: torch.Tensor)
        (y: torch.Tensor)
        : History * int =
        use stepper = new Stepper(spec.Optimizer, parameters)
        fitWith stepper spec parameters options x y

    /// Gordo's LSTM training: Keras builds the model with one priming fit on the first sample
    /// (1 epoch, batch 1), then fits every sample with `options`; the optimizer state carries over.
    let fitPrimed
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (options: FitOptions)
        (x: torch.Tensor)
        (y: torch.Tensor)
        : History * int =
        use stepper = new Stepper(spec.Optimizer, parameters)

        let priming = {
            options with
                Epochs = 1
                BatchSize = 1
                ValidationSplit = 0.0
                Shuffle = false
                EarlyStopping = None
        }

        use first = x.narrow (0L, 0L, 1L)
        use firstTarget = y.narrow (0L, 0L, 1L)
        fitWith stepper spec parameters priming first firstTarget |> ignore
        fitWith stepper spec parameters options x y
