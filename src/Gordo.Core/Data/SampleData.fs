namespace Gordo.Core.Data

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

/// An injected or incidental event, written to `events.csv`.
type SampleEvent = {
    /// Machine name.
    Machine: string
    /// Affected tag.
    Tag: string
    /// `fault`, `stuck` or `gap`.
    Kind: string
    /// Start (inclusive).
    Start: DateTimeOffset
    /// End (inclusive).
    End: DateTimeOffset
}

/// A realistic sample plant: per machine, correlated flow, pressure, temperature and vibration
/// tags driven by a daily load cycle and a slow random walk, with noise, gaps (NaN), stuck
/// sensors and injected fault periods (vibration rises, temperature drifts).
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

    /// The four tag names of machine number `m` (historian style).
    let tagNames (m: int) : string list =
        [ "FT"; "PT"; "TT"; "VT" ]
        |> List.map (fun kind -> sprintf "PLANT-%s-%02d%d.PV" kind (m + 1) 1)

    let private gauss (rng: Random) =
        sqrt (-2.0 * log (1.0 - rng.NextDouble()))
        * cos (2.0 * Math.PI * rng.NextDouble())

    /// Load in [0.2, 1.1]: daily cycle plus a slow mean-reverting walk.
    let private load (rng: Random) (times: DateTimeOffset[]) : float[] =
        let mutable walk = 0.0

        times
        |> Array.map (fun t ->
            walk <- 0.999 * walk + 0.01 * gauss rng
            let hour = t.TimeOfDay.TotalHours
            Math.Clamp(0.7 + 0.2 * sin (2.0 * Math.PI * (hour - 6.0) / 24.0) + walk, 0.2, 1.1))

    let private window (rng: Random) (n: int) (minLen: int) (maxLen: int) : int * int =
        let len = rng.Next(minLen, maxLen + 1)
        let a = rng.Next(0, max 1 (n - len))
        a, min (n - 1) (a + len)

    /// The four signals of one machine from its load.
    let private signals (rng: Random) (times: DateTimeOffset[]) (l: float[]) : float[][] =
        let mutable temp = 40.0

        let noise s = s * gauss rng

        let flow = l |> Array.map (fun x -> 100.0 * x + noise 1.5)
        let pressure = l |> Array.map (fun x -> 5.0 + 3.0 * x * x + noise 0.05)

        let temperature =
            Array.map2
                (fun (t: DateTimeOffset) x ->
                    temp <- temp + 0.02 * (40.0 + 15.0 * x - temp)
                    temp + 2.0 * sin (2.0 * Math.PI * t.TimeOfDay.TotalHours / 24.0) + noise 0.2)
                times
                l

        let vibration = l |> Array.map (fun x -> 0.5 + 0.8 * x + noise 0.03)
        [| flow; pressure; temperature; vibration |]

    let private injectFault (rng: Random) (data: float[][]) : int * int =
        let a, b = window rng data.[0].Length 120 720

        for i in a..b do
            let p = float (i - a) / float (b - a + 1)
            data.[3].[i] <- data.[3].[i] + 1.5 * p
            data.[2].[i] <- data.[2].[i] + 8.0 * p

        a, b

    let private blank (rng: Random) (column: float[]) (stuck: bool) : int * int =
        let a, b = window rng column.Length 60 360

        for i in a..b do
            column.[i] <- if stuck then column.[a] else nan

        a, b

    /// One machine's columns and events.
    let private machine (rng: Random) (times: DateTimeOffset[]) (m: int) (name: string) =
        let tags = tagNames m |> Array.ofList
        let data = signals rng times (load rng times)
        let at (a, b) = times.[a], times.[b]

        let event tag kind (a, b) = {
            Machine = name
            Tag = tag
            Kind = kind
            Start = fst (at (a, b))
            End = snd (at (a, b))
        }

        let faults = [ for _ in 1..2 -> event tags.[3] "fault" (injectFault rng data) ]
        let stuck = [ let k = rng.Next 4 in event tags.[k] "stuck" (blank rng data.[k] true) ]
        let gaps = [ for k in 0..3 -> event tags.[k] "gap" (blank rng data.[k] false) ]
        Array.zip tags data |> List.ofArray, faults @ stuck @ gaps

    /// Generates the plant: one wide frame (every machine's tags) and the events.
    let generate (o: SampleOptions) : Frame * SampleEvent list =
        let rng = Random(o.Seed)
        let n = int (TimeSpan.FromDays(float o.Days).Ticks / o.Interval.Ticks)

        let times =
            Array.init n (fun i -> o.Start + TimeSpan.FromTicks(o.Interval.Ticks * int64 i))

        let parts = o.Machines |> List.mapi (machine rng times)
        let columns = parts |> List.collect fst

        let frame =
            Frame.ofTimestamps times columns
            |> Result.defaultWith (fun e -> invalidOp e.Message)

        frame, parts |> List.collect snd

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

    /// Writes `data.parquet` (wide), `events.csv` and `gordo-config.yaml` into `dir`; returns
    /// the written paths.
    let write (dir: string) (o: SampleOptions) : string list =
        Directory.CreateDirectory dir |> ignore
        let frame, events = generate o
        let file name = Path.Combine(dir, name)
        ParquetIO.write (file "data.parquet") frame
        File.WriteAllLines(file "events.csv", eventsCsv events)
        File.WriteAllText(file "gordo-config.yaml", config o (Path.GetFullPath(file "data.parquet")) + "\n")
        [ "data.parquet"; "events.csv"; "gordo-config.yaml" ] |> List.map file
