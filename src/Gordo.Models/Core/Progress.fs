namespace Gordo.Models

open System
open System.Threading

/// What a long-running model step reports while it runs.
[<RequireQualifiedAccess>]
type TrainingSignal =
    /// Cross-validation fold `index` (1-based) of `count` starts.
    | Fold of index: int * count: int
    /// Training epoch `index` (1-based) of `count` finished with this loss.
    | Epoch of index: int * count: int * loss: float

/// Ambient progress reporting and cancellation for model fitting: the builder opens a scope,
/// the fold loop and the network training loop report into it and stop when it is cancelled.
/// Outside a scope every call is a no-op (estimators stay usable on their own).
[<RequireQualifiedAccess>]
module Progress =
    type private Scope = {
        Report: TrainingSignal -> unit
        Cancel: CancellationToken
    }

    let private current = AsyncLocal<Scope option>()

    /// Opens a scope for the calling flow until disposed.
    let scope (report: TrainingSignal -> unit) (cancel: CancellationToken) : IDisposable =
        let previous = current.Value
        current.Value <- Some { Report = report; Cancel = cancel }

        { new IDisposable with
            member _.Dispose() = current.Value <- previous
        }

    /// Reports a signal to the enclosing scope (if any).
    let internal report (signal: TrainingSignal) : unit =
        match current.Value with
        | Some s -> s.Report signal
        | None -> ()

    /// Throws OperationCanceledException when the enclosing scope was cancelled.
    let internal throwIfCancelled () : unit =
        match current.Value with
        | Some s -> s.Cancel.ThrowIfCancellationRequested()
        | None -> ()
