namespace Gordo.Models.Networks

open System
open Gordo.Models

/// Keras' EarlyStopping callback settings.
type internal EarlyStopping = {
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
type internal FitOptions = {
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

/// Running sums over one epoch's batches (loss weighted by batch rows, argmax hits).
type internal Totals = {
    /// Σ batch loss × batch rows.
    mutable Loss: float
    /// Rows whose output argmax equals the target argmax (`accuracy`).
    mutable Correct: int64
    /// Rows seen.
    mutable Rows: int
}

/// The Keras epoch loop and its bookkeeping, shared by the managed trainer and the back end.
[<RequireQualifiedAccess>]
module internal Training =
    let private epochMetrics (spec: NetworkSpec) (prefix: string) (totals: Totals) = [
        prefix + "loss", totals.Loss / float totals.Rows
        if List.contains "accuracy" spec.Metrics then
            prefix + "accuracy", float totals.Correct / float totals.Rows
    ]

    let private improved (stop: EarlyStopping) (current: float) (reference: float) =
        let maximise =
            stop.Mode = "max" || (stop.Mode = "auto" && stop.Monitor.Contains "acc")

        if maximise then
            current - abs stop.MinDelta > reference
        else
            current + abs stop.MinDelta < reference

    type private StopState = {
        mutable Best: float option
        mutable Wait: int
    }

    /// Keras EarlyStopping after one epoch: updates best/wait, snapshots the best weights when
    /// asked to restore them, and returns true when training must stop (weights restored).
    let private shouldStop
        (es: EarlyStopping)
        (metrics: (string * float) list)
        (epoch: int)
        (state: StopState)
        (snapshot: unit -> unit)
        (restore: unit -> unit)
        =
        match metrics |> List.tryFind (fst >> (=) es.Monitor) with
        | None -> false
        | Some(_, current) ->
            state.Wait <- state.Wait + 1

            let maximise = es.Mode = "max" || (es.Mode = "auto" && es.Monitor.Contains "acc")

            let reference =
                state.Best |> Option.defaultValue (if maximise then -infinity else infinity)

            if improved es current reference then
                state.Best <- Some current

                if es.RestoreBestWeights then
                    snapshot ()

                if es.Baseline.IsNone || improved es current es.Baseline.Value then
                    state.Wait <- 0

            let stop = state.Wait >= es.Patience && epoch > 0

            if stop && es.RestoreBestWeights && state.Best.IsSome then
                restore ()

            stop

    /// The Keras epoch loop shared by the TorchSharp and the managed trainer: runs `trainEpoch`
    /// (and `validate` when rows are held out) per epoch, records the history in Keras' key
    /// order and applies EarlyStopping (`snapshot`/`restore` keep and bring back the best weights).
    let loop
        (spec: NetworkSpec)
        (options: FitOptions)
        (hasValidation: bool)
        (trainEpoch: unit -> Totals)
        (validate: unit -> Totals)
        (snapshot: unit -> unit)
        (restore: unit -> unit)
        : History =
        let history = Collections.Generic.List<(string * float) list>()
        let state = { Best = None; Wait = 0 }
        let mutable epoch = 0
        let mutable stop = false

        while epoch < options.Epochs && not stop do
            let trained = trainEpoch ()

            let metrics =
                epochMetrics spec "" trained
                @ (if hasValidation then
                       epochMetrics spec "val_" (validate ())
                   else
                       [])

            history.Add metrics
            Progress.report (TrainingSignal.Epoch(epoch + 1, options.Epochs, snd metrics.Head))
            Progress.throwIfCancelled ()

            match options.EarlyStopping with
            | Some es -> stop <- shouldStop es metrics epoch state snapshot restore
            | None -> ()

            epoch <- epoch + 1

        let keys =
            if history.Count = 0 then
                []
            else
                history.[0] |> List.map fst

        keys
        |> List.map (fun k -> k, history |> Seq.map (List.find (fst >> (=) k) >> snd) |> List.ofSeq)

    /// Rows used for training (the rest are the validation split, Keras' last rows).
    let trainingRows (options: FitOptions) (n: int) : int =
        if options.ValidationSplit > 0.0 then
            int (floor (float n * (1.0 - options.ValidationSplit)))
        else
            n

    /// Gradient steps per epoch.
    let stepsPerEpoch (options: FitOptions) (rows: int) : int =
        (rows + options.BatchSize - 1) / options.BatchSize
