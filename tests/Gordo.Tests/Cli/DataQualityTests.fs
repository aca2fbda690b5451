module Gordo.Tests.Cli.DataQualityTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Data
open Gordo.Build
open Gordo.Cli
open Gordo.Models.Scoring
open Gordo.Tests.Builder.ModelBuilderTests

let private flagsOf (profile: TagProfile) (values: float list) =
    DataQuality.flagsOf profile (Array.ofList values) |> List.ofArray

/// A profile made by hand: range 0..10, steps up to 2, runs of at most 3 rows.
let private profile = {
    Name = "t"
    Min = 0.0
    Max = 10.0
    MaxStep = 2.0
    TypicalStep = 1.0
    LongestFlatRun = 1
    StuckAfter = 3
}

/// The flags of row `i` straight from their definitions (what `DataQuality.flagsOf` computes in
/// one pass): runs and neighbours looked up afresh for every row.
let private flagByDefinition (p: TagProfile) (values: float[]) (i: int) : QualityFlags =
    let finite (k: int) =
        k >= 0 && k < values.Length && Double.IsFinite values.[k]

    let v = values.[i]
    let margin = (p.Max - p.Min) / 10.0

    let collinear (k: int) =
        k >= 1
        && k <= values.Length - 2
        && finite (k - 1)
        && finite k
        && finite (k + 1)
        && (let a, b, c = values.[k - 1], values.[k], values.[k + 1]
            let before, after = b - a, c - b

            before <> 0.0
            && abs (after - before) <= 1e-9 * (abs a + abs b + abs c + abs before))

    let mutable first, last = i, i

    while finite first && first > 0 && values.[first - 1] = v do
        first <- first - 1

    while finite last && last < values.Length - 1 && values.[last + 1] = v do
        last <- last + 1

    let flag (on: bool) (f: QualityFlags) = if on then f else QualityFlags.None

    if not (finite i) then
        QualityFlags.Missing
    else
        flag (v < p.Min - margin || v > p.Max + margin) QualityFlags.OutOfRange
        ||| flag (finite (i - 1) && abs (v - values.[i - 1]) > 1.5 * p.MaxStep) QualityFlags.Spike
        ||| flag (last - first + 1 > p.StuckAfter) QualityFlags.Stuck
        ||| flag (collinear i && (collinear (i - 1) || collinear (i + 1))) QualityFlags.GapFilled

/// Values from a palette (in and out of range, repeats, NaN, infinities) and linear ramps.
let private valuesOf (picks: (FsCheck.NonNegativeInt * bool) list) : float[] =
    let palette = [| 1.0; 4.0; 4.0; 5.0; 9.5; 11.5; -3.0; nan; infinity; 7.25 |]
    let values = ResizeArray<float>()

    for pick, ramp in picks do
        let n = values.Count

        if ramp && n >= 2 then
            values.Add(values.[n - 1] + (values.[n - 1] - values.[n - 2]))
        else
            values.Add palette.[pick.Get % palette.Length]

    values.ToArray()

let private plantTags = [ "PLANT-FT-011.PV"; "PLANT-PT-011.PV"; "PLANT-TT-011.PV"; "PLANT-VT-011.PV" ]

/// pump-1 of the sample plant (seed 42) between two dates, resampled to 10 minutes; its events
/// list two tags (the default settings otherwise).
let private plantConfig (start: string) (finish: string) =
    $"""machines:
  - name: pump-1
    dataset:
      tags: [%s{String.Join(", ", plantTags)}]
      train_start_date: %s{start}
      train_end_date: %s{finish}
      resolution: 10T
      data_provider: {{type: SamplePlantDataProvider}}
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - sklearn.decomposition.PCA: {{n_components: 2}}
              - sklearn.linear_model.LinearRegression
    events: {{top_tags: 2}}
"""

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-quality-%s{name}-" + Guid.NewGuid().ToString("N"))

let private fetchX (input: BuildInput) : Frame =
    let dataset = input.Machine.Dataset

    match DataProviderRegistry.forDataset dataset, DatasetRequest.ofConfig dataset with
    | Ok provider, Ok request ->
        match (Dataset.getDataAsync provider request CancellationToken.None).GetAwaiter().GetResult() with
        | Ok data -> data.X
        | Error e -> failtestf "data: %s" e.Message
    | _ -> failtest "the scoring config has no provider or request"

/// pump-1 built on two weeks of the sample plant, and the next four weeks as a data file.
let private plant =
    lazy
        (let dir = temp "model"

         let train =
             inputOf (plantConfig "2020-01-01T00:00:00+00:00" "2020-01-15T00:00:00+00:00")

         match ModelBuilder.build train (Some dir) ignore CancellationToken.None with
         | Ok _ -> ()
         | Error e -> failtestf "build: %s" e.Message

         let data = temp "x" + ".parquet"
         ParquetIO.write data (fetchX (inputOf (plantConfig "2020-01-15T00:00:00+00:00" "2020-02-12T00:00:00+00:00")))
         dir, data)

let private scoredStart, scoredEnd =
    DateTimeOffset(2020, 1, 15, 0, 0, 0, TimeSpan.Zero), DateTimeOffset(2020, 2, 12, 0, 0, 0, TimeSpan.Zero)

let private plantEvents (kind: string) =
    SamplePlant.eventsOfTags 42 plantTags scoredStart scoredEnd
    |> List.filter (fun e -> e.Kind = kind)

[<Tests>]
let tests =
    testList "Data quality" [
        test "the training profile: range, steps, flat runs, interval" {
            let ticks = [| for i in 0L .. 6L -> i * TimeSpan.TicksPerMinute * 10L |]

            let p =
                DataQuality.profile [| "a" |] [| [| 1.0; 3.0; 3.0; 3.0; nan; 2.0; 7.0 |] |] ticks

            let a = p.Tags.Head
            Expect.equal p.IntervalSeconds (Some 600.0) "median spacing"
            Expect.equal (a.Min, a.Max) (1.0, 7.0) "range without NaN"
            Expect.equal a.MaxStep 5.0 "largest step between finite neighbours"
            Expect.equal a.TypicalStep 1.0 "median of the steps 2, 0, 0, 5"
            Expect.equal a.LongestFlatRun 3 "three 3.0 in a row"
            Expect.equal a.StuckAfter 6 "twice the 99th percentile run"
        }

        test "the profile survives metadata.json" {
            let p =
                DataQuality.profile [| "a"; "b" |] [| [| 1.0; 2.0 |]; [| 5.0; 5.0 |] |] [| 0L; 10L |]

            let metadata =
                Value.Map [
                    "metadata",
                    Value.Map [
                        "build_metadata",
                        Value.Map [ "dataset", Value.Map [ "training_profile", DataQuality.toValue p ] ]
                    ]
                ]

            Expect.equal (DataQuality.ofMetadata metadata) (Some p) "round trip"
            Expect.isNone (DataQuality.ofMetadata (Value.Map [])) "older models have none"
        }

        test "each flag on its own" {
            let none = QualityFlags.None
            Expect.equal (flagsOf profile [ 1.0; 2.0; 3.0 ]) [ none; none; none ] "healthy"
            Expect.equal (flagsOf profile [ 5.0; nan; 5.0 ]) [ none; QualityFlags.Missing; none ] "missing"

            Expect.equal
                (flagsOf profile [ 9.0; 10.9; 11.1 ])
                [ none; none; QualityFlags.OutOfRange ]
                "beyond the range plus a tenth of it"

            Expect.equal (flagsOf profile [ 5.0; 8.5; 9.0 ]) [ none; QualityFlags.Spike; none ] "step over 1.5 x 2"

            Expect.equal
                (flagsOf profile [ 1.0; 4.0; 4.0; 4.0; 4.0; 5.0 ])
                [
                    none
                    QualityFlags.Stuck
                    QualityFlags.Stuck
                    QualityFlags.Stuck
                    QualityFlags.Stuck
                    none
                ]
                "a run of four is longer than three: every row of it"

            Expect.equal (flagsOf profile [ 4.0; 4.0; 4.0 ]) [ none; none; none ] "a run of three is allowed"

            Expect.equal
                (flagsOf profile [ 20.0; 20.0; 20.0; 20.0 ])
                (List.replicate 4 (QualityFlags.Stuck ||| QualityFlags.OutOfRange))
                "flags combine"
        }

        testProperty
            "flagsOf gives every row the flags of their definitions"
            (fun picks (stuck: FsCheck.NonNegativeInt) ->
                let values = valuesOf picks
                // Limits below 3 too: a hand-edited metadata.json may hold any.
                let profile = {
                    profile with
                        StuckAfter = stuck.Get % 6 - 1
                }

                let expected = Array.init values.Length (flagByDefinition profile values)
                Expect.equal (DataQuality.flagsOf profile values) expected $"%A{values} %d{profile.StuckAfter}")

        testProperty
            "columns and ofMatrix give each tag's flagsOf and their union"
            (fun picks (skip: FsCheck.NonNegativeInt) ->
                let values = valuesOf picks
                let tags = [| "a"; "b"; "c" |]
                let n = values.Length
                // Three tags: the values, reversed, shifted by a third of their length.
                let x =
                    Array2D.init n 3 (fun i j -> values.[(if j = 1 then n - 1 - i else i + j * n / 3) % n])

                let skip = if n = 0 then 0 else skip.Get % n

                let training = {
                    IntervalSeconds = None
                    Tags = [ for t in tags -> { profile with Name = t } ]
                }

                let tail = Array.init 3 (fun j -> x.[skip.., j])

                let perTag =
                    tail |> Array.map (DataQuality.flagsOf profile >> Array.map (int >> float))

                let total =
                    Array.init (n - skip) (fun i ->
                        perTag |> Array.fold (fun f column -> f ||| int column.[i]) 0 |> float)

                let expected =
                    List.init 3 (fun j -> ("data-quality", tags.[j]), perTag.[j])
                    @ [ ("total-data-quality", ""), total ]

                Expect.equal (DataQuality.columns training tags tail) expected "columns"
                Expect.equal (DataQuality.ofMatrix training tags x skip) expected "ofMatrix")

        test "rows that linear interpolation filled in a gap are gap-filled, measured rows are not" {
            let none, filled = QualityFlags.None, QualityFlags.GapFilled
            let measured = [ 5.0; 5.3; 4.9; 5.6 ]
            // Two missing rows between 5.6 and 4.4, filled as Resample.fill fills them.
            let gap = Resample.fill Config.Interpolation.Linear None [| 5.6; nan; nan; 4.4 |]
            let values = measured @ (List.ofArray gap.[1..2]) @ [ 4.4; 4.8 ]

            Expect.equal
                (flagsOf profile values)
                [ none; none; none; none; filled; filled; none; none ]
                "the two filled rows, not their measured ends"

            Expect.equal
                (flagsOf profile [ 1.0; 2.0; 3.0; 3.5 ])
                [ none; none; none; none ]
                "one value on a line is a ramp, not a gap"

            let rng = Random 7

            let noisy =
                List.init 500 (fun i -> 5.0 + sin (float i / 10.0) + 0.01 * rng.NextDouble())

            Expect.isFalse
                (flagsOf profile noisy |> List.exists (fun f -> f.HasFlag filled))
                "measured noise is never on a line"
        }

        test "gordo anomaly --quality flags the sample plant's stuck sensors as stuck, and little else" {
            let dir, data = plant.Value

            let scored =
                match ScoreCommands.anomaly dir data false true with
                | Ok f -> f
                | Error e -> failtestf "anomaly: %s" e.Message

            let times = Frame.timestamps scored
            let stuck = plantEvents "stuck"
            Expect.isNonEmpty stuck "the period has stuck sensors"

            let isStuck (flag: float) =
                (enum<QualityFlags> (int flag)).HasFlag QualityFlags.Stuck

            let flagged tag =
                Frame.column ("data-quality|" + tag) scored
                |> Array.mapi (fun i f -> times.[i], isStuck f)
                |> Array.filter snd
                |> Array.map fst

            for e in stuck do
                let inside = flagged e.Tag |> Array.filter (fun t -> t >= e.Start && t <= e.End)
                Expect.isNonEmpty inside $"stuck %s{e.Tag} %O{e.Start}..%O{e.End} is flagged as stuck"

            let all =
                plantTags
                |> List.collect (fun t -> flagged t |> List.ofArray |> List.map (fun x -> t, x))

            let outside =
                all
                |> List.filter (fun (tag, t) ->
                    not (
                        stuck
                        |> List.exists (fun e -> e.Tag = tag && t >= e.Start.AddMinutes -10.0 && t <= e.End)
                    ))

            Expect.isLessThanOrEqual outside.Length (all.Length / 10) "at least 90 % of stuck flags are stuck sensors"

            Expect.isTrue (scored.Columns |> Array.contains "total-data-quality") "the row's flags together"
        }
    ]

let private at (minutes: int) =
    DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(float minutes)

[<Tests>]
let eventTests =
    testList "Anomaly events" [
        test "hysteresis, minimum duration, gap merging, peak, tags and quality" {
            let times = Array.init 60 (fun i -> at (10 * i))
            // on at 2 (> 1.5), wavering down to 0.9 keeps it on, off at 8 (< 0.8); a blip at 20
            // too short and over 2 hours from the others; 34..37 and 40..43 are 30 minutes apart: merged
            let confidence =
                Array.init 60 (fun i ->
                    match i with
                    | 2 -> 2.0
                    | _ when i >= 3 && i <= 5 -> 0.9
                    | 6
                    | 7 -> 3.0
                    | 20 -> 5.0
                    | _ when (i >= 34 && i <= 37) || (i >= 40 && i <= 43) -> 1.6
                    | _ -> 0.1)

            let scaled = [| Array.init 60 (fun i -> if i < 10 then 3.0 else 1.0); Array.create 60 1.0 |]

            let quality =
                Array.init 60 (fun i -> if i = 41 then QualityFlags.Stuck else QualityFlags.None)

            let events =
                AnomalyEvents.find AnomalyEvents.defaults times confidence [| "a"; "b" |] scaled (Some quality)

            Expect.equal (events |> List.map (fun e -> e.Start, e.End)) [ at 20, at 70; at 340, at 430 ] "two events"
            Expect.equal (events |> List.map _.Peak) [ 3.0; 1.6 ] "peaks"
            Expect.equal events.Head.Tags.Head { Tag = "a"; Share = 0.75 } "a carries 3/4 of the error"
            Expect.equal (events |> List.map _.Quality) [ QualityFlags.None; QualityFlags.Stuck ] "flags seen"
        }

        test "a row whose error comes from stuck or missing inputs starts no event; a fault beside a stuck sensor does" {
            let times = Array.init 60 (fun i -> at (10 * i))
            let within a b i = i >= a && i <= b

            let confidence =
                Array.init 60 (fun i ->
                    if within 5 10 i || within 20 30 i || within 45 50 i then
                        3.0
                    else
                        0.1)

            // a is stuck at 5..10 and 45..50 and missing at 20..22; the error is a's at 5..10 and
            // 20..22, b's (a fault) at 23..30 and at 45..50, beside the stuck a
            let flagsA =
                Array.init 60 (fun i ->
                    if within 5 10 i || within 45 50 i then QualityFlags.Stuck
                    elif within 20 22 i then QualityFlags.Missing
                    else QualityFlags.None)

            let scaledA =
                Array.init 60 (fun i -> if within 5 10 i || within 20 22 i then 3.0 else 0.5)

            let scaledB =
                Array.init 60 (fun i -> if within 23 30 i || within 45 50 i then 3.0 else 0.5)

            let cut tagQuality =
                AnomalyEvents.findWithTagQuality
                    AnomalyEvents.defaults
                    times
                    confidence
                    [| "a"; "b" |]
                    [| scaledA; scaledB |]
                    (Some flagsA)
                    tagQuality
                |> List.map (fun e -> e.Start, e.End, e.Quality)

            Expect.equal
                (cut [ "a", flagsA ])
                [ at 230, at 300, QualityFlags.None; at 450, at 500, QualityFlags.Stuck ]
                "the dead a starts nothing; b's fault starts at its first row, beside the stuck a too"

            Expect.equal
                (cut [] |> List.map (fun (s, e, _) -> s, e))
                [ at 50, at 300; at 450, at 500 ]
                "without each tag's flags every row may start an event (5..10 merged with 20..30)"

            let columns = [
                ("total-anomaly-confidence", ""), confidence
                ("tag-anomaly-scaled", "a"), scaledA
                ("tag-anomaly-scaled", "b"), scaledB
                ("data-quality", "a"), flagsA |> Array.map (int >> float)
                ("total-data-quality", ""), flagsA |> Array.map (int >> float)
            ]

            Expect.equal
                (AnomalyEvents.ofColumns AnomalyEvents.defaults times columns
                 |> Result.map (List.map (fun e -> e.Start, e.End)))
                (Ok [ at 230, at 300; at 450, at 500 ])
                "ofColumns reads each tag's flags from the data-quality columns"
        }

        test "the builder writes the machine's event settings into metadata.json" {
            let dir, _ = plant.Value

            let metadata =
                Gordo.Models.Artifacts.Json.ofBytes (File.ReadAllBytes(Path.Combine(dir, "metadata.json")))

            Expect.equal
                (AnomalyEvents.ofMetadata metadata)
                {
                    AnomalyEvents.defaults with
                        TopTags = 2
                }
                "build_metadata.model.event_settings"

            Expect.equal
                (AnomalyEvents.ofMetadata (Value.Map []))
                AnomalyEvents.defaults
                "defaults without event settings"
        }
        test "the sample plant: injected faults found, few events elsewhere (gordo anomaly --events)" {
            let dir, data = plant.Value
            let output = temp "events" + ".json"

            let code =
                Program.main [| "anomaly"; dir; "--data"; data; "--quality"; "--events"; output |]

            Expect.equal code 0 "exit code"
            use doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText output)

            for e in doc.RootElement.EnumerateArray() do
                Expect.equal (e.GetProperty("tags").GetArrayLength()) 2 "the model's top_tags, not the default 3"

            let events = [
                for e in doc.RootElement.EnumerateArray() ->
                    DateTimeOffset.Parse(e.GetProperty("start").GetString()),
                    DateTimeOffset.Parse(e.GetProperty("end").GetString())
            ]

            let faults = plantEvents "fault"
            let overlaps (s: DateTimeOffset, e: DateTimeOffset) (f: SampleEvent) = s <= f.End && e >= f.Start

            let found =
                faults |> List.filter (fun f -> events |> List.exists (fun e -> overlaps e f))

            Expect.isGreaterThanOrEqual
                (float found.Length / float faults.Length)
                0.9
                $"recall of %d{faults.Length} injected faults"

            let elsewhere =
                events |> List.filter (fun e -> not (faults |> List.exists (overlaps e)))

            Expect.isLessThanOrEqual elsewhere.Length 4 "at most one event a week outside the faults"
            File.Delete output
        }
    ]
