namespace Gordo.Server

open Gordo.Core

/// One route of the API: what serves it and how the OpenAPI document describes it.
[<NoEquality; NoComparison>]
type internal RouteSpec = {
    /// HTTP method (GET, POST, DELETE).
    Method: string
    /// ASP.NET Core route template (`/gordo/v0/{project}/{model}/metadata`).
    Template: string
    /// The handler.
    Handler: RequestContext -> Reply
    /// One-line summary.
    Summary: string
    /// What the route does, its query parameters and its errors.
    Description: string
    /// An example JSON request body (POST routes).
    RequestExample: string option
    /// An example JSON response (None: an empty or binary body).
    ResponseExample: string option
    /// Error statuses with their meaning.
    Errors: (int * string) list
}

/// The route table of spec §5.3: every route is registered from here (App.mapRoutes) and
/// described from here (the OpenAPI document).
[<RequireQualifiedAccess>]
module internal Routes =
    /// The prefix of the project routes.
    [<Literal>]
    let Prefix = "/gordo/v0/{project}"

    let private route (method: string) (template: string) (handler) (summary: string) (description: string) = {
        Method = method
        Template = template
        Handler = handler
        Summary = summary
        Description = description
        RequestExample = None
        ResponseExample = None
        Errors = []
    }

    let private revisionErrors = [
        410, "The requested revision (query or header `revision`) is not numeric or does not exist."
    ]

    let private modelErrors =
        revisionErrors
        @ [
            404, "No such model in the revision."
            422, "The model name has a wrong format."
        ]

    let private inputErrors =
        modelErrors
        @ [
            400,
            "No X, malformed JSON, wrong content type, wrong feature count, NaN/inf values, empty X, y length differs from X, or a model error."
            413, "The request body is larger than MAX_REQUEST_BODY_MB."
        ]

    /// Example request body of the prediction routes (pandas `to_dict()` form).
    let predictionRequest =
        """{"X": {"tag-a": {"2020-03-10T00:00:00": 0.1, "2020-03-10T00:10:00": 0.2}, "tag-b": {"2020-03-10T00:00:00": 1.5, "2020-03-10T00:10:00": 1.4}}, "y": {"tag-a": {"2020-03-10T00:00:00": 0.1, "2020-03-10T00:10:00": 0.2}, "tag-b": {"2020-03-10T00:00:00": 1.5, "2020-03-10T00:10:00": 1.4}}}"""

    let private anomalyResponse =
        """{"data": {"end": {"end": {"2020-03-10 00:00:00": "2020-03-10T00:10:00"}}, "model-input": {"tag-a": {"2020-03-10 00:00:00": 0.1}}, "model-output": {"tag-a": {"2020-03-10 00:00:00": 0.12}}, "start": {"start": {"2020-03-10 00:00:00": "2020-03-10T00:00:00"}}, "tag-anomaly-scaled": {"tag-a": {"2020-03-10 00:00:00": 0.02}}, "tag-anomaly-unscaled": {"tag-a": {"2020-03-10 00:00:00": 0.02}}, "anomaly-confidence": {"tag-a": {"2020-03-10 00:00:00": 0.4}}, "total-anomaly-scaled": {"total-anomaly-scaled": {"2020-03-10 00:00:00": 0.03}}, "total-anomaly-unscaled": {"total-anomaly-unscaled": {"2020-03-10 00:00:00": 0.03}}, "total-anomaly-confidence": {"total-anomaly-confidence": {"2020-03-10 00:00:00": 0.5}}}, "time-seconds": "0.0012", "revision": "1600000000000"}"""

    let private eventsResponse =
        """{"events": [{"start": "2020-03-10T04:00:00+00:00", "end": "2020-03-10T09:20:00+00:00", "peak": 6.2, "tags": [{"tag": "tag-b", "share": 0.71}, {"tag": "tag-a", "share": 0.29}], "quality": 0}], "revision": "1600000000000"}"""

    let private healthcheck (_: RequestContext) : Reply = { Status = 200; Body = Body.Empty }

    let private indexPage (ctx: RequestContext) : Reply =
        IndexPage.handler (ctx.Route "project" |> Option.defaultValue "") (ctx.Path.TrimEnd '/') ctx

    /// Every route, in the order of spec §5.3.
    let all: RouteSpec list = [
        {
            route "GET" "/healthcheck" healthcheck "Liveness" "200 with an empty body (not metered)." with
                Errors = revisionErrors
        }
        {
            route "GET" "/server-version" Handlers.serverVersion "Server version" "The server's version." with
                ResponseExample = Some """{"version": "0.1.0", "revision": "1600000000000"}"""
        }
        {
            route
                "GET"
                Prefix
                indexPage
                "Project index page"
                "An HTML page with each model of the revision: status, cross-validation scores, thresholds, the anomaly score of its recent predictions against its threshold (the last GORDO_SERVER_RECENT_ROWS rows of the anomaly routes, kept in memory), the events cut from them and the data-quality flags of their inputs." with
                Errors = revisionErrors
        }
        {
            route
                "GET"
                (Prefix + "/" + PageAssets.Segment + "/{file}")
                PageAssets.handler
                "Project page files"
                "The style sheet (`page.css`), script (`page.js`) and plotly.js (`plotly.min.js`) of the project page, with an ETag and `Cache-Control: private, max-age=86400`; same access as the page." with
                Errors = revisionErrors @ [ 404, "No such file." ]
        }
        {
            route
                "GET"
                (Prefix + "/models")
                Handlers.models
                "Models of the revision"
                "The model directories of the revision." with
                ResponseExample = Some """{"models": ["model-a", "model-b"], "revision": "1600000000000"}"""
                Errors = revisionErrors
        }
        {
            route
                "GET"
                (Prefix + "/revisions")
                Handlers.revisions
                "Revisions"
                "The revision directories next to MODEL_COLLECTION_DIR and the latest one." with
                ResponseExample =
                    Some
                        """{"available-revisions": ["1500000000000", "1600000000000"], "latest": "1600000000000", "revision": "1600000000000"}"""
        }
        {
            route
                "GET"
                (Prefix + "/expected-models")
                Handlers.expectedModels
                "Expected models"
                "EXPECTED_MODELS of the deployment." with
                ResponseExample = Some """{"expected-models": ["model-a", "model-b"], "revision": "1600000000000"}"""
        }
        {
            route
                "GET"
                (Prefix + "/{model}/metadata")
                Handlers.metadata
                "Model metadata"
                "The model's metadata.json with the info.json checksum." with
                ResponseExample =
                    Some
                        """{"checksum": "8d1c...", "env": {"MODEL_COLLECTION_DIR": "/gordo/models/proj/models/1600000000000"}, "gordo-server-version": "0.1.0", "metadata": {"name": "model-a", "dataset": {"tag_list": ["tag-a", "tag-b"]}}, "revision": "1600000000000"}"""
                Errors = modelErrors
        }
        {
            route
                "GET"
                (Prefix + "/{model}/healthcheck")
                Handlers.metadata
                "Model healthcheck"
                "Identical to /metadata." with
                ResponseExample = Some """{"metadata": {"name": "model-a"}, "revision": "1600000000000"}"""
                Errors = modelErrors
        }
        {
            route
                "GET"
                (Prefix + "/{model}/download-model")
                Handlers.downloadModel
                "Download model"
                "The model artifact as one application/octet-stream body." with
                Errors = modelErrors
        }
        {
            route
                "POST"
                (Prefix + "/{model}/prediction")
                Handlers.prediction
                "Prediction"
                "Model output for X (JSON or multipart Parquet files X); `?format=parquet` answers Parquet." with
                RequestExample = Some predictionRequest
                ResponseExample =
                    Some
                        """{"data": {"end": {"end": {"0": null}}, "model-input": {"tag-a": {"0": 0.1}}, "model-output": {"tag-a": {"0": 0.12}}, "start": {"start": {"0": null}}}, "revision": "1600000000000"}"""
                Errors = inputErrors
        }
        {
            route
                "POST"
                (Prefix + "/{model}/anomaly/prediction")
                Handlers.anomaly
                "Anomaly prediction"
                "Anomaly scores for X and y (JSON or multipart Parquet); `?all_columns` adds the smoothed columns, `?quality=true` adds data-quality flags per tag and row (`data-quality`, `total-data-quality`: 1 stuck, 2 out of range, 4 missing, 8 spike, 16 gap-filled), `?format=parquet` answers Parquet." with
                RequestExample = Some predictionRequest
                ResponseExample = Some anomalyResponse
                Errors =
                    inputErrors
                    @ [
                        422,
                        "The model is not an anomaly detector, or quality=true for a model built without a training profile."
                    ]
        }
        {
            route
                "POST"
                (Prefix + "/{model}/anomaly/events")
                Handlers.events
                "Anomaly events"
                "Anomaly events for X and y with a time index (same input as anomaly/prediction): periods where total-anomaly-confidence rises above 1.5 and stays above 0.8, at least 30 minutes long, merged across gaps under 2 hours; each with start, end, peak, the three tags with the largest share of the scaled error, and the data-quality flags seen (docs/events.md)." with
                RequestExample = Some predictionRequest
                ResponseExample = Some eventsResponse
                Errors =
                    inputErrors
                    @ [ 422, "The model is not an anomaly detector or has no thresholds." ]
        }
        {
            route
                "DELETE"
                (Prefix + "/{model}/revision/{revision}")
                Handlers.deleteRevision
                "Delete a model of another revision"
                "Removes <revision>/<model> (and the revision directory when it becomes empty)." with
                ResponseExample = Some """{"ok": true, "revision": "1600000000000"}"""
                Errors = modelErrors @ [ 409, "The revision is the current one." ]
        }
    ]
