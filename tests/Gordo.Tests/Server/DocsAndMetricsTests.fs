module Gordo.Tests.Server.DocsAndMetricsTests

open System.Text.Json
open Expecto
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

let private metricsClient (project: string option) =
    serveWith {
        config (collectionDir ()) with
            EnablePrometheus = true
            Project = project
    }

let private lines (text: string) (prefix: string) =
    text.Split '\n' |> Array.filter (fun l -> l.StartsWith prefix) |> List.ofArray

let private metricsTests =
    testList "Prometheus" [
        test "/metrics: Gordo's names, label order and counts; healthcheck not recorded" {
            let c = metricsClient None
            get c "/healthcheck" |> ignore

            for _ in 1..3 do
                post c "/gordo/v0/proj/scaler/prediction" $"""{{"X": %s{rows 2}}}""" |> ignore

            post c "/gordo/v0/proj/scaler/prediction" """{"X": [[1]]}""" |> ignore
            let r = get c "/metrics"
            Expect.equal r.Status 200 "status"
            Expect.stringStarts r.Headers.["content-type"] "text/plain" "text format"
            let v = ServerConfig.version
            Expect.contains (lines r.Text "gordo_server_info") $"gordo_server_info{{version=\"%s{v}\"}} 1" "info"

            let labels status =
                $"version=\"%s{v}\",model=\"scaler\",project=\"proj\",method=\"POST\",path=\"/gordo/v0/<gordo_project>/<gordo_name>/prediction\",status_code=\"%s{status}\""

            let total status =
                $"gordo_server_requests_total{{%s{labels status}}}"

            let count status =
                $"gordo_server_request_duration_seconds_count{{%s{labels status}}}"

            Expect.contains (lines r.Text "gordo_server_requests_total") (total "200" + " 3") "200s"
            Expect.contains (lines r.Text "gordo_server_requests_total") (total "400" + " 1") "400"

            Expect.contains
                (lines r.Text "gordo_server_request_duration_seconds_count")
                (count "200" + " 3")
                "histogram count"

            Expect.isNonEmpty (lines r.Text "gordo_server_request_duration_seconds_bucket") "buckets"

            Expect.isEmpty
                (lines r.Text "gordo_server_requests_total{"
                 |> List.filter (fun l -> l.Contains "healthcheck"))
                "no healthcheck"
        }
        test "PROJECT set: project label after version" {
            let c = metricsClient (Some "my-project")
            get c "/gordo/v0/other/models" |> ignore
            let text = (get c "/metrics").Text

            Expect.contains
                (lines text "gordo_server_requests_total")
                $"gordo_server_requests_total{{version=\"%s{ServerConfig.version}\",project=\"my-project\",model=\"\",method=\"GET\",path=\"/gordo/v0/<gordo_project>/models\",status_code=\"200\"}} 1"
                "labels"

            Expect.contains
                (lines text "gordo_server_info")
                $"gordo_server_info{{version=\"%s{ServerConfig.version}\",project=\"my-project\"}} 1"
                "info"
        }
        test "disabled by default: /metrics is 404" { Expect.equal (get (client ()) "/metrics").Status 404 "404" }
    ]

let private openApiTests =
    testList "OpenAPI" [
        test "the document describes every route with examples; the UI is served" {
            let r = get (client ()) OpenApiDocs.DocumentPath
            Expect.equal r.Status 200 r.Text
            let paths = JsonDocument.Parse(r.Text).RootElement.GetProperty "paths"

            for spec in Routes.all do
                let path =
                    match paths.TryGetProperty spec.Template with
                    | true, p -> p
                    | _ -> failtestf "%s is not described" spec.Template

                let op = path.GetProperty(spec.Method.ToLowerInvariant())
                Expect.equal (op.GetProperty("summary").GetString()) spec.Summary spec.Template
                let ok = op.GetProperty("responses").GetProperty("200")

                match spec.ResponseExample with
                | Some _ ->
                    Expect.isTrue
                        (ok.GetProperty("content").GetProperty("application/json").TryGetProperty("example")
                         |> fst)
                        $"%s{spec.Template} response example"
                | None -> ()

                if spec.RequestExample.IsSome then
                    let example =
                        op
                            .GetProperty("requestBody")
                            .GetProperty("content")
                            .GetProperty("application/json")
                            .GetProperty("example")

                    Expect.isTrue (example.TryGetProperty("X") |> fst) $"%s{spec.Template} request example"

                for status, _ in spec.Errors do
                    Expect.isTrue
                        (op.GetProperty("responses").TryGetProperty(string status) |> fst)
                        $"%s{spec.Template} %d{status}"

            let ui = get (client ()) "/swagger/index.html"
            Expect.equal ui.Status 200 "UI"
            Expect.stringContains ui.Text "swagger-ui" "Swagger UI page"
        }
    ]

[<Tests>]
let tests = testList "Server.DocsAndMetrics" [ metricsTests; openApiTests ]
