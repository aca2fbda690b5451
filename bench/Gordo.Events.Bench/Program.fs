module Gordo.Events.Bench.Program

// The evaluation of anomaly events and data quality on the sample plant (issue 21, "Measured"):
//   dotnet run -c Release --project bench/Gordo.Events.Bench [-- --days 60]
// * builds the three machines of examples/config.yaml as they are (hourglass and symmetric
//   autoencoders, two weeks of training from 2020-01-01, cross-validation for thresholds, the
//   default event settings) with `gordo local-build`;
// * scores the rest of the sample plant's `--days` (`gordo data generate --days N`: same seed, same
//   data as the example's SamplePlantDataProvider) with `gordo anomaly --quality --events`'s code,
//   the period's X fetched through the machine's own dataset pipeline (10-minute means, gaps
//   interpolated) without its training-time row filters, as `gordo client` fetches;
// * compares the events and the stuck flags with the plant's injected events and prints the
//   confusion table per machine and in total, then the figures as `##bench` lines.

open System
open System.IO
open System.Threading
open Gordo.Core
open Gordo.Data
open Gordo.Build
open Gordo.Cli
open Gordo.Models.Scoring
open Gordo.Report

let private root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", ".."))

let private work =
    Path.Combine(Path.GetTempPath(), "gordo-events-bench-" + Guid.NewGuid().ToString("N"))

/// Options: `--days N` (60); `--seed N` (42, the example's: another seed checks the defaults on
/// a plant they were not chosen on); `--models DIR` (score the models of an earlier run kept with
/// GORDO_BENCH_KEEP=1, built with the same seed, instead of building); `--on X --off Y` (event
/// settings instead of the models' own, to compare settings on the same models).
type private BenchOptions = {
    Days: int
    Seed: int
    Models: string option
    On: float option
    Off: float option
}

let private options =
    let number (s: string) =
        Double.Parse(s, Globalization.CultureInfo.InvariantCulture)

    let rec parse (o: BenchOptions) args =
        match args with
        | "--days" :: n :: rest -> parse { o with Days = int n } rest
        | "--seed" :: n :: rest -> parse { o with Seed = int n } rest
        | "--models" :: d :: rest -> parse { o with Models = Some d } rest
        | "--on" :: x :: rest -> parse { o with On = Some(number x) } rest
        | "--off" :: x :: rest -> parse { o with Off = Some(number x) } rest
        | [] -> o
        | other -> failwithf "usage: [--days N] [--seed N] [--models DIR] [--on X] [--off Y] (got %A)" other

    parse
        {
            Days = 60
            Seed = 42
            Models = None
            On = None
            Off = None
        }
        (Environment.GetCommandLineArgs() |> Array.tail |> List.ofArray)

let private days, seed = options.Days, options.Seed

let private invariant (v: float) =
    v.ToString("0.00", Globalization.CultureInfo.InvariantCulture)

/// examples/config.yaml, with the plant's seed.
let private example =
    let path = Path.Combine(work, "config.yaml")
    let text = File.ReadAllText(Path.Combine(root, "examples", "config.yaml"))
    let seeded = text.Replace("seed: 42", $"seed: %d{seed}")

    if not (text.Contains "seed: 42") then
        failwith "examples/config.yaml no longer sets the plant's seed 42: update the bench"

    Directory.CreateDirectory work |> ignore
    File.WriteAllText(path, seeded)
    path

/// The example's machines, with their datasets moved to `start`..`finish`.
let private inputsBetween (start: DateTimeOffset) (finish: DateTimeOffset) : BuildInput list =
    let iso (t: DateTimeOffset) = t.ToString("yyyy-MM-ddTHH:mm:sszzz")
    let text = File.ReadAllText example

    let moved =
        text
            .Replace("train_start_date: 2020-01-01T00:00:00+00:00", $"train_start_date: %s{iso start}")
            .Replace("train_end_date: 2020-01-15T00:00:00+00:00", $"train_end_date: %s{iso finish}")

    if moved = text then
        failwith "examples/config.yaml no longer trains from 2020-01-01 to 2020-01-15: update the bench"

    let compilation =
        Gordo.Core.Config.Compiler.compileText Gordo.Core.Config.Compiler.defaultOptions example moved

    BuildInput.ofCompilation compilation

let private fetchX (input: BuildInput) : Frame =
    let dataset = input.Machine.Dataset

    match DataProviderRegistry.forDataset dataset, DatasetRequest.ofConfig dataset with
    | Ok provider, Ok training ->
        // As `gordo client` fetches (ClientData): the training-time row filters do not apply to
        // the rows being scored, or `filter_periods` would remove the faults to be found.
        let request = {
            training with
                KnownFilterPeriods = []
                FilterPeriods = None
        }

        match (Dataset.getDataAsync provider request CancellationToken.None).GetAwaiter().GetResult() with
        | Ok data -> data.X
        | Error e -> failwithf "%s: data: %s" input.Machine.Name e.Message
    | _ -> failwithf "%s: no provider or request" input.Machine.Name

let private orFail (what: string) (result: Result<'T, ScoreError>) =
    match result with
    | Ok v -> v
    | Error e -> failwithf "%s: %s" what e.Message

/// Builds, scores and evaluates one machine; prints its events.
let private evaluate
    (models: string)
    (injected: SampleEvent list)
    (period: DateTimeOffset * DateTimeOffset)
    (input: BuildInput)
    =
    let name = input.Machine.Name
    let dir = Path.Combine(models, name)
    let data = Path.Combine(work, name + ".parquet")
    ParquetIO.write data (fetchX input)

    let metadata =
        Gordo.Models.Artifacts.Json.ofBytes (File.ReadAllBytes(Path.Combine(dir, "metadata.json")))

    let scored = ScoreCommands.anomaly dir data false true |> orFail name

    let own = AnomalyEvents.ofMetadata metadata

    let settings = {
        own with
            On = defaultArg options.On own.On
            Off = defaultArg options.Off own.Off
    }

    let events = ScoreCommands.events dir data true settings |> orFail name

    let times = Frame.timestamps scored
    let interval = times.[1] - times.[0]

    let stuckRows = [
        for column in scored.Columns do
            if column.StartsWith "data-quality|" then
                let flags = Frame.column column scored

                column.Substring "data-quality|".Length,
                Array.init times.Length id
                |> Array.filter (fun i -> (enum<QualityFlags> (int flags.[i])).HasFlag QualityFlags.Stuck)
                |> Array.map (fun i -> times.[i])
    ]

    let mine = injected |> List.filter (fun e -> e.Machine = name)
    let confidence = Frame.column "total-anomaly-confidence" scored

    for e in events do
        let what =
            mine
            |> List.filter (EventEvaluation.overlaps interval (e.Start, e.End))
            |> List.map (fun s -> $"%s{s.Kind} %s{s.Tag}")
            |> String.concat ", "

        printfn
            "  %s %O .. %O peak %s quality %d tags %s: %s"
            name
            e.Start
            e.End
            (invariant e.Peak)
            (int e.Quality)
            (e.Tags |> List.map _.Tag |> String.concat " ")
            (if what = "" then "no injected event" else what)

    // Missed faults, with the highest confidence seen in them.
    for f in mine do
        if
            f.Kind = "fault"
            && f.End >= fst period
            && not (
                events
                |> List.exists (fun e -> EventEvaluation.overlaps interval (e.Start, e.End) f)
            )
        then
            let inside =
                Array.init times.Length id
                |> Array.filter (fun i -> EventEvaluation.overlaps interval (times.[i], times.[i]) f)
                |> Array.map (fun i -> confidence.[i])

            printfn
                "  %s missed fault %O .. %O: highest confidence %s over %d rows"
                name
                f.Start
                f.End
                (if inside.Length = 0 then
                     "-"
                 else
                     invariant (Array.max inside))
                inside.Length

    EventEvaluation.evaluate name period interval mine events stuckRows

[<EntryPoint>]
let main _ =
    Directory.CreateDirectory work |> ignore

    try
        let start = SampleData.defaults.Start
        let trainEnd = start.AddDays 14.0
        let finish = start.AddDays(float days)

        let models =
            match options.Models with
            | Some dir -> dir
            | None ->
                let dir = Path.Combine(work, "models")
                let code = Program.main [| "local-build"; example; "--output"; dir |]

                if code <> 0 then
                    failwithf "gordo local-build examples/config.yaml exited with %d" code

                dir

        // What `gordo data generate --days N` writes to events.csv.
        let _, injected =
            SampleData.generate {
                SampleData.defaults with
                    Days = days
                    Seed = seed
            }

        printfn "events (scored %O .. %O):" trainEnd finish

        let rows =
            inputsBetween trainEnd finish
            |> List.map (evaluate models injected (trainEnd, finish))

        printfn ""
        EventEvaluation.table rows |> List.iter (printfn "%s")
        let total = EventEvaluation.total rows
        let weeks = invariant total.Weeks

        let plant =
            if seed = 42 then
                "sample plant"
            else
                $"sample plant (seed %d{seed})"

        let scope =
            $"%s{plant}, %d{rows.Length} machines x %d{days - 14} days scored, examples/config.yaml"

        BenchLine.ours
            $"events-recall-%d{seed}"
            $"event recall of injected process faults, %s{scope} (target >= 0.9)"
            (EventEvaluation.recall total)
            ""
            $"%d{total.FaultsFound} of %d{total.Faults} faults"

        BenchLine.ours
            $"events-false-%d{seed}"
            $"events overlapping no injected fault per machine-week, %s{scope} (target <= 1)"
            (EventEvaluation.falsePerWeek total)
            "/machine-week"
            $"%d{EventEvaluation.falseCount total} of %d{total.Events} events in %s{weeks} machine-weeks, %d{total.FalseEventsMarked} of them marked by data quality; precision %s{invariant (EventEvaluation.precision total)}"

        BenchLine.ours
            $"events-stuck-%d{seed}"
            $"stuck-sensor periods flagged as stuck by data quality, %s{scope} (target: all, none raised as a process event)"
            (float total.StuckFlagged / float (max 1 total.Stuck))
            ""
            $"%d{total.StuckFlagged} of %d{total.Stuck} periods flagged; %d{total.StuckAsEvents} overlapped by an event that overlaps no fault"

        0
    finally
        if Environment.GetEnvironmentVariable "GORDO_BENCH_KEEP" = "1" then
            printfn "kept %s" work
        else
            try
                Directory.Delete(work, true)
            with _ ->
                ()
