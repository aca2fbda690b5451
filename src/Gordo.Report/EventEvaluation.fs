namespace Gordo.Report

open System
open Gordo.Data
open Gordo.Models.Scoring

/// How one machine's anomaly events compare with the sample plant's injected events (issue 21):
/// the rows of the confusion table of `bench/Gordo.Events.Bench` and of the build report.
type internal EventEvaluation = {
    /// Machine name (`total` for the sum over machines).
    Machine: string
    /// Weeks scored.
    Weeks: float
    /// Injected process faults (`fault`) overlapping the scored period.
    Faults: int
    /// ... of which at least one event overlaps.
    FaultsFound: int
    /// Events cut from the scores.
    Events: int
    /// ... of which overlap an injected fault.
    EventsOnFaults: int
    /// Events overlapping no injected fault that carry a data-quality flag (marked as computed
    /// from inputs that cannot be trusted).
    FalseEventsMarked: int
    /// Stuck-sensor periods (`stuck`) overlapping the scored period.
    Stuck: int
    /// ... of which data quality flags as stuck on their tag (at least one row).
    StuckFlagged: int
    /// ... of which an event overlapping no injected fault overlaps (whatever its flags): a stuck
    /// sensor raised as a process event.
    StuckAsEvents: int
}

/// Comparing events with the injected events of the sample plant.
[<RequireQualifiedAccess>]
module internal EventEvaluation =
    /// Whether rows `start`..`finish` (each row covering `interval` from its timestamp, as a
    /// resampled bucket does) overlap the injected event `e`.
    let overlaps (interval: TimeSpan) (start: DateTimeOffset, finish: DateTimeOffset) (e: SampleEvent) =
        start <= e.End && finish + interval > e.Start

    /// The injected events of `kind` overlapping the scored period.
    let private ofKind (kind: string) (period: DateTimeOffset * DateTimeOffset) (injected: SampleEvent list) =
        injected
        |> List.filter (fun e -> e.Kind = kind && e.Start <= snd period && e.End >= fst period)

    /// Events overlapping no injected fault.
    let falseEvents (interval: TimeSpan) (injected: SampleEvent list) (events: AnomalyEvent list) =
        let faults = injected |> List.filter (fun e -> e.Kind = "fault")

        events
        |> List.filter (fun e -> faults |> List.exists (overlaps interval (e.Start, e.End)) |> not)

    /// One machine: its scored period, row interval, injected events, anomaly events and the
    /// rows data quality flagged as stuck, per tag.
    let evaluate
        (machine: string)
        (period: DateTimeOffset * DateTimeOffset)
        (interval: TimeSpan)
        (injected: SampleEvent list)
        (events: AnomalyEvent list)
        (stuckRows: (string * DateTimeOffset[]) list)
        : EventEvaluation =
        let faults = ofKind "fault" period injected
        let stuck = ofKind "stuck" period injected
        let span (e: AnomalyEvent) = e.Start, e.End
        let falses = falseEvents interval faults events

        let flagged (s: SampleEvent) =
            stuckRows
            |> List.exists (fun (tag, times) ->
                tag = s.Tag && times |> Array.exists (fun t -> overlaps interval (t, t) s))

        let raised (s: SampleEvent) =
            falses |> List.exists (fun e -> overlaps interval (span e) s)

        {
            Machine = machine
            Weeks = (snd period - fst period).TotalDays / 7.0
            Faults = faults.Length
            FaultsFound =
                faults
                |> List.filter (fun f -> events |> List.exists (fun e -> overlaps interval (span e) f))
                |> List.length
            Events = events.Length
            EventsOnFaults = events.Length - falses.Length
            FalseEventsMarked = falses |> List.filter (fun e -> e.Quality <> QualityFlags.None) |> List.length
            Stuck = stuck.Length
            StuckFlagged = stuck |> List.filter flagged |> List.length
            StuckAsEvents = stuck |> List.filter raised |> List.length
        }

    /// The sum over machines.
    let total (rows: EventEvaluation list) : EventEvaluation = {
        Machine = "total"
        Weeks = rows |> List.sumBy _.Weeks
        Faults = rows |> List.sumBy _.Faults
        FaultsFound = rows |> List.sumBy _.FaultsFound
        Events = rows |> List.sumBy _.Events
        EventsOnFaults = rows |> List.sumBy _.EventsOnFaults
        FalseEventsMarked = rows |> List.sumBy _.FalseEventsMarked
        Stuck = rows |> List.sumBy _.Stuck
        StuckFlagged = rows |> List.sumBy _.StuckFlagged
        StuckAsEvents = rows |> List.sumBy _.StuckAsEvents
    }

    /// Events overlapping no injected fault.
    let falseCount (r: EventEvaluation) = r.Events - r.EventsOnFaults

    /// Share of injected faults an event overlaps (NaN without faults).
    let recall (r: EventEvaluation) =
        if r.Faults = 0 then
            nan
        else
            float r.FaultsFound / float r.Faults

    /// Share of events that overlap an injected fault (NaN without events).
    let precision (r: EventEvaluation) =
        if r.Events = 0 then
            nan
        else
            float r.EventsOnFaults / float r.Events

    /// Events overlapping no injected fault per week.
    let falsePerWeek (r: EventEvaluation) =
        if r.Weeks <= 0.0 then
            nan
        else
            float (falseCount r) / r.Weeks

    /// The confusion table as text lines (machines, then the total).
    let table (rows: EventEvaluation list) : string list =
        let ratio (v: float) =
            if Double.IsNaN v then
                "-"
            else
                v.ToString("0.00", Globalization.CultureInfo.InvariantCulture)

        let header =
            "machine        weeks  faults found recall  events on-fault false false/wk precision  stuck flagged as-events"

        let line (r: EventEvaluation) =
            sprintf
                "%-13s %6.2f %7d %5d %6s %7d %8d %5d %8s %9s %6d %7d %9d"
                r.Machine
                r.Weeks
                r.Faults
                r.FaultsFound
                (ratio (recall r))
                r.Events
                r.EventsOnFaults
                (falseCount r)
                (ratio (falsePerWeek r))
                (ratio (precision r))
                r.Stuck
                r.StuckFlagged
                r.StuckAsEvents

        header :: (rows @ [ total rows ] |> List.map line)
