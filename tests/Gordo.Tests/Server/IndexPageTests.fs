module Gordo.Tests.Server.IndexPageTests

open System.Text.RegularExpressions
open Expecto
open Gordo.Tests.Server.LiveServer

/// The DOM Chromium renders for a URL (`chromium --headless --dump-dom`).
let private dumpDom (chromium: string) (url: string) : string =
    let args = [
        "--headless"
        "--no-sandbox"
        "--disable-gpu"
        "--disable-dev-shm-usage"
        "--dump-dom"
        url
    ]

    let r = run chromium args 120
    Expect.equal r.ExitCode 0 $"chromium failed: %s{r.Error}"
    r.Output

/// The text of every `<td class="...">` of the row of a model.
let private cells (dom: string) (model: string) : Map<string, string> =
    let row =
        Regex.Match(dom, $"<tr data-model=\"%s{model}\">(.*?)</tr>", RegexOptions.Singleline)

    Expect.isTrue row.Success $"no row for %s{model} in the rendered page"

    [
        for m in Regex.Matches(row.Groups.[1].Value, "<td class=\"([^\"]+)\">(.*?)</td>", RegexOptions.Singleline) ->
            m.Groups.[1].Value, m.Groups.[2].Value
    ]
    |> Map.ofList

[<Tests>]
let tests =
    testList "server index page (headless Chromium)" [
        test "lists the models of the revision with status, tags, build date, scores, thresholds and links" {
            match which "chromium" with
            | None -> skiptest "chromium is not installed (Debian package `chromium`; .ci/setup.d/60-chromium.sh)"
            | Some chromium ->
                // A server of its own: nothing loaded yet.
                let dom = dumpDom chromium (start builtModels.Value + "/gordo/v0/proj/")
                Expect.stringContains dom "<title>Gordo project proj, revision 444</title>" "title"
                Expect.stringContains dom "Revision 444: 2 models" "summary"
                let pump = cells dom "pump-1"
                Expect.equal pump.["status"] "available" "not loaded yet"
                Expect.stringContains pump.["tags"] "<li>PLANT-FT-011.PV</li>" "tags listed"
                Expect.isMatch pump.["build-date"] @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d" "build date"
                Expect.isMatch pump.["scores"] @"<li>r2-score: -?[\d.]+(e-?\d+)?</li>" "r2 fold mean"
                Expect.isMatch pump.["threshold"] @"^[\d.]+(e-?\d+)?$" "aggregate threshold"
                Expect.stringContains pump.["feature-thresholds"] "<li>PLANT-FT-011.PV: " "feature thresholds"

                Expect.stringContains
                    pump.["links"]
                    "href=\"/gordo/v0/proj/pump-1/metadata?revision=444\""
                    "metadata link"

                Expect.stringContains pump.["links"] "/gordo/v0/proj/pump-1/download-model" "download link"
                Expect.equal (cells dom "broken").["status"] "no metadata.json" "broken model"
        }
        test "a loaded model shows as loaded; the page follows ?revision" {
            match which "chromium" with
            | None -> skiptest "chromium is not installed (Debian package `chromium`; .ci/setup.d/60-chromium.sh)"
            | Some chromium ->
                use http = new System.Net.Http.HttpClient()

                let bytes =
                    http.GetByteArrayAsync(url.Value + "/gordo/v0/proj/pump-1/download-model").Result

                Expect.isGreaterThan bytes.Length 0 "downloaded"
                let dom = dumpDom chromium (url.Value + "/gordo/v0/proj?revision=444")
                Expect.equal (cells dom "pump-1").["status"] "loaded" "loaded after download"
        }
    ]
