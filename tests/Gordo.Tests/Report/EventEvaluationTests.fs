/// The evaluation of bench/Gordo.Events.Bench and the build report (issue 21): events and stuck
/// flags against the sample plant's injected events, on a hand-checked case and on a small
/// generated plant.
module Gordo.Tests.Report.EventEvaluationTests

open System
open Expecto
open Gordo.Data
open Gordo.Models.Scoring
open Gordo.Report

let private day0 = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
let private at (days: float) (hours: float) = day0.AddDays(days).AddHours(hours)
let private tenMinutes = TimeSpan.FromMinutes 10.0

let private injected (kind: string) (tag: string) (start: DateTimeOffset) (finish: DateTimeOffset) = {
    Machine = "m"
    Tag = tag
    Kind = kind
    Start = start
    End = finish
}

let private event (start: DateTimeOffset) (finish: DateTimeOffset) (quality: QualityFlags) = {
    Start = start
    End = finish
    Peak = 2.0
    Tags = []
    Quality = quality
}

/// Two faults, one stuck period on tag T, one gap; two weeks scored.
let private plant = [
    injected "fault" "VT" (at 1.0 10.0) (at 1.0 14.0)
    injected "fault" "VT" (at 5.0 0.0) (at 5.0 6.0)
    injected "stuck" "T" (at 8.0 1.0) (at 8.0 3.0)
    injected "gap" "T" (at 10.0 0.0) (at 10.0 2.0)
    // outside the scored period: not counted
    injected "fault" "VT" (at 20.0 0.0) (at 20.0 6.0)
]

let private period = at 0.0 0.0, at 14.0 0.0

let private evaluate events stuckRows =
    EventEvaluation.evaluate "m" period tenMinutes plant events stuckRows

[<Tests>]
let tests =
    testList "Event evaluation" [
        test "a hand-checked case: recall, precision, events elsewhere, stuck periods" {
            let events = [
                event (at 1.0 12.0) (at 1.0 16.0) QualityFlags.None // on the first fault
                event (at 3.0 0.0) (at 3.0 2.0) QualityFlags.None // on nothing
                event (at 8.0 2.0) (at 8.0 4.0) QualityFlags.Stuck // on the stuck period, marked
            ]

            let r = evaluate events [ "T", [| at 8.0 2.0 |] ]

            Expect.equal (r.Faults, r.FaultsFound) (2, 1) "one of the two faults in the period found"
            Expect.equal (EventEvaluation.recall r) 0.5 "recall"
            Expect.equal (r.Events, r.EventsOnFaults) (3, 1) "one of three events on a fault"
            Expect.equal (EventEvaluation.precision r) (1.0 / 3.0) "precision"
            Expect.equal (EventEvaluation.falseCount r) 2 "two events on no fault"
            Expect.equal r.Weeks 2.0 "two weeks"
            Expect.equal (EventEvaluation.falsePerWeek r) 1.0 "one a week"
            Expect.equal r.FalseEventsMarked 1 "the stuck one carries its flag"
            Expect.equal (r.Stuck, r.StuckFlagged, r.StuckAsEvents) (1, 1, 1) "flagged, and raised as an event (marked)"

            let quiet = evaluate [ events.Head ] [ "T", [| at 8.0 2.0 |] ]
            Expect.equal quiet.StuckAsEvents 0 "no event on the stuck period"
            Expect.equal (evaluate [] [ "U", [| at 8.0 2.0 |] ]).StuckFlagged 0 "flags on another tag"
            Expect.equal (evaluate [] [ "T", [| at 8.0 4.0 |] ]).StuckFlagged 0 "flags after the period"
            Expect.isTrue (Double.IsNaN(EventEvaluation.precision (evaluate [] []))) "no events: no precision"
        }

        test "rows cover their interval: an event touching a fault's start or end overlaps it" {
            let fault = plant.Head

            let overlaps a b =
                EventEvaluation.overlaps tenMinutes (a, b) fault

            Expect.isTrue (overlaps (at 1.0 9.0) (fault.Start.AddMinutes -5.0)) "the last row's bucket reaches in"

            Expect.isFalse (overlaps (at 1.0 9.0) (fault.Start - tenMinutes)) "a bucket ending at the start does not"

            Expect.isTrue (overlaps fault.End (at 1.0 20.0)) "a row at the fault's end"
            Expect.isFalse (overlaps (fault.End.AddMinutes 1.0) (at 1.0 20.0)) "after the end"
        }

        test "the total sums machines; the table has a row per machine and the total" {
            let a = evaluate [ event (at 1.0 12.0) (at 1.0 16.0) QualityFlags.None ] []

            let b =
                evaluate [
                    event (at 5.0 1.0) (at 5.0 2.0) QualityFlags.None
                    event (at 3.0 0.0) (at 3.0 2.0) QualityFlags.None
                ] []

            let t = EventEvaluation.total [ a; b ]
            Expect.equal (t.Faults, t.FaultsFound, t.Events, t.EventsOnFaults) (4, 2, 3, 2) "sums"
            Expect.equal (EventEvaluation.falsePerWeek t) 0.25 "one event elsewhere in four machine-weeks"
            let lines = EventEvaluation.table [ a; b ]
            Expect.equal lines.Length 4 "header, two machines, total"
            Expect.stringStarts lines.[3] "total" "the total last"
        }

        test "a small generated plant: a perfect detector has recall 1, data quality flags every stuck sensor" {
            // pump-1 of the sample plant, 10-minute samples: the profile of two weeks, the flags
            // of the next four; the events are the injected faults themselves.
            let tags = SamplePlant.tagNames 0 |> Array.ofList
            let trainStart, start, finish = at 0.0 0.0, at 14.0 0.0, at 42.0 0.0

            let data (a: DateTimeOffset) (b: DateTimeOffset) =
                SamplePlant.machineData 42 tenMinutes 0 a (b.AddTicks -1L)

            let trainTicks, train = data trainStart start
            let ticks, scored = data start finish
            let profile = DataQuality.profile tags train trainTicks
            let times = ticks |> Array.map (fun t -> DateTimeOffset(t, TimeSpan.Zero))

            let stuckRows = [
                for j, tag in Array.indexed tags ->
                    let flags = DataQuality.flagsOf profile.Tags.[j] scored.[j]

                    tag,
                    Array.init times.Length id
                    |> Array.filter (fun i -> flags.[i].HasFlag QualityFlags.Stuck)
                    |> Array.map (fun i -> times.[i])
            ]

            let truth = SamplePlant.events 42 "pump-1" 0 start finish
            let faults = truth |> List.filter (fun e -> e.Kind = "fault")

            let perfect = [ for f in faults -> event f.Start f.End QualityFlags.None ]

            let r =
                EventEvaluation.evaluate "pump-1" (start, finish) tenMinutes truth perfect stuckRows

            Expect.isGreaterThanOrEqual r.Faults 4 "a fault a week"
            Expect.equal (EventEvaluation.recall r, EventEvaluation.precision r) (1.0, 1.0) "perfect"
            Expect.isGreaterThan r.Stuck 0 "the period has stuck sensors"
            Expect.equal r.StuckFlagged r.Stuck "every stuck period flagged as stuck"

            let missed =
                EventEvaluation.evaluate "pump-1" (start, finish) tenMinutes truth perfect.Tail stuckRows

            Expect.equal missed.FaultsFound (r.Faults - 1) "one fault fewer found"
            Expect.equal (EventEvaluation.recall missed) (float (r.Faults - 1) / float r.Faults) "recall"
        }
    ]
