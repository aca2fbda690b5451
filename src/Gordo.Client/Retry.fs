namespace Gordo.Client

open System
open System.IO
open System.Net.Http
open System.Threading
open System.Threading.Tasks

/// A failure worth retrying: 5xx answers, I/O errors, timeouts, refused connections.
exception TransientException of message: string

/// Gordo's retry rule (spec §8.1): up to `n` retries sleeping `min(2^(attempt+2), 300)` seconds.
[<RequireQualifiedAccess>]
module Retry =
    /// The wait before retry `attempt` (0-based) with the given base (1 s in Gordo).
    let delay (backoffBase: TimeSpan) (attempt: int) : TimeSpan =
        let factor = Math.Min(Math.Pow(2.0, float (attempt + 2)), 300.0)
        TimeSpan.FromTicks(int64 (float backoffBase.Ticks * factor))

    /// Whether an exception is transient (retried) rather than a definite answer.
    let isTransient (e: exn) : bool =
        match e with
        | TransientException _
        | :? HttpRequestException
        | :? IOException
        | :? TimeoutException -> true
        | :? TaskCanceledException as t -> not t.CancellationToken.IsCancellationRequested
        | _ -> false

    /// The message of a transient failure.
    let message (e: exn) : string =
        match e with
        | TransientException m -> m
        | :? TaskCanceledException -> "the request timed out"
        | e when not (isNull e.InnerException) -> $"%s{e.Message} (%s{e.InnerException.Message})"
        | e -> e.Message

    /// Runs `work`, retrying transient failures `retries` times; the last failure propagates.
    let run (retries: int) (backoffBase: TimeSpan) (cancel: CancellationToken) (work: unit -> Task<'T>) : Task<'T> =
        let rec attempt (k: int) : Task<'T> =
            task {
                let! outcome =
                    task {
                        try
                            let! v = work ()
                            return Ok v
                        with e when isTransient e && k < retries && not cancel.IsCancellationRequested ->
                            return Error e
                    }

                match outcome with
                | Ok v -> return v
                | Error _ ->
                    do! Task.Delay(delay backoffBase k, cancel)
                    return! attempt (k + 1)
            }

        attempt 0
