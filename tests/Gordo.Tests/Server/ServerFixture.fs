module Gordo.Tests.Server.ServerFixture

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.TestHost
open Microsoft.Extensions.Logging
open Gordo.Core
open Gordo.Models
open Gordo.Models.Anomaly
open Gordo.Models.Artifacts
open Gordo.Models.Definitions
open Gordo.Server

/// Tags of the test models.
let tags = [| "tag-a"; "tag-b"; "tag-c"; "tag-d" |]

/// Training data: 120 rows × 4 tags.
let data =
    Array2D.init 120 4 (fun i j -> sin (float i / 5.0 + float j) + 0.05 * float (i % 7))

/// The metadata.json of a test model (the parts the server reads).
let metadata (name: string) =
    Value.Map [
        "name", Value.String name
        "dataset",
        Value.Map [
            "tag_list", Value.List(tags |> Array.map Value.String |> List.ofArray)
            "target_tag_list", Value.List []
            "resolution", Value.String "10T"
        ]
        "project_name", Value.String "proj"
    ]

/// The detector's metadata: with the training profile of `data`, as the builder writes it, and
/// event settings listing one tag per event.
let detectorMetadata () =
    let columns = Array.init 4 (fun j -> Array.init 120 (fun i -> data.[i, j]))
    let ticks = Array.init 120 (fun i -> int64 i * TimeSpan.TicksPerMinute * 10L)
    let profile = Gordo.Models.Scoring.DataQuality.profile tags columns ticks

    match metadata "detector" with
    | Value.Map entries ->
        Value.Map(
            entries
            @ [
                "metadata",
                Value.Map [
                    "build_metadata",
                    Value.Map [
                        "model",
                        Value.Map [
                            "event_settings",
                            Gordo.Core.Config.Events.toValue {
                                Gordo.Core.Config.Events.defaults with
                                    TopTags = 1
                            }
                        ]
                        "dataset", Value.Map [ "training_profile", Gordo.Models.Scoring.DataQuality.toValue profile ]
                    ]
                ]
            ]
        )
    | other -> other

/// A DiffBasedAnomalyDetector around a 1-epoch feedforward_hourglass, with thresholds.
let detector () =
    let definition =
        Value.Map [
            "gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector",
            Value.Map [
                "base_estimator",
                Value.Map [
                    "gordo.machine.model.models.KerasAutoEncoder",
                    Value.Map [ "kind", Value.String "feedforward_hourglass"; "epochs", Value.Int 1L ]
                ]
                "window", Value.Int 3L
                "smoothing_method", Value.String "sma"
            ]
        ]

    let model = Definition.fromValue definition :?> DiffDetector
    model.CrossValidate(data, data, None) |> ignore
    model.Fit(data, data)
    model :> Estimator

/// A MinMaxScaler (transform only: prediction falls back to transform; not an anomaly model).
let scaler () =
    let model = Definition.create "sklearn.preprocessing.MinMaxScaler" []
    model.Fit(data, data)
    model

/// A fresh project directory: revisions 111 (scaler only) and 222 (detector, scaler, and the
/// `report.html` that `local-build` writes beside the models).
let createModels () : string =
    let root =
        Path.Combine(Path.GetTempPath(), "gordo-server-tests", Guid.NewGuid().ToString("N"))

    let det = lazy (detector ())
    Artifact.save (Path.Combine(root, "111", "scaler")) (scaler ()) (metadata "scaler")
    Artifact.save (Path.Combine(root, "222", "detector")) det.Value (detectorMetadata ())
    Artifact.save (Path.Combine(root, "222", "scaler")) (scaler ()) (metadata "scaler")
    File.WriteAllText(Path.Combine(root, "222", "report.html"), "<!doctype html>")
    Path.Combine(root, "222")

let private modelDir = lazy (createModels ())

/// The server configuration of the shared test models.
let config (dir: string) : ServerConfig = {
    ServerConfig.defaults with
        ModelCollectionDir = Some dir
        ExpectedModels = [ "detector"; "scaler" ]
        CachedModels = 2
        CachedMetadata = 10
}

/// A started test server application with a configuration.
let serveApp (config: ServerConfig) : WebApplication =
    let app =
        App.create config (fun b ->
            b.WebHost.UseTestServer() |> ignore
            b.Logging.ClearProviders() |> ignore)

    app.StartAsync().Wait()
    app

/// A test server with a configuration.
let serveWith (config: ServerConfig) : HttpClient = (serveApp config).GetTestClient()

/// The model store of a test server application.
let internal storeOf (app: WebApplication) : ModelStore =
    app.Services.GetService(typeof<ModelStore>) :?> ModelStore

/// A test server over a model collection directory.
let serve (dir: string) : HttpClient = serveWith (config dir)

let private shared = lazy (serve modelDir.Value)

/// The client of the shared server (revision 222).
let client () = shared.Value

/// The shared collection directory.
let collectionDir () = modelDir.Value

/// A response: status, headers, body text and parsed JSON (if any).
type Response = {
    Status: int
    Headers: Map<string, string>
    Text: string
    Json: JsonElement option
}

let private read (r: HttpResponseMessage) =
    let text = r.Content.ReadAsStringAsync().Result

    let headers =
        Seq.append r.Headers r.Content.Headers
        |> Seq.map (fun kv -> kv.Key.ToLowerInvariant(), String.Join(",", kv.Value))
        |> Map.ofSeq

    let json =
        if headers.TryFind "content-type" |> Option.exists (fun c -> c.Contains "json") then
            Some(JsonDocument.Parse(text).RootElement)
        else
            None

    {
        Status = int r.StatusCode
        Headers = headers
        Text = text
        Json = json
    }

/// GET a path.
let get (c: HttpClient) (path: string) = read (c.GetAsync(path).Result)

/// POST JSON text to a path.
let post (c: HttpClient) (path: string) (json: string) =
    read (c.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")).Result)

/// DELETE a path.
let delete (c: HttpClient) (path: string) = read (c.DeleteAsync(path).Result)

/// The object keys of a JSON element, sorted.
let keys (e: JsonElement) =
    [ for p in e.EnumerateObject() -> p.Name ] |> List.sort

/// A conformance response of the captured Gordo server.
let conformance (name: string) =
    let path =
        Path.Combine(Gordo.Tests.Support.sharedRoot, "conformance", "gordo-server-responses", name)

    JsonDocument.Parse(File.ReadAllText path).RootElement

/// `{tag: {row: value}}` JSON (pandas "dict" form) of the first `n` rows with timestamps.
let pandasDict (n: int) =
    let t0 = DateTime(2020, 3, 10, 0, 0, 0)

    let column j =
        [
            for i in 0 .. n - 1 ->
                sprintf "\"%s\": %.17g" (t0.AddMinutes(10.0 * float i).ToString("yyyy-MM-ddTHH:mm:ss")) data.[i, j]
        ]
        |> String.concat ", "

    [ for j in 0 .. tags.Length - 1 -> sprintf "\"%s\": {%s}" tags.[j] (column j) ]
    |> String.concat ", "
    |> sprintf "{%s}"

/// List-of-rows JSON of the first `n` rows.
let rows (n: int) =
    [
        for i in 0 .. n - 1 ->
            [ for j in 0..3 -> sprintf "%.17g" data.[i, j] ]
            |> String.concat ", "
            |> sprintf "[%s]"
    ]
    |> String.concat ", "
    |> sprintf "[%s]"
