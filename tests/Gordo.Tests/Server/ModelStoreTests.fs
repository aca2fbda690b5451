module Gordo.Tests.Server.ModelStoreTests

open System
open System.Net.Http
open System.Text
open System.Threading
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.TestHost
open Gordo.Core
open Gordo.Models.Artifacts
open Gordo.Models.Scoring
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

let private anomalyBody () =
    $"""{{"X": %s{rows 5}, "y": %s{rows 5}}}"""

let private postAsync (c: HttpClient) (path: string) (json: string) : Task<int> =
    task {
        let! r = c.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"))
        return int r.StatusCode
    }

let private waitFor (condition: unit -> bool) =
    let watch = Diagnostics.Stopwatch.StartNew()

    while not (condition ()) && watch.Elapsed < TimeSpan.FromSeconds 30.0 do
        Thread.Sleep 20

let private lruTests =
    testList "weighted LRU" [
        test "bounded by total weight: the least recently used go first, the newest stays" {
            let lru = Lru<string, int64>(10, 100L, (fun _ v -> v))
            lru.GetOrAdd("a", (fun _ -> 40L)) |> ignore
            lru.GetOrAdd("b", (fun _ -> 40L)) |> ignore
            lru.GetOrAdd("a", (fun _ -> 40L)) |> ignore
            lru.GetOrAdd("c", (fun _ -> 40L)) |> ignore
            Expect.equal lru.Keys [ "c"; "a" ] "b evicted"
            Expect.equal lru.Weight 80L "weight"
            lru.GetOrAdd("huge", (fun _ -> 500L)) |> ignore
            Expect.equal lru.Keys [ "huge" ] "one value over the bound is still kept"
        }
    ]

let private storeTests =
    testList "store" [
        test "many parallel first requests for one model load it once" {
            let app = serveApp (config (createModels ()))
            let c = app.GetTestClient()

            let statuses =
                Array.init 48 (fun _ ->
                    Task.Run<int>(fun () -> postAsync c "/gordo/v0/proj/detector/anomaly/prediction" (anomalyBody ())))
                |> Task.WhenAll

            Expect.allEqual statuses.Result 200 "all succeed"
            Expect.equal (storeOf app).LoadCount 1 "loaded once"
        }
        test "the memory bound evicts: a 1-byte budget keeps only the last model" {
            let app =
                serveApp {
                    config (createModels ()) with
                        CachedModelBytes = 1L
                }

            let c = app.GetTestClient()
            let store = storeOf app
            Expect.equal (post c "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""").Status 200 "scaler"
            Expect.equal (post c "/gordo/v0/proj/detector/anomaly/prediction" (anomalyBody ())).Status 200 "detector"
            Expect.equal store.LoadedCount 1 "one loaded"
            Expect.isGreaterThan store.LoadedBytes ModelStore.OverheadBytes "estimate includes the files"
        }
        test "the count bound evicts" {
            let app =
                serveApp {
                    config (createModels ()) with
                        CachedModels = 1
                }

            let c = app.GetTestClient()
            post c "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""" |> ignore
            post c "/gordo/v0/proj/detector/prediction" $"""{{"X": %s{rows 2}}}""" |> ignore
            Expect.equal (storeOf app).LoadedCount 1 "one loaded"
        }
        test "ModelAndMetadata: after Forget, a rewritten model's metadata gives its new tag names" {
            let dir = createModels ()
            let store = ModelStore(config dir)
            let _, meta = store.ModelAndMetadata(dir, "scaler")
            Expect.equal (ModelOutput.columns meta).Tags tags "as saved"
            let renamed = [| "w"; "x"; "y"; "z" |]

            let metadata =
                Value.Map [
                    "name", Value.String "scaler"
                    "dataset", Value.Map [ "tag_list", Value.List(renamed |> Array.map Value.String |> List.ofArray) ]
                ]

            Artifact.save (IO.Path.Combine(dir, "scaler")) (scaler ()) metadata
            let _, cached = store.ModelAndMetadata(dir, "scaler")
            Expect.equal (ModelOutput.columns cached).Tags tags "still the loaded model's"
            store.Forget(IO.Path.Combine(dir, "scaler"))
            let _, reloaded = store.ModelAndMetadata(dir, "scaler")
            Expect.equal (ModelOutput.columns reloaded).Tags renamed "the reloaded model's"

            Expect.throwsT<HttpErrorException>
                (fun () -> store.ModelAndMetadata(dir, "missing") |> ignore)
                "a missing model is a 404"
        }
        test "PRELOAD_EXPECTED_MODELS loads the expected models at start-up" {
            let app =
                serveApp {
                    config (createModels ()) with
                        PreloadExpectedModels = true
                        ExpectedModels = [ "detector"; "scaler"; "missing" ]
                }

            let store = storeOf app
            waitFor (fun () -> store.LoadedCount = 2)
            Expect.equal store.LoadedCount 2 "both loaded"

            Expect.equal
                (post (app.GetTestClient()) "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""").Status
                200
                "served"

            Expect.equal store.LoadCount 2 "not loaded again"
        }
    ]

let private configTests =
    let read (vars: (string * string) list) =
        let m = Map.ofList vars
        ServerConfig.ofLookup (fun k -> m.TryFind k |> Option.toObj)

    testList "environment" [
        test "defaults: 1000 models, half the available memory, 50 MB bodies, no metrics" {
            let c = read [] |> Result.defaultWith failwith
            Expect.equal c.CachedModels 1000 "count"
            Expect.equal c.CachedModelBytes (ServerConfig.defaultModelBytes ()) "memory"
            Expect.equal c.MaxBodyBytes (50L * 1024L * 1024L) "body"
            Expect.isFalse c.EnablePrometheus "prometheus"
            Expect.equal c.MaxConcurrentPredictions (max 1 (Environment.ProcessorCount / 2)) "half the cores"
        }
        test "sizes, booleans and the errors that name the variable" {
            let c =
                read [
                    "N_CACHED_MODELS", "300"
                    "CACHED_MODELS_MB", "700"
                    "MAX_REQUEST_BODY_MB", "5"
                    "ENABLE_PROMETHEUS", "True"
                    "PRELOAD_EXPECTED_MODELS", "1"
                    "MAX_CONCURRENT_PREDICTIONS", "3"
                ]
                |> Result.defaultWith failwith

            Expect.equal c.MaxConcurrentPredictions 3 "concurrent predictions"

            Expect.equal (c.CachedModels, c.CachedModelBytes, c.MaxBodyBytes) (300, 700L <<< 20, 5L <<< 20) "sizes"
            Expect.isTrue (c.EnablePrometheus && c.PreloadExpectedModels) "booleans"
            Expect.equal (read [ "ENABLE_PROMETHEUS", "false" ] |> Result.map _.EnablePrometheus) (Ok false) "false"

            Expect.equal
                (read [ "ENABLE_PROMETHEUS", "maybe" ])
                (Error "ENABLE_PROMETHEUS must be a boolean (true or false), got 'maybe'")
                "bad bool"

            Expect.equal
                (read [ "CACHED_MODELS_MB", "-1" ])
                (Error "CACHED_MODELS_MB must be a positive integer, got '-1'")
                "bad size"

            Expect.equal
                (read [ "MAX_CONCURRENT_PREDICTIONS", "0" ])
                (Error "MAX_CONCURRENT_PREDICTIONS must be a positive integer, got '0'")
                "no computing request"
        }
    ]

[<Tests>]
let tests = testList "Server.ModelStore" [ lruTests; storeTests; configTests ]
