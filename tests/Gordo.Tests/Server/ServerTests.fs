module Gordo.Tests.Server.ServerTests

open System.IO
open System.Text.Json
open Expecto
open Gordo.Models.Artifacts
open Gordo.Tests.Server.ServerFixture

let private json (r: Response) =
    match r.Json with
    | Some j -> j
    | None -> failtestf "expected JSON, got %d %s" r.Status r.Text

let private str (name: string) (e: JsonElement) = e.GetProperty(name).GetString()

let private sameShape (expected: JsonElement) (actual: JsonElement) (what: string) =
    Expect.equal (keys actual) (keys expected) $"%s{what}: top-level keys"

let private routeTests =
    testList "routes" [
        test "healthcheck: 200, empty body, revision and Server-Timing headers" {
            let r = get (client ()) "/healthcheck"
            Expect.equal r.Status 200 "status"
            Expect.equal r.Text "" "body"
            Expect.equal r.Headers.["revision"] "222" "revision header"
            Expect.stringStarts r.Headers.["server-timing"] "request_walltime_s;dur=" "timing"
        }
        test "server-version: version and revision, trailing slash allowed" {
            let r = get (client ()) "/server-version/"
            Expect.equal r.Status 200 "status"
            Expect.equal (keys (json r)) [ "revision"; "version" ] "keys"
        }
        test "models: same keys as the captured response" {
            let r = get (client ()) "/gordo/v0/proj/models"
            sameShape (conformance "model.json") (json r) "models"
            let names = [ for m in (json r).GetProperty("models").EnumerateArray() -> m.GetString() ]
            Expect.equal names [ "detector"; "scaler" ] "models"
            Expect.equal (str "revision" (json r)) "222" "revision"
        }
        test "revisions: same keys as the captured response" {
            let r = get (client ()) "/gordo/v0/proj/revisions"
            sameShape (conformance "revision.json") (json r) "revisions"

            let revs = [
                for m in (json r).GetProperty("available-revisions").EnumerateArray() -> m.GetString()
            ]

            Expect.equal revs [ "111"; "222" ] "revisions"
            Expect.equal (str "latest" (json r)) "222" "latest"
        }
        test "expected-models" {
            let r = get (client ()) "/gordo/v0/proj/expected-models"
            Expect.equal (keys (json r)) [ "expected-models"; "revision" ] "keys"
        }
        test "unknown revision: 410 like the captured response" {
            let r = get (client ()) "/gordo/v0/proj/models?revision=test"
            Expect.equal r.Status 410 "status"
            sameShape (conformance "model_no_revision.json") (json r) "error"
            Expect.equal (str "error" (json r)) "Revision should only contains numbers." "non-numeric"
            Expect.equal (str "revision" (json r)) "test" "echoed"
            let missing = get (client ()) "/gordo/v0/proj/models?revision=999"
            Expect.equal missing.Status 410 "status"
            Expect.equal (str "error" (json missing)) "Revision '999' not found." "missing"
        }
        test "revision by header selects the other revision directory" {
            let c = client ()

            use request =
                new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, "/gordo/v0/proj/models")

            request.Headers.Add("revision", "111")
            let r = c.SendAsync(request).Result
            let body = JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement
            Expect.equal [ for m in body.GetProperty("models").EnumerateArray() -> m.GetString() ] [ "scaler" ] "models"
            Expect.equal (str "revision" body) "111" "revision"
        }
        test "metadata: same keys as the captured response, checksum from info.json" {
            let r = get (client ()) "/gordo/v0/proj/detector/metadata"
            Expect.equal r.Status 200 "status"
            let body = json r
            Expect.equal (keys body) ("checksum" :: keys (conformance "metadata.json")) "keys"
            Expect.equal (body.GetProperty("metadata").GetProperty("name").GetString()) "detector" "metadata"
            Expect.equal (get (client ()) "/gordo/v0/proj/detector/healthcheck").Text r.Text "healthcheck = metadata"
        }
        test "download-model: artifact bytes that load" {
            let r = (client ()).GetAsync("/gordo/v0/proj/scaler/download-model").Result
            Expect.equal (int r.StatusCode) 200 "status"
            let loaded = Artifact.loads (r.Content.ReadAsByteArrayAsync().Result)
            Expect.stringContains loaded.Model.ClassPath "MinMaxScaler" "model"
        }
    ]

let private predictionTests =
    testList "prediction" [
        test "anomaly: same keys as the captured response at every level" {
            let r =
                post
                    (client ())
                    "/gordo/v0/proj/detector/anomaly/prediction"
                    $"""{{"X": %s{pandasDict 5}, "y": %s{pandasDict 5}}}"""

            Expect.equal r.Status 200 r.Text
            let body = json r
            let expected = conformance "anomaly.json"
            sameShape expected body "anomaly"
            let data = body.GetProperty "data"
            Expect.equal (keys data) (keys (expected.GetProperty "data")) "column groups"

            for group in keys data do
                let subs = keys (data.GetProperty group)
                let expectedSubs = keys ((expected.GetProperty "data").GetProperty group)

                if expectedSubs.Length = 1 then
                    Expect.equal subs expectedSubs group
                else
                    Expect.equal subs (List.sort (List.ofArray tags)) group

                for sub in subs do
                    let rowKeys = keys ((data.GetProperty group).GetProperty sub)
                    Expect.equal rowKeys.Length 5 $"%s{group}/%s{sub} rows"

            let start = data.GetProperty("start").GetProperty("start")
            Expect.equal (str "2020-03-10 00:00:00" start) "2020-03-10T00:00:00" "start"

            Expect.equal
                (str "2020-03-10 00:00:00" (data.GetProperty("end").GetProperty("end")))
                "2020-03-10T00:10:00"
                "end"
        }
        test "anomaly: smooth columns only with all_columns" {
            let body = $"""{{"X": %s{rows 6}, "y": %s{rows 6}}}"""

            let r =
                post (client ()) "/gordo/v0/proj/detector/anomaly/prediction?all_columns=1" body

            Expect.contains (keys ((json r).GetProperty "data")) "smooth-tag-anomaly-scaled" "smooth"
            Expect.contains (keys ((json r).GetProperty("data").GetProperty("end"))) "end" "end"
        }
        test "anomaly: data-quality columns only with quality=true, flags from the training profile" {
            let plain = $"""{{"X": %s{rows 6}, "y": %s{rows 6}}}"""

            let without =
                json (post (client ()) "/gordo/v0/proj/detector/anomaly/prediction" plain)

            Expect.isFalse (keys (without.GetProperty "data") |> List.contains "total-data-quality") "Gordo's table"

            // the fifth row's tag-a jumps far beyond its training range (|sin| + 0.3 <= 1.3)
            let spiked = (rows 6).Replace("[" + sprintf "%.17g" data.[4, 0], "[100")
            Expect.notEqual spiked (rows 6) "the row was changed"
            let body = $"""{{"X": %s{spiked}, "y": %s{spiked}}}"""

            let r =
                post (client ()) "/gordo/v0/proj/detector/anomaly/prediction?quality=true" body

            Expect.equal r.Status 200 r.Text
            let data = (json r).GetProperty "data"
            let quality = data.GetProperty "data-quality"
            Expect.equal (keys quality) (List.sort (List.ofArray tags)) "one column per tag"

            let flags (e: JsonElement) = [ for p in e.EnumerateObject() -> p.Value.GetDouble() ]

            let a = flags (quality.GetProperty "tag-a")
            let outOfRange, spike = 2.0, 8.0
            Expect.equal a.[a.Length - 2] (outOfRange + spike) "the jump: out of range and a spike"
            Expect.equal a.[a.Length - 1] spike "the step back down: a spike, in range"
            Expect.equal (flags (quality.GetProperty "tag-b") |> List.distinct) [ 0.0 ] "healthy tag"

            let total =
                flags (data.GetProperty("total-data-quality").GetProperty "total-data-quality")

            Expect.equal total.[total.Length - 2] (outOfRange + spike) "the row's flags together"

            let off =
                json (post (client ()) "/gordo/v0/proj/detector/anomaly/prediction?quality=False" body)

            Expect.isFalse (keys (off.GetProperty "data") |> List.contains "total-data-quality") "quality=False"

            let unclear =
                post (client ()) "/gordo/v0/proj/detector/anomaly/prediction?quality=banana" body

            Expect.equal unclear.Status 400 unclear.Text
            Expect.stringContains (str "message" (json unclear)) "quality must be true or false" "named"
        }
        test "anomaly/events: one event where y leaves the model, led by the tag that left" {
            let stamp (i: int) =
                System.DateTime(2020, 3, 10).AddMinutes(10.0 * float i).ToString("yyyy-MM-ddTHH:mm:ss")

            let table (shift: int -> int -> float) =
                tags
                |> Array.mapi (fun j tag ->
                    [
                        for i in 0..59 -> sprintf "\"%s\": %.17g" (stamp i) (data.[i, j] + shift i j)
                    ]
                    |> String.concat ", "
                    |> sprintf "\"%s\": {%s}" tag)
                |> String.concat ", "
                |> sprintf "{%s}"

            let y = table (fun i j -> if j = 1 && i >= 20 && i < 40 then 3.0 else 0.0)
            let body = $"""{{"X": %s{table (fun _ _ -> 0.0)}, "y": %s{y}}}"""
            let r = post (client ()) "/gordo/v0/proj/detector/anomaly/events" body
            Expect.equal r.Status 200 r.Text
            let events = [ for e in (json r).GetProperty("events").EnumerateArray() -> e ]
            Expect.equal events.Length 1 "one event"
            let e = events.Head
            Expect.equal (str "start" e) "2020-03-10T03:20:00+00:00" "starts with the shift"
            // the fixture's one-epoch model hovers near its threshold: the event may outlast the shift
            Expect.isGreaterThanOrEqual (str "end" e) "2020-03-10T06:30:00+00:00" "covers the shift"
            Expect.equal (e.GetProperty("tags").[0].GetProperty("tag").GetString()) "tag-b" "led by tag-b"
            Expect.equal (e.GetProperty("tags").GetArrayLength()) 1 "the model's event_settings.top_tags"
            Expect.equal (e.GetProperty("quality").GetInt32()) 0 "healthy inputs"

            let unindexed =
                post (client ()) "/gordo/v0/proj/detector/anomaly/events" $"""{{"X": %s{rows 6}, "y": %s{rows 6}}}"""

            Expect.equal unindexed.Status 400 "rows without timestamps"
            Expect.stringContains (str "message" (json unindexed)) "time index" "says what is missing"
        }
        test "prediction: list of rows, integer row keys, model-input and model-output" {
            let r =
                post (client ()) "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 12}}}"""

            Expect.equal r.Status 200 r.Text
            let data = (json r).GetProperty "data"
            Expect.equal (keys data) [ "end"; "model-input"; "model-output"; "start" ] "groups"

            let rowsOut = [
                for p in data.GetProperty("model-output").GetProperty("tag-a").EnumerateObject() -> p.Name
            ]

            Expect.equal rowsOut [ for i in 0..11 -> string i ] "rows in numeric order"
            Expect.isFalse ((json r).TryGetProperty "time-seconds" |> fst) "no time-seconds"
        }
    ]

let private errorTests =
    let c () = client ()

    testList "errors" [
        test "no X: 400" {
            let r = post (c ()) "/gordo/v0/proj/scaler/prediction" """{"y": [[1,2,3,4]]}"""
            Expect.equal (r.Status, str "message" (json r)) (400, "Cannot predict without \"X\"") "no X"
        }
        test "wrong feature count: 400 Unexpected features" {
            let r = post (c ()) "/gordo/v0/proj/scaler/prediction" """{"X": [[1,2,3]]}"""
            Expect.equal r.Status 400 "status"
            Expect.stringStarts (str "message" (json r)) "Unexpected features: was expecting" "message"
        }
        test "malformed JSON: 400 and the server keeps serving" {
            let r = post (c ()) "/gordo/v0/proj/scaler/prediction" """{"X": [[1,2"""
            Expect.equal r.Status 400 "status"
            Expect.equal (get (c ()) "/healthcheck").Status 200 "still serving"
        }
        test "anomaly without y: 400" {
            let r =
                post (c ()) "/gordo/v0/proj/detector/anomaly/prediction" $"""{{"X": %s{rows 3}}}"""

            Expect.equal
                (r.Status, str "message" (json r))
                (400, "Cannot perform anomaly without 'y' to compare against.")
                "no y"
        }
        test "anomaly on a model that is not a detector: 422" {
            let r =
                post (c ()) "/gordo/v0/proj/scaler/anomaly/prediction" $"""{{"X": %s{rows 3}, "y": %s{rows 3}}}"""

            Expect.equal r.Status 422 "status"
            Expect.stringStarts (str "message" (json r)) "Model is not an AnomalyDetector" "message"
        }
        test "unknown model: 404; bad names and path traversal: 422" {
            Expect.equal (get (c ()) "/gordo/v0/proj/nope/metadata").Status 404 "unknown"
            Expect.equal (post (c ()) "/gordo/v0/proj/nope/prediction" "{}").Status 404 "unknown model route"
            Expect.equal (get (c ()) "/gordo/v0/proj/a..b/metadata").Status 422 "dots"
            Expect.equal (get (c ()) "/gordo/v0/proj/..%2F111%2Fscaler/metadata").Status 422 "encoded slash"
            Expect.equal (get (c ()) "/gordo/v0/proj/models?revision=..%2F..").Status 410 "revision traversal"
        }
        test "wrong method: 405" {
            Expect.equal (get (c ()) "/gordo/v0/proj/scaler/prediction").Status 405 "GET prediction"
        }
    ]

let private deleteTests =
    test "delete: 409 current, 422 bad, removes another revision's model; deleted models answer 404" {
        let dir = createModels ()
        let c = serve dir
        Expect.equal (delete c "/gordo/v0/proj/scaler/revision/222").Status 409 "current"
        Expect.equal (delete c "/gordo/v0/proj/scaler/revision/abc").Status 422 "bad"
        Expect.equal (get c "/gordo/v0/proj/scaler/metadata?revision=111").Status 200 "before"
        let r = delete c "/gordo/v0/proj/scaler/revision/111"
        Expect.equal r.Status 200 r.Text
        Expect.isFalse (Directory.Exists(Path.Combine(Path.GetDirectoryName dir, "111"))) "empty revision removed"
        Expect.equal (post c "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""").Status 200 "loaded"
        Directory.Delete(Path.Combine(dir, "scaler"), true)
        Expect.equal (post c "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""").Status 404 "deleted on disk"
    }

[<Tests>]
let tests =
    testSequenced (testList "Server" [ routeTests; predictionTests; errorTests; deleteTests ])
