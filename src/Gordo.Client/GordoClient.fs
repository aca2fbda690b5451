namespace Gordo.Client

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Net.Http
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Gordo.Data

/// Keeps every machine's predictions in memory, concatenated in time order (for small ranges,
/// tests and scripts; the other forwarders stream).
type CollectingForwarder() =
    let tables = ConcurrentDictionary<string, ResizeArray<PredictionTable>>()

    /// A machine's predictions so far, in time order.
    member _.Predictions(machine: string) : PredictionTable =
        match tables.TryGetValue machine with
        | true, parts -> PredictionTable.concat (List.ofSeq parts)
        | _ -> PredictionTable.empty

    interface IPredictionForwarder with
        member _.ForwardPredictionsAsync(machine, predictions, _) =
            tables.GetOrAdd(machine.Name, fun _ -> ResizeArray()).Add predictions
            Task.CompletedTask

        member _.ForwardResampledAsync(_, _, _) = Task.CompletedTask
        member _.CompleteAsync(_, _) = Task.CompletedTask

/// Gordo's client (spec §8.1): revisions, machines and metadata from the server; predictions for
/// a time range fetched from each machine's data source, scored by the server chunk by chunk and
/// handed to a forwarder in time order. Chunks alive over all machines (sliced, in flight, or
/// scored and waiting for their turn to be forwarded) are bounded by `Parallelism`, so memory
/// is bounded by batch size × parallelism plus each active machine's input frames.
type GordoClient(options: ClientOptions, http: HttpClient) =
    let api = ServerApi(options, http)
    let requests = new SemaphoreSlim(max 1 options.Parallelism)
    let machines = new SemaphoreSlim(max 1 options.Parallelism)
    let chunks = new SemaphoreSlim(max 1 options.Parallelism)
    // A 422 switches this client to /prediction for good, as Gordo's client does.
    let mutable anomaly = true

    let gated (gate: SemaphoreSlim) (cancel: CancellationToken) (work: unit -> Task<'T>) : Task<'T> =
        task {
            do! gate.WaitAsync(cancel)

            try
                return! work ()
            finally
                gate.Release() |> ignore
        }

    let stamp (t: DateTimeOffset) =
        t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", Globalization.CultureInfo.InvariantCulture)

    /// The exception of the first failed run, or a cancellation when every run was cancelled.
    let firstFailure (runs: Task<MachineOutcome>[]) (cancel: CancellationToken) : exn =
        match runs |> Array.tryPick (fun t -> Option.ofObj t.Exception) with
        | Some failed -> failed.InnerException
        | None -> OperationCanceledException(cancel)

    /// Tells a forwarder that wants to know (`IFailedMachineForwarder`) that a machine failed.
    let machineFailed (forwarder: IPredictionForwarder) (machine: ForwardedMachine) (reasons: string list) =
        match forwarder with
        | :? IFailedMachineForwarder as f -> f.MachineFailed(machine, reasons)
        | _ -> ()

    let scoreChunk (name: string) (revision: string) (x: Frame) (y: Frame) (cancel: CancellationToken) =
        let body () =
            if options.UseParquet then
                ClientData.parquetBody x y
            else
                ClientData.jsonBody x y

        gated requests cancel (fun () ->
            task {
                let first = anomaly

                try
                    try
                        return! api.PredictAsync(name, revision, first, body, cancel)
                    with NotAnomalyDetectorException _ when first ->
                        anomaly <- false
                        return! api.PredictAsync(name, revision, false, body, cancel)
                with NotAnomalyDetectorException m ->
                    return raise (BadRequestException(422, m))
            })

    let failedDates (name: string) (x: Frame) (message: string) =
        let times = Frame.timestamps x
        $"Failed to get predictions for dates %s{stamp times.[0]} -> %s{stamp times.[times.Length - 1]} for target: '%s{name}' Error: %s{message}"

    /// Scores chunk `k`, returning its table or the message to record (410 propagates).
    let chunk
        (name: string)
        (revision: string)
        (x: Frame)
        (y: Frame)
        (cancel: CancellationToken)
        : Task<Result<PredictionTable, string>> =
        task {
            try
                let! t = scoreChunk name revision x y cancel
                return Ok t
            with
            | BadRequestException(_, m) -> return Error(failedDates name x m)
            | e when Retry.isTransient e -> return Error(failedDates name x (Retry.message e))
        }

    /// The base URL of the server's project.
    member _.BaseUrl: string = api.BaseUrl

    /// The server API (revisions, machines, metadata, download).
    member _.Api: ServerApi = api

    /// The latest revision.
    member _.LatestRevisionAsync(cancel: CancellationToken) : Task<string> =
        task {
            let! latest, _ = api.RevisionsAsync cancel
            return latest
        }

    /// Predicts one machine (steps 1-6 of spec §8.1); failures are recorded in the outcome.
    member private _.PredictMachineAsync
        (name, revision, start, finish, forwarder: IPredictionForwarder, report: ClientEvent -> unit, cancel)
        : Task<MachineOutcome> =
        task {
            let errors = ResizeArray<string>()
            let mutable rows = 0

            let! prepared =
                task {
                    try
                        let! metadata = gated requests cancel (fun () -> api.MetadataAsync(name, revision, cancel))

                        match
                            ClientData.dataset metadata
                            |> Result.bind (fun ds ->
                                ClientData.request metadata ds start finish
                                |> Result.bind (fun r ->
                                    ClientData.provider options.DataProvider ds |> Result.map (fun p -> ds, r, p)))
                        with
                        | Error e -> return Error e
                        | Ok(ds, r, p) ->
                            let! data = ClientData.fetchAsync p r cancel

                            let tags =
                                ds.TagList
                                |> List.map (function
                                    | Gordo.Core.Config.Tag.Name n -> n
                                    | Gordo.Core.Config.Tag.Sensor s -> s.Name)

                            return data |> Result.map (fun (x, y) -> tags, metadata, x, y)
                    with
                    | BadRequestException(_, m) -> return Error m
                    | e when Retry.isTransient e ->
                        return Error $"cannot get the metadata of '%s{name}' from %s{api.BaseUrl}: %s{Retry.message e}"
                }

            let target (tags: string list) = {
                Name = name
                Tags = tags
                Metadata = options.Metadata
            }

            match prepared with
            | Error e ->
                errors.Add $"'%s{name}': %s{e}"
                report (ClientEvent.ChunkFailed(name, e))
            | Ok(tags, metadata, x, y) ->
                let machine = target tags

                match forwarder with
                | :? IModelMetadataForwarder as f -> f.ModelMetadata(machine, metadata)
                | _ -> ()

                let n = Frame.length x
                let size = max 1 options.BatchSize
                let total = (n + size - 1) / size
                report (ClientEvent.Started(name, n, total))

                let forward (work: unit -> Task) (what: string) =
                    task {
                        try
                            do! work ()
                        with e when not (e :? OperationCanceledException) || not cancel.IsCancellationRequested ->
                            let m =
                                $"Failed to forward %s{what} for target: '%s{name}' Error: %s{Retry.message e}"

                            errors.Add m
                            report (ClientEvent.ChunkFailed(name, m))
                    }

                if options.ForwardResampledSensors && n > 0 then
                    do! forward (fun () -> forwarder.ForwardResampledAsync(machine, x, cancel)) "resampled sensor data"

                let window = Queue<int * Task<Result<PredictionTable, string>>>()
                let mutable next = 0
                let mutable finished = 0

                let launch () =
                    let from = next * size
                    let count = min size (n - from)
                    let xc = PredictionTable.sliceFrame from count x
                    let yc = PredictionTable.sliceFrame from count y
                    window.Enqueue((count, chunk name revision xc yc cancel))
                    next <- next + 1

                // Launch while chunk permits are free; wait for one only with nothing in flight
                // (a machine holding permits must be free to forward its head, or all could wait).
                let fill () =
                    task {
                        let mutable more = true

                        while more && next < total do
                            if window.Count = 0 then
                                do! chunks.WaitAsync(cancel)
                                launch ()
                            elif chunks.Wait 0 then
                                launch ()
                            else
                                more <- false
                    }

                // Whether the machine got to its end (else a cancellation or a 410 stopped it).
                let mutable ended = false

                try
                    try
                        do! fill ()

                        while window.Count > 0 do
                            let count, pending = window.Dequeue()

                            try
                                let! result = pending
                                finished <- finished + 1

                                match result with
                                | Ok t ->
                                    do!
                                        forward
                                            (fun () -> forwarder.ForwardPredictionsAsync(machine, t, cancel))
                                            "predictions"

                                    rows <- rows + PredictionTable.length t
                                    report (ClientEvent.ChunkDone(name, finished, total, count))
                                | Error m ->
                                    errors.Add m
                                    report (ClientEvent.ChunkFailed(name, m))
                            finally
                                chunks.Release() |> ignore

                            do! fill ()
                    finally
                        // A 410 or a cancellation ends the machine early: give back the queued permits.
                        for _ in 1 .. window.Count do
                            chunks.Release() |> ignore

                    ended <- true

                    if errors.Count > 0 then
                        machineFailed forwarder machine (List.ofSeq errors)
                finally
                    if not ended then
                        machineFailed forwarder machine [ "the run was cancelled or stopped before the machine's end" ]

                do! forward (fun () -> forwarder.CompleteAsync(machine, cancel)) "the end of the predictions"

            let outcome = {
                Name = name
                Rows = rows
                Errors = List.ofSeq errors
            }

            report (ClientEvent.Finished outcome)
            return outcome
        }

    /// Predictions of `[start, finish]` for the given machines (every machine of the revision
    /// when empty) at a revision (the latest when None), forwarded as they arrive. A 410 from
    /// the server aborts the whole run (`ResourceGoneException`); cancelling it raises
    /// `OperationCanceledException`; every other failure is recorded in its machine's outcome.
    /// Forwarders implementing `IFailedMachineForwarder` are told of each machine that failed,
    /// was cancelled or stopped.
    member this.PredictAsync
        (
            start: DateTimeOffset,
            finish: DateTimeOffset,
            targets: string list,
            revision: string option,
            forwarder: IPredictionForwarder,
            report: ClientEvent -> unit,
            cancel: CancellationToken
        ) : Task<MachineOutcome list> =
        task {
            if start >= finish then
                invalidArg "finish" $"the start (%s{stamp start}) must be before the end (%s{stamp finish})"

            let! revision =
                match revision with
                | Some r -> Task.FromResult r
                | None -> this.LatestRevisionAsync cancel

            let! names =
                match targets with
                | [] -> api.MachinesAsync(revision, cancel)
                | given -> Task.FromResult given

            use abort = CancellationTokenSource.CreateLinkedTokenSource cancel

            let one name =
                gated machines abort.Token (fun () ->
                    task {
                        try
                            return!
                                this.PredictMachineAsync(name, revision, start, finish, forwarder, report, abort.Token)
                        with ResourceGoneException _ as gone ->
                            abort.Cancel()
                            return raise gone
                    })

            let runs = names |> List.map one |> Array.ofList

            try
                let! outcomes = Task.WhenAll runs
                return List.ofArray outcomes
            with _ ->
                return
                    runs
                    |> Array.tryPick (fun t ->
                        match t.Exception with
                        | null -> None
                        | agg ->
                            agg.InnerExceptions
                            |> Seq.tryFind (function
                                | ResourceGoneException _ -> true
                                | _ -> false))
                    |> function
                        | Some gone -> raise gone
                        | None -> raise (firstFailure runs abort.Token)
        }

    /// `{name: metadata}` for the given machines (every machine of the latest revision when empty).
    member this.MetadataAsync(targets: string list, cancel: CancellationToken) : Task<(string * JsonElement) list> =
        task {
            let! revision = this.LatestRevisionAsync cancel

            let! names =
                match targets with
                | [] -> api.MachinesAsync(revision, cancel)
                | given -> Task.FromResult given

            let result = ResizeArray()

            for name in names do
                let! m = api.MetadataAsync(name, revision, cancel)
                result.Add((name, m))

            return List.ofSeq result
        }

    interface IDisposable with
        member _.Dispose() =
            requests.Dispose()
            machines.Dispose()
            chunks.Dispose()
