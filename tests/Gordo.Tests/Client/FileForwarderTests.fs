/// `FileForwarder`: a machine's files are replaced only when it completes; a failed machine keeps
/// the previous ones and leaves no temporary file.
module Gordo.Tests.Client.FileForwarderTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Client

let private machine = {
    Name = "m-1"
    Tags = [ "TAG-1" ]
    Metadata = []
}

let private table (value: float) : PredictionTable = {
    Index = [| DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) |]
    Columns = [| ("model-output", "TAG-1"), [| value |] |]
}

let private event: ForwardedEvent = {
    Start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
    End = DateTimeOffset(2020, 1, 1, 1, 0, 0, TimeSpan.Zero)
    Peak = 2.0
    Tags = [ "TAG-1", 1.0 ]
    Quality = 0
}

/// A folder holding a previous `m-1.csv.gz` and `m-1.events.json` with known bytes.
let private previous () =
    let dir =
        Path.Combine(Path.GetTempPath(), "gordo-files-" + Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory dir |> ignore
    File.WriteAllText(Path.Combine(dir, "m-1.csv.gz"), "previous predictions")
    File.WriteAllText(Path.Combine(dir, "m-1.events.json"), "previous events")
    dir

let private names (dir: string) =
    Directory.GetFiles dir |> Array.map Path.GetFileName |> Array.sort

let private forward (f: FileForwarder) =
    (f :> IPredictionForwarder).ForwardPredictionsAsync(machine, table 1.5, CancellationToken.None).Wait()

[<Tests>]
let tests =
    testList "Client.FileForwarder" [
        test "a failed machine keeps the previous files and leaves no temporary file" {
            let dir = previous ()
            let f = FileForwarder dir
            forward f
            Expect.equal (names dir).Length 3 "the predictions go to a temporary file meanwhile"
            (f :> IFailedMachineForwarder).MachineFailed(machine, [ "boom" ])
            (f :> IPredictionForwarder).CompleteAsync(machine, CancellationToken.None).Wait()
            Expect.equal (names dir) [| "m-1.csv.gz"; "m-1.events.json" |] "no temporary file left"
            Expect.equal (File.ReadAllText(f.PathOf "m-1")) "previous predictions" "previous predictions kept"
        }
        test "a completed machine replaces the previous files" {
            let dir = previous ()
            let f = FileForwarder dir
            forward f
            (f :> IPredictionForwarder).CompleteAsync(machine, CancellationToken.None).Wait()

            (f :> IEventForwarder).ForwardEventsAsync(machine, [ event ], CancellationToken.None).Wait()

            Expect.equal (names dir) [| "m-1.csv.gz"; "m-1.events.json" |] "no temporary file left"
            use file = File.OpenRead(f.PathOf "m-1")
            use gz = new Compression.GZipStream(file, Compression.CompressionMode.Decompress)
            use reader = new StreamReader(gz)
            Expect.stringContains (reader.ReadToEnd()) "2020-01-01T00:00:00+00:00,1.5" "new predictions"
            Expect.stringContains (File.ReadAllText(f.EventsPathOf "m-1")) "\"peak\": 2" "new events"
        }
        test "EventsForwarder cuts no events for a failed machine" {
            let dir = previous ()
            let f = FileForwarder dir
            let cuts = ref 0

            let cut _ _ =
                cuts.Value <- cuts.Value + 1
                Ok [ event ]

            let events =
                CompositeForwarder([ f; EventsForwarder(cut, [ f ]) ]) :> IPredictionForwarder

            events.ForwardPredictionsAsync(machine, table 1.5, CancellationToken.None).Wait()
            (events :?> IFailedMachineForwarder).MachineFailed(machine, [ "boom" ])
            events.CompleteAsync(machine, CancellationToken.None).Wait()
            Expect.equal cuts.Value 0 "no events cut"
            Expect.equal (File.ReadAllText(f.EventsPathOf "m-1")) "previous events" "previous events kept"
            Expect.equal (names dir) [| "m-1.csv.gz"; "m-1.events.json" |] "no temporary file left"
        }
    ]
