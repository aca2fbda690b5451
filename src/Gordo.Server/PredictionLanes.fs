namespace Gordo.Server

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks

/// Dedicated threads that run the server's predictions one after another, in arrival order.
///
/// Why not the thread pool behind a semaphore: when a prediction ends, the next waiter resumes
/// only once the pool gets to its continuation, behind every socket callback queued meanwhile,
/// so the cores idle between predictions; and a pool thread computing competes with the ones
/// receiving and sending. Here a lane takes the next prediction the moment it finishes one,
/// and sockets keep the pool to themselves.
[<Sealed>]
type internal PredictionLanes(count: int) =
    let queue = new BlockingCollection<unit -> unit>(ConcurrentQueue<unit -> unit>())

    let lane () =
        for work in queue.GetConsumingEnumerable() do
            work ()

    let start i =
        let thread = Thread(lane, IsBackground = true, Name = $"gordo-predict-{i}")
        thread.Start()
        thread

    // The lanes start without the creator's execution context: each piece of work brings its own.
    let threads =
        if ExecutionContext.IsFlowSuppressed() then
            Array.init (max 1 count) start
        else
            use _ = ExecutionContext.SuppressFlow()
            Array.init (max 1 count) start

    /// How many lanes run predictions at once.
    member _.Count: int = threads.Length

    /// Runs `work` on the next free lane, in the caller's execution context (its async-local
    /// values: `IHttpContextAccessor`, `Activity.Current`, log scopes); the task ends with its
    /// result or its exception (and is cancelled, without running `work`, when `cancel` fires
    /// while it waits). Continuations run on the thread pool, never on a lane.
    member _.Run(work: unit -> 'T, cancel: CancellationToken) : Task<'T> =
        let result =
            TaskCompletionSource<'T>(TaskCreationOptions.RunContinuationsAsynchronously)

        let complete (_: obj) =
            try
                result.SetResult(work ())
            with e ->
                result.SetException e

        let context = ExecutionContext.Capture()

        let run () =
            if cancel.IsCancellationRequested then
                result.TrySetCanceled cancel |> ignore
            elif isNull context then
                complete null
            else
                ExecutionContext.Run(context, ContextCallback complete, null)

        try
            queue.Add run
        with :? InvalidOperationException ->
            result.SetException(ObjectDisposedException(nameof PredictionLanes, "The server is shutting down."))

        result.Task

    interface IDisposable with
        /// Stops taking work and gives the lanes a few seconds to finish what is queued (they are
        /// background threads: a prediction still running then does not hold up the process).
        member _.Dispose() =
            if not queue.IsAddingCompleted then
                queue.CompleteAdding()

                for thread in threads do
                    if thread <> Thread.CurrentThread then
                        thread.Join(TimeSpan.FromSeconds 5.0) |> ignore
