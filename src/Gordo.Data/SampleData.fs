namespace Gordo.Data

open Gordo.Core

open System
open System.IO

/// Settings of the sample plant.
type SampleOptions = {
    /// First timestamp (UTC midnight recommended).
    Start: DateTimeOffset
    /// Days of data.
    Days: int
    /// Sampling interval.
    Interval: TimeSpan
    /// Seed of the random generator (same seed, same files).
    Seed: int
    /// Machine names.
    Machines: string list
}

/// Files of the sample plant (`SamplePlant`): data, events and a config reading them.
[<RequireQualifiedAccess>]
module SampleData =

    /// Default settings: 3 machines, 30 days of 1-minute data from 2020-01-01.
    let defaults: SampleOptions = {
        Start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
        Days = 30
        Interval = TimeSpan.FromMinutes 1.0
        Seed = 42
        Machines = [ "pump-1"; "pump-2"; "compressor-1" ]
    }

    /// Whether the sampling interval is one the plant is made for: one second to one day (a
    /// millisecond would make tens of millions of rows per tag and day).
    let intervalInRange (step: TimeSpan) : bool =
        step >= TimeSpan.FromSeconds 1.0 && step <= TimeSpan.FromDays 1.0

    /// The four tag names of machine number `m` (historian style, see `SamplePlant.tagName`).
    let tagNames (m: int) : string list = SamplePlant.tagNames m

    /// Generates the plant: one wide frame (every machine's tags, `Days` days from `Start`, end
    /// exclusive) and the events, as `SamplePlantDataProvider` yields them for that period.
    let generate (o: SampleOptions) : Frame * SampleEvent list =
        let finish = o.Start.AddDays(float o.Days).AddTicks -1L

        let parts =
            o.Machines
            |> List.mapi (fun m name ->
                let index, data = SamplePlant.machineData o.Seed o.Interval m o.Start finish
                index, List.zip (tagNames m) (List.ofArray data), SamplePlant.events o.Seed name m o.Start finish)

        let index =
            match parts with
            | (i, _, _) :: _ -> i
            | [] -> [||]

        let frame =
            Frame.create o.Start.Offset index (parts |> List.collect (fun (_, c, _) -> c))
            |> Result.defaultWith (fun e -> invalidOp e.Message)

        frame, parts |> List.collect (fun (_, _, e) -> e)

    let private eventsCsv (events: SampleEvent list) : string list =
        "machine,tag,kind,start,end"
        :: (events
            |> List.map (fun e ->
                String.Join(
                    ",",
                    e.Machine,
                    e.Tag,
                    e.Kind,
                    FrameIO.formatTimestamp e.Start,
                    FrameIO.formatTimestamp e.End
                )))

    /// A Gordo project config for the plant reading `data.parquet` with FileDataProvider.
    let config (o: SampleOptions) (dataPath: string) : string =
        let iso (t: DateTimeOffset) = t.ToString("yyyy-MM-ddTHH:mm:sszzz")
        let finish = o.Start.AddDays(float o.Days)

        let machineYaml (m: int) (name: string) =
            let tags = tagNames m |> List.map (sprintf "        - %s") |> String.concat "\n"
            sprintf "  - name: %s\n    dataset:\n      tags:\n%s\n" name tags

        [
            "machines:"
            o.Machines |> List.mapi machineYaml |> String.concat ""
            "globals:"
            "  model:"
            "    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:"
            "      base_estimator:"
            "        sklearn.pipeline.Pipeline:"
            "          steps:"
            "            - sklearn.preprocessing.MinMaxScaler"
            "            - gordo.machine.model.models.KerasAutoEncoder:"
            "                kind: feedforward_hourglass"
            "  dataset:"
            sprintf "    train_start_date: %s" (iso o.Start)
            sprintf "    train_end_date: %s" (iso finish)
            "    resolution: 10T"
            "    data_provider:"
            "      type: FileDataProvider"
            sprintf "      path: %s" dataPath
        ]
        |> String.concat "\n"

    /// Writes `data.parquet` (wide), `events.csv` and `gordo-config.yaml` into `dir`, each
    /// replaced atomically (a failure leaves that file's previous content; what a killed run left
    /// is removed first); returns the written paths.
    let write (dir: string) (o: SampleOptions) : string list =
        let names = [ "data.parquet"; "events.csv"; "gordo-config.yaml" ]
        Directory.CreateDirectory dir |> ignore
        names |> List.iter (Some >> AtomicPath.clean dir)
        let frame, events = generate o
        let file name = Path.Combine(dir, name)
        ParquetIO.write (file "data.parquet") frame
        AtomicPath.writeText (file "events.csv") (fun w -> eventsCsv events |> List.iter w.WriteLine)
        AtomicPath.writeAllText (file "gordo-config.yaml") (config o (Path.GetFullPath(file "data.parquet")) + "\n")
        names |> List.map file
