namespace Gordo.Report

open System
open System.Threading
open Gordo.Core.Config
open Gordo.Data
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Scoring
open Gordo.Build

/// Anomaly scores of a built model over its training period.
type internal AnomalySeries = {
    /// Row timestamps (UTC).
    Times: DateTime[]
    /// Model inputs per tag.
    Inputs: (string * float[]) list
    /// `total-anomaly-scaled`.
    Total: float[]
    /// `tag-anomaly-unscaled` per target tag.
    PerTag: (string * float[]) list
    /// The anomaly events of the period, cut with the model's event settings (docs/events.md),
    /// with the data-quality flags of the inputs when the model has a training profile.
    Events: AnomalyEvent list
    /// Per input tag, the rows data quality flags as stuck (empty without a training profile).
    StuckRows: (string * DateTimeOffset[]) list
}

/// What the report shows of one machine.
type internal MachineReport = {
    /// Machine name.
    Name: string
    /// The build error (exit code and message), None when the machine built.
    Failure: (int * string) option
    /// Build seconds.
    Seconds: float option
    /// Where the model went.
    ModelPath: string option
    /// Input tags.
    Tags: string list
    /// Training period.
    Period: DateTimeOffset * DateTimeOffset
    /// Training history per key (`loss`, `val_loss`) of the final fit.
    Loss: (string * float list) list
    /// Per metric: the value of each cross-validation fold.
    FoldScores: (string * float list) list
    /// Per metric: the fold mean.
    CvMeans: (string * float) list
    /// Aggregate threshold and per-tag thresholds.
    Thresholds: (float * (string * float) list) option
    /// Anomaly scores over the training period (None when the model cannot score).
    Anomaly: AnomalySeries option
    /// Injected faults and other known events in the period (sample plant only).
    Events: SampleEvent list
    /// The anomaly events against the injected ones (sample plant with anomaly scores only).
    Evaluation: EventEvaluation option
}

/// Collecting report data from build outcomes.
[<RequireQualifiedAccess>]
module internal ReportData =

    let rec private history (model: Estimator) : (string * float list) list =
        match model with
        | :? Networks.KerasAutoEncoder as k when not k.History.IsEmpty -> k.History
        | _ ->
            model.Children
            |> List.tryPick (history >> Some >> Option.filter (List.isEmpty >> not))
            |> Option.defaultValue []

    let rec private detector (model: Estimator) : DiffDetector option =
        match model with
        | :? DiffDetector as d -> Some d
        | _ -> model.Children |> List.tryPick detector

    /// Aggregate metric keys (those no other key extends with `-<tag>`) and their statistics.
    let private aggregates (cv: CrossValidationResult) =
        let keys = cv.Scores |> List.map fst

        cv.Scores
        |> List.filter (fun (k, _) -> keys |> List.exists (fun o -> k.StartsWith(o + "-")) |> not)

    let private folds (stats: (string * float) list) : float list =
        stats
        |> List.filter (fun (s, _) -> s.StartsWith "fold-" && Char.IsDigit s.[s.Length - 1])
        |> List.map snd

    let private thresholds (model: Estimator) (targets: string[]) =
        detector model
        |> Option.bind (fun d -> d.Thresholds)
        |> Option.map (fun t -> t.Aggregate, Array.zip targets t.Feature |> List.ofArray)

    let private fetch (machine: Machine) : DatasetResult option =
        match DataProviderRegistry.forDataset machine.Dataset, DatasetRequest.ofConfig machine.Dataset with
        | Ok provider, Ok request ->
            match (Dataset.getDataAsync provider request CancellationToken.None).GetAwaiter().GetResult() with
            | Ok data -> Some data
            | Error _ -> None
        | _ -> None

    let private column (frame: AnomalyFrame) (top: string) (sub: string) =
        Frame.tryColumn top sub frame |> Option.defaultValue [||]

    /// The data-quality flags of the last `rows` rows of X, per tag, then the row's together
    /// (`total-data-quality`); empty without a training profile.
    let private quality (built: BuiltModel) (data: DatasetResult) (rows: int) : (string * QualityFlags[]) list =
        match DataQuality.ofMetadata built.Metadata with
        | Some profile ->
            let skip = Gordo.Data.Frame.length data.X - rows
            let columns = data.X.Data |> Array.map (fun c -> c.[skip..])

            DataQuality.columns profile data.X.Columns columns
            |> List.map (fun ((_, tag), flags) -> tag, flags |> Array.map (fun f -> enum<QualityFlags> (int f)))
        | None -> []

    /// Scores the training data with the fitted detector.
    let private anomaly (built: BuiltModel) (data: DatasetResult) : AnomalySeries option =
        match detector built.Model with
        | Some d when d.IsFitted && d.Thresholds.IsSome ->
            let x, y = Matrix.ofColumns data.X.Data, Matrix.ofColumns data.Y.Data
            let times = Gordo.Data.Frame.timestamps data.X

            let input = {
                InputNames = data.X.Columns
                TargetNames = data.Y.Columns
                Index = Some times
                Frequency = None
            }

            let frame = d.Anomaly(x, y, input)
            let n = (column frame "total-anomaly-scaled" "").Length
            let scoredTimes = times.[times.Length - n ..]
            let flags = quality built data n

            let perTag = flags |> List.filter (fun (tag, _) -> tag <> "")

            let events =
                AnomalyEvents.findWithTagQuality
                    (AnomalyEvents.ofMetadata built.Metadata)
                    scoredTimes
                    (column frame "total-anomaly-confidence" "")
                    data.Y.Columns
                    (data.Y.Columns |> Array.map (column frame "tag-anomaly-scaled"))
                    (flags |> List.tryLast |> Option.map snd)
                    perTag

            Some {
                Times = scoredTimes |> Array.map _.UtcDateTime
                Inputs =
                    data.X.Columns
                    |> List.ofArray
                    |> List.map (fun c -> c, column frame "model-input" c)
                Total = column frame "total-anomaly-scaled" ""
                PerTag =
                    data.Y.Columns
                    |> List.ofArray
                    |> List.map (fun c -> c, column frame "tag-anomaly-unscaled" c)
                Events = events
                StuckRows =
                    perTag
                    |> List.map (fun (tag, f) ->
                        tag,
                        Array.init n id
                        |> Array.filter (fun i -> f.[i].HasFlag QualityFlags.Stuck)
                        |> Array.map (fun i -> scoredTimes.[i]))
            }
        | _ -> None

    let private events (machine: Machine) (tags: string list) : SampleEvent list =
        match DataProviderRegistry.forDataset machine.Dataset with
        | Ok(:? SamplePlantDataProvider as p) ->
            SamplePlant.eventsOfTags p.Seed tags machine.Dataset.TrainStartDate machine.Dataset.TrainEndDate
        | _ -> []

    let private tagNames (machine: Machine) : string list =
        machine.Dataset.TagList
        |> List.map (function
            | Tag.Name s -> s
            | Tag.Sensor s -> s.Name)

    let private empty (machine: Machine) : MachineReport = {
        Name = machine.Name
        Failure = None
        Seconds = None
        ModelPath = None
        Tags = tagNames machine
        Period = machine.Dataset.TrainStartDate, machine.Dataset.TrainEndDate
        Loss = []
        FoldScores = []
        CvMeans = []
        Thresholds = None
        Anomaly = None
        Events = []
        Evaluation = None
    }

    /// The anomaly events against the injected events of the sample plant, when known.
    let private evaluation (machine: Machine) (known: SampleEvent list) (a: AnomalySeries) : EventEvaluation option =
        match DataProviderRegistry.forDataset machine.Dataset with
        | Ok(:? SamplePlantDataProvider) when a.Times.Length > 1 ->
            let interval = a.Times.[1] - a.Times.[0]

            Some(
                EventEvaluation.evaluate
                    machine.Name
                    (machine.Dataset.TrainStartDate, machine.Dataset.TrainEndDate)
                    interval
                    known
                    a.Events
                    a.StuckRows
            )
        | _ -> None

    let private ofBuilt (machine: Machine) (built: BuiltModel) : MachineReport =
        let data = fetch machine
        let targets = data |> Option.map _.Y.Columns |> Option.defaultValue [||]
        let known = events machine (tagNames machine)

        let scores =
            built.CrossValidation |> Option.map aggregates |> Option.defaultValue []

        let series =
            data
            |> Option.bind (fun d ->
                try
                    anomaly built d
                with _ ->
                    None)

        {
            empty machine with
                Seconds = Some built.DurationSeconds
                ModelPath = built.OutputDirectory
                Loss = history built.Model
                FoldScores = scores |> List.map (fun (k, s) -> k, folds s)
                CvMeans =
                    scores
                    |> List.choose (fun (k, s) ->
                        s |> List.tryFind (fst >> (=) "fold-mean") |> Option.map (fun (_, v) -> k, v))
                Thresholds = thresholds built.Model targets
                Anomaly = series
                Events = known
                Evaluation = series |> Option.bind (evaluation machine known)
        }

    /// The report of one machine from its build outcome (fetches the training data again to
    /// score it; a machine whose data cannot be fetched is shown without anomaly plots).
    let ofOutcome (machine: Machine) (result: Result<BuiltModel, BuildError>) : MachineReport =
        match result with
        | Ok built -> ofBuilt machine built
        | Error e -> {
            empty machine with
                Failure = Some(e.ExitCode, e.Message)
                Events = events machine (tagNames machine)
          }
