namespace Gordo.Server

open System
open System.Globalization
open System.IO
open System.Text.Json
open Giraffe.ViewEngine
open Gordo.Core
open Gordo.Models.Scoring

/// One model's row on the project index page (read from its `metadata.json`).
type internal ModelSummary = {
    /// The model name (its directory).
    Name: string
    /// `loaded` (in the model store), `available` (on disk) or what is wrong with it.
    Status: string
    /// Input tag names.
    Tags: string list
    /// `model_creation_date` of the build metadata ("" when unknown).
    BuildDate: string
    /// Aggregate cross-validation scores (metric name, fold mean).
    Scores: (string * float) list
    /// `aggregate-threshold`, if the model has thresholds.
    AggregateThreshold: float option
    /// Per-target `feature-thresholds` (target tag, threshold).
    FeatureThresholds: (string * float) list
    /// The recent scored rows with their events and data-quality warnings (None: no anomaly
    /// request since the server started).
    Recent: RecentState option
}

/// The server-rendered project index page at `/gordo/v0/{project}/`.
[<RequireQualifiedAccess>]
module internal IndexPage =
    let private path (keys: string list) (value: Value) : Value option =
        keys |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some value)

    let private number (value: Value option) : float option =
        match value with
        | Some(Value.Float f) -> Some f
        | Some(Value.Int i) -> Some(float i)
        | _ -> None

    let private buildModel (meta: Value) (key: string) : Value option =
        path [ "metadata"; "build_metadata"; "model"; key ] meta

    /// Aggregate scores: metrics whose name does not end with one of the tag names.
    let private scores (tags: string[]) (meta: Value) : (string * float) list =
        match buildModel meta "cross_validation" |> Option.bind (Value.tryGet "scores") with
        | Some(Value.Map entries) ->
            entries
            |> List.filter (fun (k, _) -> tags |> Array.forall (fun t -> not (k.EndsWith("-" + t))))
            |> List.choose (fun (k, v) -> number (Value.tryGet "fold-mean" v) |> Option.map (fun m -> k, m))
        | _ -> []

    let private featureThresholds (targets: string[]) (meta: Value) : (string * float) list =
        match buildModel meta "model_meta" |> Option.bind (Value.tryGet "feature-thresholds") with
        | Some(Value.List values) when values.Length = targets.Length ->
            List.zip (List.ofArray targets) values
            |> List.choose (fun (t, v) -> number (Some v) |> Option.map (fun n -> t, n))
        | _ -> []

    let private ofMetadata (name: string) (status: string) (recent: RecentState option) (meta: Value) : ModelSummary =
        let tags, targets = Gordo.Models.Scoring.ModelOutput.tagNames meta

        let date =
            match buildModel meta "model_creation_date" with
            | Some(Value.String s) -> s
            | _ -> ""

        {
            Name = name
            Status = status
            Tags = List.ofArray tags
            BuildDate = date
            Scores = scores targets meta
            AggregateThreshold =
                buildModel meta "model_meta"
                |> Option.bind (Value.tryGet "aggregate-threshold")
                |> number
            FeatureThresholds = featureThresholds targets meta
            Recent = recent
        }

    let private broken (name: string) (status: string) : ModelSummary = {
        Name = name
        Status = status
        Tags = []
        BuildDate = ""
        Scores = []
        AggregateThreshold = None
        FeatureThresholds = []
        Recent = None
    }

    /// The summary of one model directory of a revision; problems become its status.
    let summarize (store: ModelStore) (recent: RecentScores) (dir: string) (name: string) : ModelSummary =
        try
            let status = if store.IsLoaded(dir, name) then "loaded" else "available"
            let meta = store.Metadata(dir, name)

            let state =
                recent.Recent(dir, name)
                |> Option.map (fun (targets, inputs, rows) -> RecentView.ofRows meta targets inputs rows)

            ofMetadata name status state meta
        with
        | :? HttpErrorException -> broken name "no metadata.json"
        | :? InvalidOperationException
        | :? IOException
        | :? Text.Json.JsonException as e -> broken name $"unreadable metadata.json: %s{e.Message}"

    let private fmt (v: float) =
        if Double.IsFinite v then
            v.ToString("G4", CultureInfo.InvariantCulture)
        else
            "–"

    let private time (t: DateTimeOffset) =
        t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)

    let private badge (cls: string) (text: string) =
        span [ _class $"badge %s{cls}" ] [ str text ]

    let private statusBadge (status: string) =
        match status with
        | "loaded"
        | "available" -> badge "ok" status
        | other -> badge "bad" other

    let private openEvents (m: ModelSummary) =
        match m.Recent with
        | Some state -> state.Events |> List.filter (RecentView.isOpen state)
        | None -> []

    let private dataTable (cls: string) (headers: (string * string) list) (rows: XmlNode list) =
        table [ _class cls ] [
            thead [] [ tr [] [ for h, c in headers -> th [ _class c ] [ str h ] ] ]
            tbody [] rows
        ]

    let private empty (text: string) = p [ _class "empty" ] [ str text ]

    /// The last kept score against the threshold, for the overview.
    let private latest (m: ModelSummary) : XmlNode list =
        match m.Recent with
        | None -> [ str "–" ]
        | Some state ->
            let rows = state.Rows
            let last = rows.Scaled.[rows.Scaled.Length - 1]

            let over =
                m.AggregateThreshold
                |> Option.exists (fun t -> Double.IsFinite last && last > t)

            [
                span [ (if over then _class "over" else _class "num") ] [ str (fmt last) ]
                str (
                    m.AggregateThreshold
                    |> Option.map (fun t -> $" / %s{fmt t}")
                    |> Option.defaultValue ""
                )
            ]

    let private overviewRow (m: ModelSummary) : XmlNode =
        let warnings = m.Recent |> Option.map _.Warnings.Length |> Option.defaultValue 0

        tr [ attr "data-model" m.Name ] [
            td [ _class "name" ] [ a [ _href $"#machine-%s{m.Name}" ] [ str m.Name ] ]
            td [ _class "status" ] [ statusBadge m.Status ]
            td [ _class "score num" ] (latest m)
            td [ _class "open-events num" ] [
                match openEvents m with
                | [] -> str "0"
                | events -> badge "bad" (string events.Length)
            ]
            td [ _class "warnings num" ] [
                (if warnings = 0 then
                     str "0"
                 else
                     badge "warn" (string warnings))
            ]
            td [ _class "build-date" ] [ str m.BuildDate ]
        ]

    /// The chart's data, as a JSON block the page's script reads (not executed; the default
    /// encoder escapes `<`, so no `</script>` can end the block early).
    let private chartData (m: ModelSummary) (state: RecentState) : XmlNode =
        let json =
            use buffer = new MemoryStream()

            using (new Utf8JsonWriter(buffer)) (fun w ->
                let number (v: float) =
                    if Double.IsFinite v then
                        w.WriteNumberValue v
                    else
                        w.WriteNullValue()

                w.WriteStartObject()
                w.WriteStartArray "times"

                for t in state.Rows.Times do
                    w.WriteStringValue(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))

                w.WriteEndArray()
                w.WriteStartArray "scores"
                state.Rows.Scaled |> Array.iter number
                w.WriteEndArray()
                w.WritePropertyName "threshold"

                match m.AggregateThreshold with
                | Some t -> number t
                | None -> w.WriteNullValue()

                w.WriteStartArray "events"

                for e in state.Events do
                    w.WriteStartArray()

                    w.WriteStringValue(
                        e.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                    )

                    w.WriteStringValue(e.End.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                    w.WriteEndArray()

                w.WriteEndArray()
                w.WriteEndObject())

            Text.Encoding.UTF8.GetString(buffer.ToArray())

        script [
            _type "application/json"
            _class "chart-data"
            attr "data-chart" $"chart-%s{m.Name}"
        ] [ rawText json ]

    let private eventRow (state: RecentState) (e: AnomalyEvent) : XmlNode =
        tr [ _class (if RecentView.isOpen state e then "event open" else "event") ] [
            td [] [
                str (time e.Start)
                (if RecentView.isOpen state e then
                     badge "bad" "open"
                 else
                     str "")
            ]
            td [] [ str (time e.End) ]
            td [ _class "num" ] [ str (fmt e.Peak) ]
            td [] [
                str (
                    e.Tags
                    |> List.map (fun t -> $"%s{t.Tag} (%.0f{100.0 * t.Share} %%)")
                    |> String.concat ", "
                )
            ]
            td [] [ str (RecentView.flagNames e.Quality |> String.concat ", ") ]
        ]

    let private warningRow (w: QualityWarning) : XmlNode =
        tr [ attr "data-tag" w.Tag ] [
            td [] [ str w.Tag ]
            td [ _class "flags" ] [ for f in RecentView.flagNames w.Flags -> badge "warn" f ]
            td [ _class "num" ] [ str (string w.Rows) ]
            td [] [ str (time w.Last) ]
        ]

    let private scoresTable (m: ModelSummary) =
        match m.Scores with
        | [] -> empty "No cross-validation scores in the metadata."
        | scores ->
            dataTable "scores" [ "metric", ""; "fold mean", "num" ] [
                for k, v in scores -> tr [] [ td [] [ str k ]; td [ _class "num" ] [ str (fmt v) ] ]
            ]

    let private thresholdsTable (m: ModelSummary) =
        match m.AggregateThreshold, m.FeatureThresholds with
        | None, [] -> empty "No thresholds (built without cross-validation)."
        | aggregate, features ->
            dataTable "thresholds" [ "tag", ""; "threshold", "num" ] [
                for t in Option.toList aggregate ->
                    tr [ _class "aggregate" ] [ td [] [ str "total (aggregate)" ]; td [ _class "num" ] [ str (fmt t) ] ]
                for tag, t in features -> tr [] [ td [] [ str tag ]; td [ _class "num" ] [ str (fmt t) ] ]
            ]

    let private recentPart (rows: int) (m: ModelSummary) : XmlNode list =
        match m.Recent with
        | None -> [
            h3 [] [ str "Anomaly score" ]
            empty "No anomaly predictions for this model since the server started."
            h3 [] [ str "Events" ]
            empty "None."
          ]
        | Some state -> [
            h3 [] [
                str $"Anomaly score, last %d{state.Rows.Times.Length} rows (of at most %d{rows}), UTC"
            ]
            div [ _class "chart"; _id $"chart-%s{m.Name}" ] []
            chartData m state
            h3 [] [ str "Events" ]
            match state.Events with
            | [] -> empty "No events in the recent rows."
            | events ->
                dataTable
                    "events"
                    [
                        "start", ""
                        "end", ""
                        "peak (× threshold)", "num"
                        "tags (share of the error)", ""
                        "input quality", ""
                    ]
                    (events |> List.rev |> List.map (eventRow state))
          ]

    let private qualityPart (m: ModelSummary) : XmlNode =
        match m.Recent with
        | None -> empty "No recent inputs."
        | Some state when state.Warnings.IsEmpty -> empty "No data-quality flags in the recent inputs."
        | Some state ->
            dataTable
                "quality"
                [ "tag", ""; "flags", ""; "rows", "num"; "last", "" ]
                (state.Warnings |> List.map warningRow)

    let private machine (prefix: string) (revision: string) (rows: int) (m: ModelSummary) : XmlNode =
        section [ _class "card machine"; _id $"machine-%s{m.Name}"; attr "data-model" m.Name ] [
            h2 [] [
                str m.Name
                statusBadge m.Status
                (match openEvents m with
                 | [] -> str ""
                 | events -> badge "bad" $"%d{events.Length} open event(s)")
                (match m.Recent with
                 | Some s when not s.Warnings.IsEmpty -> badge "warn" "data quality"
                 | _ -> str "")
            ]
            p [ _class "meta" ] [
                str (
                    (if m.BuildDate = "" then "" else $"built %s{m.BuildDate} · ")
                    + $"%d{m.Tags.Length} tags · "
                )
                a [ _href $"%s{prefix}/%s{m.Name}/metadata?revision=%s{revision}" ] [ str "metadata" ]
                str " · "
                a [ _href $"%s{prefix}/%s{m.Name}/download-model?revision=%s{revision}" ] [ str "download" ]
            ]
            div [ _class "grid" ] [
                div [] (recentPart rows m)
                div [] [
                    h3 [] [ str "Data quality of recent inputs" ]
                    qualityPart m
                    h3 [] [ str "Thresholds" ]
                    thresholdsTable m
                    h3 [] [ str "Cross-validation scores" ]
                    scoresTable m
                ]
            ]
        ]

    /// Renders the page for a project revision; `prefix` is the project's URL path, `rows` the
    /// rows kept per model.
    let render (project: string) (revision: string) (prefix: string) (rows: int) (models: ModelSummary list) : string =
        let assets = $"%s{prefix}/%s{PageAssets.Segment}"
        let opened = models |> List.sumBy (openEvents >> List.length)

        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                meta [ _name "viewport"; _content "width=device-width, initial-scale=1" ]
                meta [ attr "http-equiv" "refresh"; _content "60" ]
                title [] [ str $"Gordo project %s{project}, revision %s{revision}" ]
                // plotly.js adds its style rules to the sheet with this id instead of an inline
                // <style> element (which the page's policy would block).
                link [
                    _rel "stylesheet"
                    _id "plotly.js-style-global"
                    _href $"%s{assets}/page.css"
                ]
                script [ _src $"%s{assets}/plotly.min.js"; _defer ] []
                script [ _src $"%s{assets}/page.js"; _defer ] []
            ]
            body [] [
                header [ _class "top" ] [
                    h1 [] [ str $"Project %s{project}" ]
                    p [ _id "summary" ] [
                        str $"Revision %s{revision}: %d{models.Length} models, %d{opened} open events"
                    ]
                ]
                main [] [
                    section [ _class "card"; _id "overview" ] [
                        dataTable
                            "models"
                            [
                                "model", ""
                                "status", ""
                                "last score / threshold", "num"
                                "open events", "num"
                                "quality warnings", "num"
                                "built", ""
                            ]
                            (models |> List.map overviewRow)
                    ]
                    yield! models |> List.map (machine prefix revision rows)
                ]
                footer [] [
                    str
                        $"Scores: the last %d{rows} rows per model of the anomaly requests since the server started (in memory). The page reloads every minute."
                ]
            ]
        ]
        |> RenderView.AsString.htmlDocument

    /// `GET /gordo/v0/{project}/`: the index page of the request's revision.
    let handler (project: string) (prefix: string) (ctx: RequestContext) : Reply =
        let dir = ctx.Revision.Directory

        let names =
            if Directory.Exists dir then
                Directory.GetDirectories dir
                |> Array.map Path.GetFileName
                |> Array.filter (fun n -> not (n.StartsWith "."))
                |> Array.sort
                |> List.ofArray
            else
                []

        let models = names |> List.map (summarize ctx.Store ctx.Recent dir)

        {
            Status = 200
            Body = Body.Html(render project ctx.Revision.Name prefix ctx.Recent.Rows models)
        }
