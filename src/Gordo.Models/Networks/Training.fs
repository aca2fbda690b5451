namespace Gordo.Models.Networks

open System
open TorchSharp
open Gordo.Models

/// Keras' EarlyStopping callback settings.
type EarlyStopping = {
    /// The history key to watch (`val_loss`).
    Monitor: string
    /// Smallest change that counts as an improvement.
    MinDelta: float
    /// Epochs without improvement before stopping.
    Patience: int
    /// `min`, `max` or `auto`.
    Mode: string
    /// A value the monitor must beat for patience to reset.
    Baseline: float option
    /// Restore the best epoch's weights when stopping.
    RestoreBestWeights: bool
}

/// Keras `fit` arguments.
type FitOptions = {
    /// Passes over the data.
    Epochs: int
    /// Rows per gradient step.
    BatchSize: int
    /// Fraction of rows (the last ones) held out for `val_loss`.
    ValidationSplit: float
    /// Shuffle the training rows every epoch.
    Shuffle: bool
    /// Seed for shuffling.
    Seed: int
    /// Optional early stopping.
    EarlyStopping: EarlyStopping option
}

/// Per-epoch metric values, in Keras' key order (`loss`, `accuracy`, `val_loss`, ...).
type History = (string * float list) list

/// The Keras training loop on a flat parameter buffer (see `Layout`).
[<RequireQualifiedAccess>]
module Training =
    let private lossOf (name: string) (output: torch.Tensor) (target: torch.Tensor) : torch.Tensor =
        match name with
        | "mae"
        | "mean_absolute_error" -> (output - target).abs().mean ()
        | _ -> (output - target).square().mean ()

    /// A Keras-semantics optimizer step (Adam: `lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)`, `p −= lr_t·m/(√v + ε)`).
    type private Stepper(optimizer: Optimizer, parameters: torch.Tensor) =
        let m = torch.zeros_like parameters
        let v = torch.zeros_like parameters
        let mutable t = 0

        member _.Step(grad: torch.Tensor) =
            t <- t + 1

            match optimizer with
            | Optimizer.Adam(lr, b1, b2, eps) ->
                m.mul_(sc b1).add_ (grad, sc (1.0 - b1)) |> ignore
                v.mul_(sc b2).addcmul_ (grad, grad, sc (1.0 - b2)) |> ignore
                let alpha = lr * sqrt (1.0 - b2 ** float t) / (1.0 - b1 ** float t)
                use denominator = v.sqrt().add_ (sc eps)
                parameters.addcdiv_ (m, denominator, sc -alpha) |> ignore
            | Optimizer.Sgd(lr, momentum) ->
                if momentum = 0.0 then
                    parameters.add_ (grad, sc -lr) |> ignore
                else
                    m.mul_(sc momentum).add_ (grad, sc -lr) |> ignore
                    parameters.add_ m |> ignore

        interface IDisposable with
            member _.Dispose() =
                m.Dispose()
                v.Dispose()

    type private Totals = {
        mutable Loss: float
        mutable Correct: int64
        mutable Rows: int
    }

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

    let private epochMetrics (spec: NetworkSpec) (prefix: string) (totals: Totals) = [
        prefix + "loss", totals.Loss / float totals.Rows
        if List.contains "accuracy" spec.Metrics then
            prefix + "accuracy", float totals.Correct / float totals.Rows
    ]

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

    let private improved (stop: EarlyStopping) (current: float) (reference: float) =
        let maximise =
            stop.Mode = "max" || (stop.Mode = "auto" && stop.Monitor.Contains "acc")

        if maximise then
            current - abs stop.MinDelta > reference
        else
            current + abs stop.MinDelta < reference

    /// Trains `parameters` in place and returns the history (and the number of steps per epoch).
    let fit
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (options: FitOptions)
        (x: torch.Tensor)
        (y: torch.Tensor)
        : History * int =
        let n = int x.shape.[0]
        let split = int (floor (float n * (1.0 - options.ValidationSplit)))
        let split = if options.ValidationSplit > 0.0 then split else n
        use xTrain = x.narrow (0L, 0L, int64 split)
        use yTrain = y.narrow (0L, 0L, int64 split)
        use xVal = x.narrow (0L, int64 split, int64 (n - split))
        use yVal = y.narrow (0L, int64 split, int64 (n - split))
        use stepper = new Stepper(spec.Optimizer, parameters)
        let rng = NumpyRandom(uint32 options.Seed)
        let history = Collections.Generic.List<(string * float) list>()
        let mutable best = None
        let mutable bestWeights: torch.Tensor = null
        let mutable wait = 0
        let mutable epoch = 0
        let mutable stop = false

        while epoch < options.Epochs && not stop do
            let trained = trainEpoch spec parameters stepper options rng xTrain yTrain

            let metrics =
                epochMetrics spec "" trained
                @ (if n - split > 0 then
                       epochMetrics spec "val_" (evaluate spec parameters options.BatchSize xVal yVal)
                   else
                       [])

            history.Add metrics
            Progress.report (TrainingSignal.Epoch(epoch + 1, options.Epochs, snd metrics.Head))
            Progress.throwIfCancelled ()

            match options.EarlyStopping with
            | Some es ->
                match metrics |> List.tryFind (fst >> (=) es.Monitor) with
                | Some(_, current) ->
                    wait <- wait + 1

                    let reference =
                        best
                        |> Option.defaultValue (
                            if es.Mode = "max" || (es.Mode = "auto" && es.Monitor.Contains "acc") then
                                -infinity
                            else
                                infinity
                        )

                    if improved es current reference then
                        best <- Some current

                        if es.RestoreBestWeights then
                            if not (isNull bestWeights) then
                                bestWeights.Dispose()

                            bestWeights <- parameters.detach().clone ()

                        if es.Baseline.IsNone || improved es current es.Baseline.Value then
                            wait <- 0

                    if wait >= es.Patience && epoch > 0 then
                        stop <- true

                        if es.RestoreBestWeights && not (isNull bestWeights) then
                            using (torch.no_grad ()) (fun _ -> parameters.copy_ bestWeights |> ignore)
                | None -> ()
            | None -> ()

            epoch <- epoch + 1

        if not (isNull bestWeights) then
            bestWeights.Dispose()

        let keys =
            if history.Count = 0 then
                []
            else
                history.[0] |> List.map fst

        let steps = (split + options.BatchSize - 1) / options.BatchSize

        keys
        |> List.map (fun k -> k, history |> Seq.map (List.find (fst >> (=) k) >> snd) |> List.ofSeq),
        steps
