namespace Gordo.Data

open Gordo.Core

open System
open System.Text.RegularExpressions

/// An injected or incidental event of the sample plant.
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

/// The sample plant as a function of time: per machine number, correlated flow (FT), pressure
/// (PT), temperature (TT) and vibration (VT) tags driven by a daily load cycle and slow
/// oscillations, with noise, gaps (NaN), stuck sensors and injected faults (vibration rises,
/// temperature drifts). Samples sit on a grid of `interval` steps from 2000-01-01 UTC; noise is
/// drawn per (machine, day) and events per (machine, week), so any period can be generated alone
/// and always yields the same values.
[<RequireQualifiedAccess>]
module SamplePlant =
    let private epoch = DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)
    let private kinds = [| "FT"; "PT"; "TT"; "VT" |]
    let private day = TimeSpan.TicksPerDay
    let private week = 7L * TimeSpan.TicksPerDay
    let private tau = TimeSpan.FromMinutes(50.0).Ticks

    /// The name of tag `kind` (0 flow, 1 pressure, 2 temperature, 3 vibration) of machine number `m`
    /// (0-based): `PLANT-FT-011.PV` is the flow tag of machine 0.
    let internal tagName (m: int) (kind: int) : string =
        sprintf "PLANT-%s-%02d1.PV" kinds.[kind] (m + 1)

    /// The four tag names of machine number `m` (flow, pressure, temperature, vibration).
    let tagNames (m: int) : string list = List.init 4 (tagName m)

    let private pattern =
        Regex(@"^PLANT-(FT|PT|TT|VT)-(\d{2})1\.PV$", RegexOptions.Compiled)

    /// (machine number, kind) of a plant tag name, None for any other name.
    let internal tryParseTag (name: string) : (int * int) option =
        let m = pattern.Match name

        if m.Success && int m.Groups.[2].Value > 0 then
            Some(int m.Groups.[2].Value - 1, Array.IndexOf(kinds, m.Groups.[1].Value))
        else
            None

    let private rng (parts: int list) =
        Random(parts |> List.fold (fun h p -> (h ^^^ p) * 16777619) -2128831035)

    let private gauss (r: Random) =
        sqrt (-2.0 * log (1.0 - r.NextDouble())) * cos (2.0 * Math.PI * r.NextDouble())

    /// Per machine constants: oscillation phases and levels.
    type private Machine = {
        Phases: float[]
        Flow: float
        Pressure: float
        Temperature: float
        Vibration: float
    }

    let private machine (seed: int) (m: int) : Machine =
        let r = rng [ seed; m; 0 ]
        let between a b = a + (b - a) * r.NextDouble()

        {
            Phases = Array.init 3 (fun _ -> between 0.0 (2.0 * Math.PI))
            Flow = between 80.0 120.0
            Pressure = between 4.0 6.0
            Temperature = between 35.0 45.0
            Vibration = between 0.4 0.6
        }

    let private hourOfDay (ticks: int64) =
        float (ticks % day) / float TimeSpan.TicksPerHour

    /// Load in [0.2, 1.1] at `ticks` since the epoch: daily cycle plus three slow oscillations.
    let private load (p: Machine) (ticks: int64) : float =
        let hours = float ticks / float TimeSpan.TicksPerHour

        let wave period (phase: float) =
            sin (2.0 * Math.PI * hours / period + phase)

        let slow =
            0.08 * wave 55.3 p.Phases.[0]
            + 0.06 * wave 137.9 p.Phases.[1]
            + 0.04 * wave 311.7 p.Phases.[2]

        Math.Clamp(0.7 + 0.2 * sin (2.0 * Math.PI * (hourOfDay ticks - 6.0) / 24.0) + slow, 0.2, 1.1)

    let private daily (ticks: int64) =
        sin (2.0 * Math.PI * hourOfDay ticks / 24.0)

    /// The noise-free value of one tag (temperature without its lag), for stuck sensors.
    let private clean (p: Machine) (kind: int) (ticks: int64) : float =
        let l = load p ticks

        match kind with
        | 0 -> p.Flow * l
        | 1 -> p.Pressure + 3.0 * l * l
        | 2 -> p.Temperature + 15.0 * l + 2.0 * daily ticks
        | _ -> p.Vibration + 0.8 * l

    /// The load seen through a first-order lag (time constant 50 minutes) at each of `grid`,
    /// warmed up over the six hours before the first point.
    let private lagged (p: Machine) (step: int64) (grid: int64[]) : float[] =
        let alpha = 1.0 - exp (-float step / float tau)
        let warm = int (TimeSpan.TicksPerHour * 6L / step)
        let mutable state = load p (grid.[0] - int64 warm * step)

        for k in warm - 1 .. -1 .. 1 do
            state <- state + alpha * (load p (grid.[0] - int64 k * step) - state)

        grid
        |> Array.map (fun t ->
            state <- state + alpha * (load p t - state)
            state)

    /// The four noisy signals at the grid points of one day (`grid` non-empty, ticks since epoch).
    let private signals (seed: int) (m: int) (p: Machine) (step: int64) (grid: int64[]) : float[][] =
        let r = rng [ seed; m; 1; int (grid.[0] / day) ]
        let lag = lagged p step grid
        let out = Array.init 4 (fun _ -> Array.zeroCreate grid.Length)

        grid
        |> Array.iteri (fun i t ->
            let l = load p t
            out.[0].[i] <- p.Flow * l + 1.5 * gauss r
            out.[1].[i] <- p.Pressure + 3.0 * l * l + 0.05 * gauss r
            out.[2].[i] <- p.Temperature + 15.0 * lag.[i] + 2.0 * daily t + 0.2 * gauss r
            out.[3].[i] <- p.Vibration + 0.8 * l + 0.03 * gauss r)

        out

    /// Events of machine `m` in week `w` as (kind, tag kind, start ticks, end ticks).
    let private weekEvents (seed: int) (m: int) (w: int64) : (string * int * int64 * int64) list =
        let r = rng [ seed; m; 2; int w ]
        let start = w * week

        let hours (a: float) (b: float) =
            int64 ((a + (b - a) * r.NextDouble()) * float TimeSpan.TicksPerHour)

        let at (length: int64) =
            start + int64 (r.NextDouble() * float (week - length))

        let fault =
            let length = hours 4.0 12.0
            let a = at length
            "fault", 3, a, a + length

        let stuck =
            let kind, length = r.Next 4, hours 1.0 6.0
            let a = at length

            [
                if r.NextDouble() < 0.5 then
                    "stuck", kind, a, a + length
            ]

        let gaps = [
            for kind in 0..3 do
                let length = hours 0.5 4.0
                let a = at length

                if r.NextDouble() < 0.5 then
                    "gap", kind, a, a + length
        ]

        fault :: stuck @ gaps

    let private ticksOf (t: DateTimeOffset) = t.UtcTicks - epoch.UtcTicks

    let private timeOf (ticks: int64) =
        DateTimeOffset(ticks + epoch.UtcTicks, TimeSpan.Zero)

    /// Events of machine `m` overlapping [a, b] (ticks since the epoch).
    let private eventsBetween (seed: int) (m: int) (a: int64) (b: int64) =
        [ (a / week) - 1L .. b / week ]
        |> List.collect (weekEvents seed m)
        |> List.filter (fun (_, _, s, e) -> e >= a && s <= b)

    /// Events of machine number `m` (named `name`) overlapping [start, finish].
    let events (seed: int) (name: string) (m: int) (start: DateTimeOffset) (finish: DateTimeOffset) : SampleEvent list =
        eventsBetween seed m (ticksOf start) (ticksOf finish)
        |> List.map (fun (kind, k, s, e) -> {
            Machine = name
            Tag = tagName m k
            Kind = kind
            Start = timeOf s
            End = timeOf e
        })

    /// Events touching any of `tags` in [start, finish] (machine named after the tag's machine).
    let eventsOfTags
        (seed: int)
        (tags: string list)
        (start: DateTimeOffset)
        (finish: DateTimeOffset)
        : SampleEvent list =
        tags
        |> List.choose tryParseTag
        |> List.map fst
        |> List.distinct
        |> List.collect (fun m -> events seed (sprintf "machine-%02d" (m + 1)) m start finish)
        |> List.filter (fun e -> List.contains e.Tag tags)

    let private apply (seed: int) (m: int) (p: Machine) (grid: int64[]) (data: float[][]) =
        for kind, k, a, b in eventsBetween seed m grid.[0] grid.[grid.Length - 1] do
            for i in 0 .. grid.Length - 1 do
                let t = grid.[i]

                if t >= a && t <= b then
                    match kind with
                    | "fault" ->
                        let x = float (t - a) / float (b - a)
                        data.[3].[i] <- data.[3].[i] + 1.5 * x
                        data.[2].[i] <- data.[2].[i] + 8.0 * x
                    | "stuck" -> data.[k].[i] <- clean p k a
                    | _ -> data.[k].[i] <- nan

    /// Grid points (ticks since the epoch) in [a, b].
    let private gridPoints (step: int64) (a: int64) (b: int64) : int64[] =
        let first = (if a <= 0L then a / step else (a + step - 1L) / step) * step

        if b < first then
            [||]
        else
            Array.init (int ((b - first) / step) + 1) (fun i -> first + int64 i * step)

    /// The grid instants in [start, finish] and the four signals of machine number `m` there.
    let machineData
        (seed: int)
        (interval: TimeSpan)
        (m: int)
        (start: DateTimeOffset)
        (finish: DateTimeOffset)
        : int64[] * float[][] =
        if interval <= TimeSpan.Zero then
            invalidArg (nameof interval) "the sampling interval must be positive"

        let p = machine seed m
        let a, b = ticksOf start, ticksOf finish

        // Whole days are generated (noise is drawn per day in sample order), then cut to [a, b].
        let days =
            [|
                Math.Floor(float a / float day) |> int64 .. Math.Floor(float b / float day) |> int64
            |]
            |> Array.map (fun d -> gridPoints interval.Ticks (d * day) ((d + 1L) * day - 1L))
            |> Array.filter (fun g -> g.Length > 0)
            |> Array.map (fun g ->
                let data = signals seed m p interval.Ticks g
                apply seed m p g data
                g, data)

        let keep (g: int64[]) =
            g |> Array.map (fun t -> t >= a && t <= b)

        let cut (g: int64[]) (values: 'T[]) : 'T[] =
            Array.zip (keep g) values |> Array.filter fst |> Array.map snd

        let grid = days |> Array.collect (fun (g, _) -> cut g g)

        let columns =
            Array.init 4 (fun k -> days |> Array.collect (fun (g, d) -> cut g d.[k]))

        grid |> Array.map (fun t -> t + epoch.UtcTicks), columns
