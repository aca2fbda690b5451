namespace Gordo.Server

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Gordo.Core
open Gordo.Core.Language
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Scoring

/// What a handler sees of a request.
type internal RequestContext = {
    /// The request path, with the application's path base (links of the index page).
    Path: string
    /// Server settings.
    Config: ServerConfig
    /// The model store.
    Store: ModelStore
    /// The recent scored rows per model (the project page's charts, events and warnings).
    Recent: RecentScores
    /// The effective revision.
    Revision: RequestRevision
    /// The model name of model routes ("" otherwise), already validated.
    Model: string
    /// A query parameter, if present.
    Query: string -> string option
    /// The input table `X` or `y` of the request body (JSON or multipart Parquet), if sent.
    Input: string -> InputTable option
    /// A route value (e.g. `revision` of the DELETE route), if present.
    Route: string -> string option
}

/// The route handlers of spec §5.3: small functions from a request context to a reply.
[<RequireQualifiedAccess>]
module internal Handlers =
    /// The model directories of a revision (Gordo lists every entry; only directories can be
    /// models, and `local-build` writes `report.html` beside them).
    let private modelDirectories (dir: string) =
        if Directory.Exists dir then
            Directory.GetDirectories dir
            |> Array.map Path.GetFileName
            |> Array.filter (fun n -> not (n.StartsWith "."))
            |> Array.sort
            |> Array.map Value.String
            |> List.ofArray
        else
            []

    let private collectionDir (ctx: RequestContext) =
        ctx.Config.ModelCollectionDir
        |> Option.defaultWith (fun () -> invalidOp "MODEL_COLLECTION_DIR is not set")

    /// `GET /server-version`.
    let serverVersion (ctx: RequestContext) : Reply =
        Reply.ok [ "version", Value.String ctx.Config.Version ]

    /// `GET /gordo/v0/{project}/models`.
    let models (ctx: RequestContext) : Reply =
        Reply.ok [ "models", Value.List(modelDirectories ctx.Revision.Directory) ]

    /// `GET /gordo/v0/{project}/revisions`.
    let revisions (ctx: RequestContext) : Reply =
        let dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(collectionDir ctx))
        let latest = Revision.current dir

        let available =
            try
                Directory.GetDirectories(Path.GetDirectoryName dir)
                |> Array.map Path.GetFileName
                |> Array.filter (fun n -> not (n.StartsWith "."))
                |> Array.sort
                |> Array.map Value.String
                |> List.ofArray
            with
            | :? IOException
            | :? UnauthorizedAccessException -> [ Value.String latest ]

        Reply.ok [ "available-revisions", Value.List available; "latest", Value.String latest ]

    /// `GET /gordo/v0/{project}/expected-models`.
    let expectedModels (ctx: RequestContext) : Reply =
        Reply.ok [
            "expected-models", Value.List(ctx.Config.ExpectedModels |> List.map Value.String)
        ]

    /// `GET /gordo/v0/{project}/{model}/metadata` (and `/healthcheck`).
    let metadata (ctx: RequestContext) : Reply =
        let meta = ctx.Store.Metadata(ctx.Revision.Directory, ctx.Model)

        let checksum =
            ctx.Store.Info(ctx.Revision.Directory, ctx.Model)
            |> Option.bind (Value.tryGet "checksum")
            |> Option.map (fun c -> "checksum", c)
            |> Option.toList

        Reply.ok (
            checksum
            @ [
                "env", Value.Map [ "MODEL_COLLECTION_DIR", Value.String(collectionDir ctx) ]
                "gordo-server-version", Value.String ctx.Config.Version
                "metadata", Reply.sortKeys (Gordo.Core.Config.CanonicalDataset.inMetadata meta)
            ]
        )

    /// `GET /gordo/v0/{project}/{model}/download-model`: the artifact as one tar stream.
    let downloadModel (ctx: RequestContext) : Reply =
        let loaded = ctx.Store.Model(ctx.Revision.Directory, ctx.Model)

        {
            Status = 200
            Body = Body.Bytes(Artifact.dumps loaded.Model loaded.Metadata, "application/octet-stream")
        }

    /// `DELETE /gordo/v0/{project}/{model}/revision/{revision}`.
    let deleteRevision (ctx: RequestContext) : Reply =
        let revision = ctx.Route "revision" |> Option.defaultValue ""
        let current = Revision.current (collectionDir ctx)

        if not (Revision.isValid revision) then
            Reply.jsonError 422 "error" "Revision should only contains numbers."
        elif revision = current then
            Reply.jsonError 409 "error" "Unable to delete current revision."
        else
            let revisionDir =
                Path.Combine(Path.GetDirectoryName ctx.Revision.Directory, revision)

            let modelDir = Path.Combine(revisionDir, ctx.Model)

            if not (File.Exists(Path.Combine(modelDir, "metadata.json"))) then
                Reply.html 404 "Not Found" $"No such model found: '%s{ctx.Model}'"
            else
                Directory.Delete(modelDir, true)
                ctx.Store.Forget modelDir

                if Directory.GetFileSystemEntries(revisionDir).Length = 0 then
                    Directory.Delete revisionDir

                Reply.ok [ "ok", Value.Bool true ]


    let private requireX (ctx: RequestContext) (tags: string[]) =
        match ctx.Input "X" with
        | Some x -> InputFrame.verify tags x |> InputFrame.requireFinite "X"
        | None -> Reply.fail (Reply.jsonError 400 "message" "Cannot predict without \"X\"")

    /// The output table as `{"data": ...}` JSON plus `extra` entries, or as Parquet bytes with
    /// `?format=parquet`.
    let private table (ctx: RequestContext) (extra: (string * Value) list) (output: OutputTable) : Reply =
        match ctx.Query "format" with
        | Some "parquet" -> {
            Status = 200
            Body = Body.Bytes(OutputParquet.toBytes output, "application/octet-stream")
          }
        | Some other when other <> "json" ->
            Reply.jsonError 400 "message" $"Unknown format '%s{other}'; use format=json or format=parquet"
        | _ -> Reply.okData (fun bytes -> OutputFrame.write bytes output) extra

    let private output (model: Estimator) (x: Matrix) =
        try
            model.Output x
        with
        | :? HttpErrorException -> reraise ()
        | :? ArgumentException
        | :? InvalidOperationException as e -> Reply.fail (Reply.jsonError 400 "error" $"ValueError: %s{e.Message}")
        | _ -> Reply.fail (Reply.jsonError 400 "error" "Something unexpected happened; check your input data")

    /// `POST /gordo/v0/{project}/{model}/prediction`.
    let prediction (ctx: RequestContext) : Reply =
        let loaded, meta = ctx.Store.ModelAndMetadata(ctx.Revision.Directory, ctx.Model)
        let names = ModelOutput.columns meta
        let x = requireX ctx names.Tags
        let out = output loaded.Model x.Values
        let n = Matrix.rows out
        let columns = ModelOutput.prediction names.Tags names.Targets x.Values out
        table ctx [] (OutputFrame.create x.Rows None n columns)

    let private detector (loaded: LoadedModel) : DiffDetector =
        match loaded.Model with
        | :? DiffDetector as d -> d
        | other ->
            Reply.fail (
                Reply.jsonError
                    422
                    "message"
                    $"Model is not an AnomalyDetector, it is of type: <class '%s{other.ClassPath}'>"
            )

    /// Whether the request asks for data-quality columns (`?quality`, `?quality=true`); a value
    /// that is no boolean is a 400 rather than a guess.
    let private wantsQuality (ctx: RequestContext) =
        match ctx.Query "quality" |> Option.map (fun v -> v.Trim().ToLowerInvariant()) with
        | None
        | Some("false" | "0" | "no") -> false
        | Some("" | "true" | "1" | "yes") -> true
        | Some other ->
            Reply.fail (
                Reply.jsonError
                    400
                    "message"
                    $"quality must be true or false (or 1/0, yes/no), got '%s{other}'; leave it out for Gordo's table alone"
            )

    /// Training profiles and event settings by metadata document: the store hands out the same
    /// document object while it caches it, so each is read once, not on every request.
    let private profiles =
        Runtime.CompilerServices.ConditionalWeakTable<Value, TrainingProfile option>()

    let private eventSettings =
        Runtime.CompilerServices.ConditionalWeakTable<Value, EventSettings>()

    let internal profileOf (meta: Value) : TrainingProfile option =
        profiles.GetValue(meta, fun m -> DataQuality.ofMetadata m)

    let private settingsOf (meta: Value) : EventSettings =
        eventSettings.GetValue(meta, fun m -> AnomalyEvents.ofMetadata m)

    /// The data-quality columns of the last `rows` rows of X (issue 21).
    let private qualityColumns (meta: Value) (tags: string[]) (x: Matrix) (rows: int) =
        match profileOf meta with
        | Some profile -> DataQuality.ofMatrix profile tags x (Matrix.rows x - rows)
        | None ->
            Reply.fail (
                Reply.jsonError
                    422
                    "message"
                    "The model has no training profile (it was built before data-quality flags); rebuild it to ask for quality=true"
            )

    /// The anomaly table of a request (with the data-quality columns when `quality` says so for
    /// the model's metadata): the X rows, the frequency, the number of output rows, the columns.
    let private anomalyTable (ctx: RequestContext) (quality: Value -> bool) =
        let loaded, meta = ctx.Store.ModelAndMetadata(ctx.Revision.Directory, ctx.Model)
        let names = ModelOutput.columns meta
        let x = requireX ctx names.Tags

        let y =
            match ctx.Input "y" with
            | Some y -> InputFrame.verify names.Targets y |> InputFrame.requireFinite "y"
            | None ->
                Reply.fail (Reply.jsonError 400 "message" "Cannot perform anomaly without 'y' to compare against.")

        if Matrix.rows y.Values <> Matrix.rows x.Values then
            Reply.fail (
                Reply.jsonError
                    400
                    "message"
                    $"\"y\" has %d{Matrix.rows y.Values} rows but \"X\" has %d{Matrix.rows x.Values}"
            )

        let model = detector loaded

        let input = {
            InputNames = names.Tags
            TargetNames = names.Targets
            Index = None
            Frequency = None
        }

        let frame =
            try
                model.Anomaly(x.Values, y.Values, input)
            with :? ThresholdsMissingException ->
                Reply.fail (
                    Reply.jsonError
                        422
                        "message"
                        $"Model is not an AnomalyDetector, it is of type: <class '%s{model.ClassPath}'>"
                )

        let n = frame.Start.Length

        let columns =
            ModelOutput.anomaly (ctx.Query "all_columns").IsSome frame
            @ (if quality meta then
                   qualityColumns meta names.Tags x.Values n
               else
                   [])

        match x.Rows with
        | RowLabels.Times(times, _) -> ctx.Recent.Feed(ctx.Revision.Directory, ctx.Model, times, columns)
        | RowLabels.Ints _ -> ()

        x.Rows, names.Frequency, n, columns

    /// `POST /gordo/v0/{project}/{model}/anomaly/prediction`.
    let anomaly (ctx: RequestContext) : Reply =
        let watch = Stopwatch.StartNew()
        let rows, frequency, n, columns = anomalyTable ctx (fun _ -> wantsQuality ctx)
        let output = OutputFrame.create rows frequency n columns

        let seconds =
            watch.Elapsed.TotalSeconds.ToString("0.0000", Globalization.CultureInfo.InvariantCulture)

        table ctx [ "time-seconds", Value.String seconds ] output

    /// `POST /gordo/v0/{project}/{model}/anomaly/events`: the anomaly events of X and y (rows
    /// must be timestamps), with data-quality flags when the model has a training profile.
    let events (ctx: RequestContext) : Reply =
        let rows, _, n, columns = anomalyTable ctx (fun meta -> (profileOf meta).IsSome)

        let times =
            match rows with
            | RowLabels.Times(ts, _) -> ts.[ts.Length - n ..]
            | RowLabels.Ints _ ->
                Reply.fail (
                    Reply.jsonError
                        400
                        "message"
                        "Events need timestamped rows: send X and y with a time index (ISO 8601 row keys)"
                )

        let settings = settingsOf (ctx.Store.Metadata(ctx.Revision.Directory, ctx.Model))

        match AnomalyEvents.ofColumns settings times columns with
        | Ok found -> Reply.ok [ "events", AnomalyEvents.toValue found ]
        | Error e -> Reply.jsonError 422 "message" $"The model cannot give events: %s{e}"
