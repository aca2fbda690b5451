namespace Gordo.Server

open System
open System.Globalization
open System.IO
open Giraffe.ViewEngine
open Gordo.Core

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

    let private ofMetadata (name: string) (status: string) (meta: Value) : ModelSummary =
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
        }

    let private broken (name: string) (status: string) : ModelSummary = {
        Name = name
        Status = status
        Tags = []
        BuildDate = ""
        Scores = []
        AggregateThreshold = None
        FeatureThresholds = []
    }

    /// The summary of one model directory of a revision; problems become its status.
    let summarize (store: ModelStore) (dir: string) (name: string) : ModelSummary =
        try
            let status = if store.IsLoaded(dir, name) then "loaded" else "available"
            ofMetadata name status (store.Metadata(dir, name))
        with
        | :? HttpErrorException -> broken name "no metadata.json"
        | :? InvalidOperationException
        | :? IOException
        | :? Text.Json.JsonException as e -> broken name $"unreadable metadata.json: %s{e.Message}"

    let private fmt (v: float) =
        v.ToString("G6", CultureInfo.InvariantCulture)

    let private cell (cls: string) (content: XmlNode list) = td [ _class cls ] content

    let private listOf (items: string list) =
        ul [] [ for i in items -> li [] [ str i ] ]

    let private row (prefix: string) (revision: string) (m: ModelSummary) : XmlNode =
        tr [ attr "data-model" m.Name ] [
            cell "name" [ str m.Name ]
            cell "status" [ str m.Status ]
            cell "tags" [ listOf m.Tags ]
            cell "build-date" [ str m.BuildDate ]
            cell "scores" [ listOf [ for k, v in m.Scores -> $"%s{k}: %s{fmt v}" ] ]
            cell "threshold" [ str (m.AggregateThreshold |> Option.map fmt |> Option.defaultValue "") ]
            cell "feature-thresholds" [ listOf [ for t, v in m.FeatureThresholds -> $"%s{t}: %s{fmt v}" ] ]
            cell "links" [
                a [ _href $"%s{prefix}/%s{m.Name}/metadata?revision=%s{revision}" ] [ str "metadata" ]
                str " "
                a [ _href $"%s{prefix}/%s{m.Name}/download-model?revision=%s{revision}" ] [ str "download" ]
            ]
        ]

    let private headers = [
        "model"
        "status"
        "tags"
        "built"
        "CV scores (fold mean)"
        "threshold"
        "feature thresholds"
        ""
    ]

    /// Renders the page for a project revision; `prefix` is the project's URL path.
    let render (project: string) (revision: string) (prefix: string) (models: ModelSummary list) : string =
        html [ _lang "en" ] [
            head [] [
                meta [ _charset "utf-8" ]
                title [] [ str $"Gordo project %s{project}, revision %s{revision}" ]
            ]
            body [] [
                h1 [] [ str $"Project %s{project}" ]
                p [ _id "summary" ] [ str $"Revision %s{revision}: %d{models.Length} models" ]
                table [ _id "models" ] [
                    thead [] [ tr [] [ for h in headers -> th [] [ str h ] ] ]
                    tbody [] (models |> List.map (row prefix revision))
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

        let models = names |> List.map (summarize ctx.Store dir)

        {
            Status = 200
            Body = Body.Html(render project ctx.Revision.Name prefix models)
        }
