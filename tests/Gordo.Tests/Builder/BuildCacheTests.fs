module Gordo.Tests.Builder.BuildCacheTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Models.Artifacts
open Gordo.Build
open Gordo.Tests.Support
open Gordo.Tests.Builder.ModelBuilderTests

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-cache-%s{name}-" + Guid.NewGuid().ToString("N"))

let private reference =
    lazy (Json.ofBytes (File.ReadAllBytes(Path.Combine(repoRoot, "tests", "reference", "builder", "cache_key.json"))))

/// The Python document of cache_key.py, as a value.
let private document =
    Value.Map [
        "name", Value.String "pump-1"
        "model_config",
        Value.Map [
            "sklearn.pipeline.Pipeline",
            Value.Map [
                "steps",
                Value.List [
                    Value.String "sklearn.preprocessing.MinMaxScaler"
                    Value.Map [
                        "sklearn.decomposition.PCA",
                        Value.Map [
                            "n_components", Value.Int 2L
                            "whiten", Value.Bool false
                            "tol", Value.Float 0.0
                        ]
                    ]
                ]
                "memory", Value.Null
            ]
        ]
        "data_config",
        Value.Map [
            "tags", Value.List [ Value.String "TAG 1"; Value.String "Tåg-2" ]
            "resolution", Value.String "10T"
            "x", Value.Float 1e-05
            "y", Value.Float 1e16
            "z", Value.Float 12.5
        ]
        "evaluation_config",
        Value.Map [
            "cv_mode", Value.String "full_build"
            "seed", Value.Int 0L
            "quote", Value.String "a\"b\\c\n"
        ]
        "gordo-major-version", Value.Int 0L
        "gordo-minor-version", Value.Int 1L
        "gordo_version", Value.String ""
    ]

/// A copy of the sample data the test may delete.
let private dataCopy () =
    let path = temp "data" + ".parquet"
    File.Copy(sampleData.Value, path)
    path

let private cached
    (text: string)
    (out: string)
    (register: string)
    (replace: bool)
    (events: Collections.Generic.List<BuildEvent>)
    =
    let options = {
        OutputDirectory = Some out
        RegisterDirectory = Some register
        ReplaceCache = replace
    }

    CachedBuilder.build (inputOf text) options (fun e -> lock events (fun () -> events.Add e)) CancellationToken.None

let private ok (r: Result<BuiltModel, BuildError>) =
    match r with
    | Ok b -> b
    | Error e -> failtestf "build failed: %s" e.Message

let private creationDate (metadata: Value) =
    [ "metadata"; "build_metadata"; "model"; "model_creation_date" ]
    |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata)

[<Tests>]
let tests =
    testSequenced
    <| testList "Build cache" [
        test "Python json.dumps(sort_keys=True) text and sha3_512 key match the reference" {
            let expected = reference.Value
            Expect.equal (Value.String(CacheKey.pythonJson document)) (Value.tryGet "json" expected).Value "json text"

            Expect.equal
                (Value.String(CacheKey.digest (CacheKey.pythonJson document)))
                (Value.tryGet "key" expected).Value
                "key"

            match Value.tryGet "floats" expected with
            | Some(Value.List pairs) ->
                for pair in pairs do
                    match pair with
                    | Value.List [ Value.Float x; Value.String repr ] -> Expect.equal (CacheKey.pythonFloat x) repr repr
                    | other -> failtestf "bad reference %A" other
            | other -> failtestf "no floats: %A" other
        }
        test "the key covers name, model, dataset and evaluation, not metadata or runtime" {
            let data = sampleData.Value

            let key text =
                CachedBuilder.cacheKey (inputOf text)
                |> Result.defaultWith (fun e -> failtest e.Message)

            let baseline = key (configText data pipelineModel "")
            Expect.equal baseline.Length 128 "128 hex characters"
            Expect.equal (key (configText data pipelineModel "")) baseline "stable"

            let other =
                configText data (pipelineModel.Replace("n_components: 2", "n_components: 3")) ""

            Expect.notEqual (key other) baseline "model"
            Expect.notEqual (key (configText data pipelineModel "    evaluation:\n      seed: 3")) baseline "evaluation"
            Expect.notEqual (key ((configText data pipelineModel "").Replace("pump-1", "pump-2"))) baseline "name"

            let metadataOnly =
                (configText data pipelineModel "").Replace("owner: builder-tests", "owner: someone")

            Expect.equal (key metadataOnly) baseline "metadata is not part of the key"

            let runtime =
                configText data pipelineModel "    runtime:\n      influx:\n        enable: false"

            Expect.equal (key runtime) baseline "runtime is not part of the key"
        }
        test "disk registry: create on write, overwrite, missing key or directory, delete" {
            let dir = temp "registry"
            Expect.isNone (DiskRegistry.tryGet dir "k") "missing directory"
            DiskRegistry.write dir "k" "/a"
            DiskRegistry.write dir "k" "/b"
            Expect.equal (DiskRegistry.tryGet dir "k") (Some "/b") "overwritten"
            Expect.equal (File.ReadAllText(Path.Combine(dir, "k"))) "/b" "no trailing newline"
            Expect.isTrue (DiskRegistry.delete dir "k") "existed"
            Expect.isFalse (DiskRegistry.delete dir "k") "gone"
            Expect.equal (Directory.GetFiles dir).Length 0 "no temp files"
        }
        test "a cache hit copies the model, refreshes metadata and runtime, fetches no data" {
            let data = dataCopy ()
            let register, first, second = temp "reg", temp "first", temp "second"
            let events = Collections.Generic.List<BuildEvent>()

            let built =
                cached (configText data pipelineModel "") first register false events |> ok

            Expect.isFalse built.FromCache "first build is a miss"
            Expect.equal (DiskRegistry.tryGet register built.CacheKey.Value) (Some(Path.GetFullPath first)) "registered"
            File.Delete data
            events.Clear()

            let changed =
                (configText
                    data
                    pipelineModel
                    "    runtime:\n      server:\n        resources:\n          requests:\n            memory: 1234")
                    .Replace("owner: builder-tests", "owner: second")

            let hit = cached changed second register false events |> ok
            Expect.isTrue hit.FromCache "cache hit"
            Expect.isFalse (events |> Seq.exists ((=) BuildEvent.FetchingData)) "no data fetch"

            Expect.isTrue
                (events
                 |> Seq.exists (function
                     | BuildEvent.CacheHit _ -> true
                     | _ -> false))
                "hit event"

            let loaded = Artifact.load second
            Expect.isTrue loaded.Model.IsFitted "copied model loads"
            Expect.equal (creationDate loaded.Metadata) (creationDate built.Metadata) "creation date kept"

            Expect.stringContains
                (Json.toText (Value.tryGet "metadata" loaded.Metadata).Value)
                "\"owner\": \"second\""
                "user metadata"

            Expect.stringContains (Json.toText (Value.tryGet "runtime" loaded.Metadata).Value) "1234" "runtime"
            Expect.isSome hit.CrossValidation "scores recovered from metadata"

            Expect.equal
                (DiskRegistry.tryGet register built.CacheKey.Value)
                (Some(Path.GetFullPath first))
                "registry unchanged"
        }
        test "a stale entry is a miss; --replace-cache rebuilds and re-points the registry" {
            let data = dataCopy ()
            let register, first, second = temp "reg", temp "first", temp "second"
            let events = Collections.Generic.List<BuildEvent>()
            let text = configText data pipelineModel ""
            let built = cached text first register false events |> ok
            Directory.Delete(first, true)
            let rebuilt = cached text second register false events |> ok
            Expect.isFalse rebuilt.FromCache "stale entry: rebuilt"

            Expect.isTrue
                (events
                 |> Seq.exists (function
                     | BuildEvent.StaleCacheEntry _ -> true
                     | _ -> false))
                "stale"

            Expect.equal
                (DiskRegistry.tryGet register built.CacheKey.Value)
                (Some(Path.GetFullPath second))
                "re-pointed"

            let replaced = cached text first register true events |> ok
            Expect.isFalse replaced.FromCache "replace-cache rebuilds"
            Expect.equal (DiskRegistry.tryGet register built.CacheKey.Value) (Some(Path.GetFullPath first)) "replaced"
        }
        test "model parameters: KEY,VALUE, rendering, strict undefined" {
            Expect.equal (Gordo.Cli.ModelParameters.parse "epochs,10") (Ok("epochs", "10")) "pair"
            Expect.isError (Gordo.Cli.ModelParameters.parse "epochs") "no comma"
            Expect.isError (Gordo.Cli.ModelParameters.parse "a,b,c") "two commas"
            Expect.equal (Gordo.Cli.ModelParameters.render [ "n", "3" ] "k: {{ n }}") (Ok "k: 3") "rendered"

            match Gordo.Cli.ModelParameters.render [] "k: {{ n }}" with
            | Error message -> Expect.stringContains message "Model parameter missing value!" "Gordo's message"
            | Ok text -> failtestf "should fail: %s" text

            let payload =
                Value.Map [ "name", Value.String "m"; "model", Value.String "a:\n  b: {{ n }}" ]

            Expect.equal
                (Gordo.Cli.ModelParameters.expand [ "n", "3" ] payload)
                (Ok(
                    Value.Map [
                        "name", Value.String "m"
                        "model", Value.Map [ "a", Value.Map [ "b", Value.Int 3L ] ]
                    ]
                ))
                "payload model parsed as YAML"
        }
    ]
