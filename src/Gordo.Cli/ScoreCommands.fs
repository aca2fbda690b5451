namespace Gordo.Cli

open System
open System.IO
open Gordo.Models.Anomaly
open Gordo.Core
open Gordo.Data
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Models.Scoring

/// A scoring failure: message and exit code (spec §6.5 classes).
type ScoreError = {
    /// What went wrong, where, how to fix it.
    Message: string
    /// Exit code: 30 missing file, 2 bad input, 1 otherwise.
    ExitCode: int
}

/// `gordo predict` and `gordo anomaly`: offline batch scoring with a saved model, with the
/// columns of the HTTP API (flattened as `top|sub`).
[<RequireQualifiedAccess>]
module ScoreCommands =
    let private fail code message : Result<'T, ScoreError> =
        Error { Message = message; ExitCode = code }

    let private load (dir: string) =
        try
            Ok(Artifact.load dir)
        with :? ArtifactException as e ->
            // A folder without the artifact's info.json holds no model: the model is missing.
            let present = File.Exists(Path.Combine(dir, "info.json"))
            fail (if present then 1 else 30) e.Message

    /// Reads a Parquet or CSV file (by extension).
    let readData (path: string) : Result<Frame, ScoreError> =
        let result =
            if path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) then
                FrameIO.readCsv path ',' None
            else
                ParquetIO.read path None

        match result with
        | Ok f -> Ok f
        | Error(FileError.NotFound _) -> fail 30 $"%s{path}: no such data file"
        | Error e -> fail 2 $"%s{path}: %s{e.Message}"

    let private matrix (path: string) (names: string[]) (frame: Frame) =
        match names |> Array.filter (fun n -> (Frame.tryColumn n frame).IsNone) with
        | [||] -> Ok(Matrix.ofColumns (names |> Array.map (fun n -> Frame.column n frame)))
        | missing ->
            let known = String.Join(", ", frame.Columns)
            fail 2 $"""%s{path}: the model needs columns %s{String.Join(", ", missing)} (the file has: %s{known})"""

    /// The result table: the last rows of the input index, one column per output column.
    let toFrame (index: DateTimeOffset[]) (columns: ((string * string) * float[]) list) : Frame =
        let n =
            columns
            |> List.tryHead
            |> Option.map (snd >> Array.length)
            |> Option.defaultValue 0

        match
            Frame.ofTimestamps
                index.[index.Length - n ..]
                (columns |> List.map (fun (k, v) -> ModelOutput.flatName k, v))
        with
        | Ok f -> f
        | Error e -> invalidOp $"output frame: %A{e}"

    /// Prediction columns (`model-input`, `model-output`) for every row of the data file.
    let predict (modelDir: string) (dataPath: string) : Result<Frame, ScoreError> =
        load modelDir
        |> Result.bind (fun loaded ->
            let tags, targets = ModelOutput.tagNames loaded.Metadata

            readData dataPath
            |> Result.bind (fun frame ->
                matrix dataPath tags frame
                |> Result.map (fun x ->
                    let out = loaded.Model.Output x
                    toFrame (Frame.timestamps frame) (ModelOutput.prediction tags targets x out))))

    /// The data-quality columns of the last `rows` rows of X (issue 21), if the model has a profile.
    let private qualityColumns (modelDir: string) (loaded: LoadedModel) (tags: string[]) (x: Matrix) (rows: int) =
        match DataQuality.ofMetadata loaded.Metadata with
        | Some profile ->
            let skip = Matrix.rows x - rows
            let columns = Array.init tags.Length (fun j -> (Matrix.column j x).[skip..])
            Ok(DataQuality.columns profile tags columns)
        | None ->
            fail
                2
                $"%s{modelDir}: the model has no training profile (built before data-quality flags); rebuild it to use --quality"

    /// The anomaly table of spec §3.3 for the data file (y = the target tag columns), with the
    /// data-quality columns when `quality` is set: the model's event settings, the output rows'
    /// times and the columns.
    let private anomalyTable (modelDir: string) (dataPath: string) (allColumns: bool) (quality: bool) =
        load modelDir
        |> Result.bind (fun loaded ->
            let tags, targets = ModelOutput.tagNames loaded.Metadata

            match loaded.Model with
            | :? DiffDetector as detector ->
                readData dataPath
                |> Result.bind (fun frame ->
                    matrix dataPath tags frame
                    |> Result.bind (fun x -> matrix dataPath targets frame |> Result.map (fun y -> x, y))
                    |> Result.bind (fun (x, y) ->
                        let index = Frame.timestamps frame

                        let input = {
                            InputNames = tags
                            TargetNames = targets
                            Index = Some index
                            Frequency = ModelOutput.frequency loaded.Metadata
                        }

                        let result = detector.Anomaly(x, y, input)
                        let columns = ModelOutput.anomaly allColumns result
                        let times = index.[index.Length - result.Start.Length ..]

                        let settings = AnomalyEvents.ofMetadata loaded.Metadata

                        if quality then
                            qualityColumns modelDir loaded tags x result.Start.Length
                            |> Result.map (fun flags -> settings, times, columns @ flags)
                        else
                            Ok(settings, times, columns)))
            | other ->
                fail 2 $"%s{modelDir}: the model is a %s{other.ClassPath}, not an anomaly detector; use gordo predict")

    /// Anomaly columns of spec §3.3 for every row of the data file (y = the target tag columns),
    /// with the data-quality columns when `quality` is set.
    let anomaly (modelDir: string) (dataPath: string) (allColumns: bool) (quality: bool) : Result<Frame, ScoreError> =
        anomalyTable modelDir dataPath allColumns quality
        |> Result.map (fun (_, times, columns) -> toFrame times columns)

    /// Anomaly events of the data file (docs/events.md), with quality flags when `quality` is
    /// set, cut with `settings` (the model's own: `AnomalyEvents.ofMetadata`).
    let events
        (modelDir: string)
        (dataPath: string)
        (quality: bool)
        (settings: EventSettings)
        : Result<AnomalyEvent list, ScoreError> =
        anomalyTable modelDir dataPath false quality
        |> Result.bind (fun (_, times, columns) ->

            AnomalyEvents.ofColumns settings times columns
            |> Result.mapError (fun e -> {
                Message = $"%s{modelDir}: %s{e}"
                ExitCode = 2
            }))

    /// Writes the result to `output` (.parquet or .csv) or as CSV to standard output.
    let write (output: string option) (frame: Frame) : unit =
        match output with
        | Some path when path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) -> ParquetIO.write path frame
        | Some path -> FrameIO.writeCsv path frame
        | None ->
            let temp = Path.GetTempFileName()

            try
                FrameIO.writeCsv temp frame
                use stdout = Console.OpenStandardOutput()
                use file = File.OpenRead temp
                file.CopyTo stdout
            finally
                File.Delete temp

    let private guarded (compute: unit -> Result<'T, ScoreError>) : Result<'T, ScoreError> =
        try
            compute ()
        with
        | :? ArgumentException
        | :? InvalidOperationException as e -> fail 2 $"the model cannot score this data: %s{e.Message}"

    /// Runs a write to the file `option` names, or to standard output; a failure is exit 20
    /// saying what could not be written and why.
    let private writing (option: string) (target: string option) (act: unit -> unit) : int =
        match target with
        | Some path ->
            match OutputPath.writing "gordo" OutputKind.File option path act with
            | Ok() -> 0
            | Error code -> code
        | None ->
            try
                act ()
                0
            with :? IOException as e ->
                eprintfn "gordo: cannot write standard output: %s" e.Message
                OutputPath.unwritableExitCode

    let private writeTable (output: string option) (frame: Frame) : int =
        writing "--output" output (fun () ->
            write output frame

            output
            |> Option.iter (fun p ->
                eprintfn "wrote %d rows x %d columns to %s" frame.Index.Length frame.Columns.Length p))

    let private finish (output: string option) (compute: unit -> Result<Frame, ScoreError>) : int =
        match guarded compute with
        | Ok frame -> writeTable output frame
        | Error e ->
            eprintfn "gordo: %s" e.Message
            e.ExitCode

    /// `gordo anomaly ... --events FILE`: the events as JSON, and the table only with --output.
    let private finishEvents (output: string option) (eventsPath: string) modelDir compute : int =
        let result =
            guarded compute
            |> Result.bind (fun (settings, times, columns) ->
                AnomalyEvents.ofColumns settings times columns
                |> Result.map (fun events -> times, columns, events)
                |> Result.mapError (fun e -> {
                    Message = $"%s{modelDir}: %s{e}"
                    ExitCode = 2
                }))

        match result with
        | Ok(times, columns, events) ->
            let table =
                if output.IsSome then
                    writeTable output (toFrame times columns)
                else
                    0

            if table <> 0 then
                table
            else
                writing "--events" (Some eventsPath) (fun () ->
                    AtomicPath.writeAllBytes eventsPath (Json.toBytes (AnomalyEvents.toValue events))
                    eprintfn "wrote %d events to %s" events.Length eventsPath)
        | Error e ->
            eprintfn "gordo: %s" e.Message
            e.ExitCode

    /// `gordo predict`.
    let runPredict (args: Argu.ParseResults<PredictArgs>) : int =
        finish (args.TryGetResult PredictArgs.Output) (fun () ->
            predict (args.GetResult PredictArgs.Model_Dir) (args.GetResult PredictArgs.Data))

    /// `gordo anomaly`.
    let runAnomaly (args: Argu.ParseResults<AnomalyArgs>) : int =
        let modelDir = args.GetResult AnomalyArgs.Model_Dir
        let data = args.GetResult AnomalyArgs.Data
        let output = args.TryGetResult AnomalyArgs.Output
        let allColumns = args.Contains AnomalyArgs.All_Columns
        let quality = args.Contains AnomalyArgs.Quality

        match args.TryGetResult AnomalyArgs.Events with
        | Some path -> finishEvents output path modelDir (fun () -> anomalyTable modelDir data allColumns quality)
        | None -> finish output (fun () -> anomaly modelDir data allColumns quality)
