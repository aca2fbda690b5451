namespace Gordo.Client

open System
open System.Collections.Concurrent
open System.Globalization
open System.IO
open System.IO.Compression
open System.Text
open System.Threading
open System.Text.Json
open System.Threading.Tasks
open Gordo.Core
open Gordo.Data

/// The machine a forwarder is sending for.
type ForwardedMachine = {
    /// Machine name.
    Name: string
    /// The machine's input tag names (`dataset.tag_list`).
    Tags: string list
    /// Extra tags (`--metadata key,value`).
    Metadata: (string * string) list
}

/// Where predictions go (spec §8.2): InfluxDB, files, or anything a user writes (a historian, a
/// message bus). Per machine, calls arrive in time order; different machines call concurrently.
type IPredictionForwarder =
    /// Sends one chunk of predictions of a machine.
    abstract ForwardPredictionsAsync:
        machine: ForwardedMachine * predictions: PredictionTable * cancel: CancellationToken -> Task

    /// Sends a machine's resampled sensor data (called only with `forward_resampled_sensors`).
    abstract ForwardResampledAsync: machine: ForwardedMachine * sensors: Frame * cancel: CancellationToken -> Task

    /// Called once when a machine is finished, successfully or with errors (not when the run is
    /// cancelled or stopped by a 410; `IFailedMachineForwarder` is told of failures).
    abstract CompleteAsync: machine: ForwardedMachine * cancel: CancellationToken -> Task

/// A forwarder that must know when a machine does not finish successfully (errors recorded, the
/// run cancelled or stopped by a 410), so that it can keep what it had rather than replace it by
/// a part. The client calls `MachineFailed` once for such a machine, after its last chunk and
/// before `CompleteAsync` (which a cancelled or stopped run does not call). `FileForwarder` keeps
/// the previous files, `EventsForwarder` cuts no events.
type IFailedMachineForwarder =
    /// The machine failed (`reasons`: its errors); what was forwarded for it is incomplete.
    abstract MachineFailed: machine: ForwardedMachine * reasons: string list -> unit

/// An anomaly event as forwarded (docs/events.md; cut by `Gordo.Models.Scoring.AnomalyEvents`,
/// which this project does not reference).
type ForwardedEvent = {
    /// The first row of the event.
    Start: DateTimeOffset
    /// The last row of the event.
    End: DateTimeOffset
    /// The highest `total-anomaly-confidence` in it.
    Peak: float
    /// The tags that contribute most with their share of the scaled error, largest first.
    Tags: (string * float) list
    /// The data-quality flags seen in it (docs/quality.md).
    Quality: int
}

/// Where a machine's anomaly events go (`--events`, docs/events.md).
type IEventForwarder =
    /// Sends the events of a machine's whole predicted range.
    abstract ForwardEventsAsync:
        machine: ForwardedMachine * events: ForwardedEvent list * cancel: CancellationToken -> Task

/// A forwarder that reads each machine's model metadata (the server's `metadata` reply, as
/// `gordo client metadata` prints it) before the machine's predictions arrive; the client calls
/// it once per machine. `EventsForwarder` takes the model's event settings from it.
type IModelMetadataForwarder =
    /// The model metadata of a machine, before its first predictions.
    abstract ModelMetadata: machine: ForwardedMachine * metadata: JsonElement -> unit

/// Keeps each machine's predictions until it is finished, then cuts its events from the whole
/// range (an event may span chunks) and hands them to the event forwarders. `cut` gets the
/// machine's model metadata (None when the client gave none) and its predictions, so that each
/// model's own event settings apply. A failed machine's predictions have gaps: no events are cut
/// from them. Memory: one machine's predictions per machine in progress.
type EventsForwarder
    (cut: JsonElement option -> PredictionTable -> Result<ForwardedEvent list, string>, forwarders: IEventForwarder list)
    =
    let tables = ConcurrentDictionary<string, ResizeArray<PredictionTable>>()
    let models = ConcurrentDictionary<string, JsonElement>()

    interface IModelMetadataForwarder with
        member _.ModelMetadata(machine, metadata) =
            models.[machine.Name] <- metadata.Clone()

    interface IFailedMachineForwarder with
        member _.MachineFailed(machine, _) =
            models.TryRemove machine.Name |> ignore
            tables.TryRemove machine.Name |> ignore

    interface IPredictionForwarder with
        member _.ForwardPredictionsAsync(machine, predictions, _) =
            tables.GetOrAdd(machine.Name, fun _ -> ResizeArray()).Add predictions
            Task.CompletedTask

        member _.ForwardResampledAsync(_, _, _) = Task.CompletedTask

        member _.CompleteAsync(machine, cancel) =
            task {
                let metadata =
                    match models.TryRemove machine.Name with
                    | true, m -> Some m
                    | _ -> None

                match tables.TryRemove machine.Name with
                | true, parts when parts.Count > 0 ->
                    let t = PredictionTable.concat (List.ofSeq parts)

                    match cut metadata t with
                    | Error e -> invalidOp $"no events: %s{e}"
                    | Ok events ->
                        for f in forwarders do
                            do! f.ForwardEventsAsync(machine, events, cancel)
                | _ -> ()
            }

/// Several forwarders, called one after the other.
type CompositeForwarder(forwarders: IPredictionForwarder list) =
    interface IModelMetadataForwarder with
        member _.ModelMetadata(machine, metadata) =
            for f in forwarders do
                match f with
                | :? IModelMetadataForwarder as m -> m.ModelMetadata(machine, metadata)
                | _ -> ()

    interface IFailedMachineForwarder with
        member _.MachineFailed(machine, reasons) =
            for f in forwarders do
                match f with
                | :? IFailedMachineForwarder as m -> m.MachineFailed(machine, reasons)
                | _ -> ()

    interface IPredictionForwarder with
        member _.ForwardPredictionsAsync(machine, predictions, cancel) =
            task {
                for f in forwarders do
                    do! f.ForwardPredictionsAsync(machine, predictions, cancel)
            }

        member _.ForwardResampledAsync(machine, sensors, cancel) =
            task {
                for f in forwarders do
                    do! f.ForwardResampledAsync(machine, sensors, cancel)
            }

        member _.CompleteAsync(machine, cancel) =
            task {
                for f in forwarders do
                    do! f.CompleteAsync(machine, cancel)
            }

/// Writes each machine's predictions to `<dir>/<machine>.csv.gz` (`--output-dir`): a `timestamp`
/// column, then one column per `(top, sub)` named `top|sub` (`top` alone for single columns, as
/// `gordo anomaly` names them). Rows are appended as chunks arrive, so memory stays bounded,
/// into a hidden temporary file beside the target (`AtomicPath`'s names, whose leftovers from a
/// killed run are removed when the machine starts) that `CompleteAsync` renames over it: a
/// failed or cancelled machine (`IFailedMachineForwarder`) leaves the previous file and no
/// temporary one. Events go to `<dir>/<machine>.events.json` through `AtomicPath` too.
type FileForwarder(directory: string) =
    let open' = ConcurrentDictionary<string, StreamWriter * string>()

    static let cell (v: float) =
        if Double.IsNaN v then
            ""
        else
            v.ToString("R", CultureInfo.InvariantCulture)

    static let deleteIfThere (path: string) =
        if File.Exists path then
            File.Delete path

    let target (machine: string) =
        Path.Combine(directory, machine + ".csv.gz")

    let writerFor (machine: string) (t: PredictionTable) =
        open'.GetOrAdd(
            machine,
            fun name ->
                Directory.CreateDirectory directory |> ignore
                AtomicPath.clean directory (Some(Path.GetFileName(target name)))
                let temp = AtomicPath.tempSibling (target name)

                let w =
                    new StreamWriter(new GZipStream(File.Create temp, CompressionLevel.Fastest), UTF8Encoding false)

                w.WriteLine(
                    "timestamp,"
                    + String.Join(",", t.Columns |> Array.map (fst >> PredictionTable.flatName))
                )

                w, temp
        )

    /// Closes a machine's temporary file and renames it over the target when `keep`; the
    /// temporary file never outlives this call.
    let close (machine: string) (keep: bool) =
        match open'.TryRemove machine with
        | true, (w, temp) ->
            try
                w.Dispose()

                if keep then
                    File.Move(temp, target machine, true)
            finally
                deleteIfThere temp
        | _ -> ()

    /// The file a machine's events go to.
    member _.EventsPathOf(machine: string) : string =
        Path.Combine(directory, machine + ".events.json")

    /// The file a machine's predictions go to.
    member _.PathOf(machine: string) : string = target machine

    interface IPredictionForwarder with
        member _.ForwardPredictionsAsync(machine, predictions, _) =
            let w, _ = writerFor machine.Name predictions
            let line = StringBuilder()

            for i in 0 .. predictions.Index.Length - 1 do
                line
                    .Clear()
                    .Append(predictions.Index.[i].ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))
                |> ignore

                for _, values in predictions.Columns do
                    line.Append(',').Append(cell values.[i]) |> ignore

                w.WriteLine(line.ToString())

            Task.CompletedTask

        member _.ForwardResampledAsync(_, _, _) = Task.CompletedTask

        member _.CompleteAsync(machine, _) =
            close machine.Name true
            Task.CompletedTask

    interface IFailedMachineForwarder with
        member _.MachineFailed(machine, _) = close machine.Name false

    interface IEventForwarder with
        member this.ForwardEventsAsync(machine, events, _) =
            Directory.CreateDirectory directory |> ignore
            AtomicPath.writeAllBytes (this.EventsPathOf machine.Name) (FileForwarder.EventsJson events)
            Task.CompletedTask

    /// Events as the JSON array of `gordo anomaly --events`: `[{start, end, peak, tags: [{tag, share}], quality}]`.
    static member EventsJson(events: ForwardedEvent list) : byte[] =
        use buffer = new MemoryStream()

        using (new Text.Json.Utf8JsonWriter(buffer, Text.Json.JsonWriterOptions(Indented = true))) (fun w ->
            let time (t: DateTimeOffset) =
                t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)

            w.WriteStartArray()

            for e in events do
                w.WriteStartObject()
                w.WriteString("start", time e.Start)
                w.WriteString("end", time e.End)
                w.WriteNumber("peak", e.Peak)
                w.WriteStartArray("tags")

                for tag, share in e.Tags do
                    w.WriteStartObject()
                    w.WriteString("tag", tag)
                    w.WriteNumber("share", share)
                    w.WriteEndObject()

                w.WriteEndArray()
                w.WriteNumber("quality", e.Quality)
                w.WriteEndObject()

            w.WriteEndArray())

        buffer.ToArray()
