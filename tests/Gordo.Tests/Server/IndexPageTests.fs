module Gordo.Tests.Server.IndexPageTests

open System
open System.Globalization
open System.IO
open System.IO.Compression
open System.Net.Http
open System.Text
open System.Text.RegularExpressions
open Expecto
open Gordo.Data
open Gordo.Tests.Server.LiveServer

/// Headless Chromium with the browser's own background traffic off (updates, sync, safe
/// browsing), so what it fetches is what the page asks for; console messages go to stderr.
let private chromiumRun (chromium: string) (extra: string list) (url: string) : Finished =
    let args =
        [
            "--headless"
            "--no-sandbox"
            "--disable-gpu"
            "--disable-dev-shm-usage"
            "--disable-background-networking"
            "--disable-component-update"
            "--disable-sync"
            "--disable-domain-reliability"
            "--disable-client-side-phishing-detection"
            "--no-first-run"
            "--no-default-browser-check"
            "--enable-logging=stderr"
            "--hide-scrollbars"
            "--window-size=1280,1800"
        ]
        @ extra
        @ [ url ]

    let r = run chromium args 180
    Expect.equal r.ExitCode 0 $"chromium failed: %s{r.Error}"
    r

/// The DOM Chromium renders for a URL (after the page's scripts ran), and its stderr.
let private dumpDom (chromium: string) (url: string) : string * string =
    let r = chromiumRun chromium [ "--dump-dom" ] url
    r.Output, r.Error

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), "gordo-page-" + Guid.NewGuid().ToString("N") + "-" + name)

/// The RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are):
/// width, height and a pixel function.
let private decodePng (bytes: byte[]) : int * int * (int -> int -> int * int * int) =
    let be (i: int) =
        (int bytes.[i] <<< 24)
        ||| (int bytes.[i + 1] <<< 16)
        ||| (int bytes.[i + 2] <<< 8)
        ||| int bytes.[i + 3]

    let mutable pos = 8
    let mutable width, height, channels = 0, 0, 0
    use idat = new MemoryStream()

    while pos < bytes.Length do
        let length = be pos
        let kind = Encoding.ASCII.GetString(bytes, pos + 4, 4)

        match kind with
        | "IHDR" ->
            width <- be (pos + 8)
            height <- be (pos + 12)
            Expect.equal bytes.[pos + 16] 8uy "8-bit PNG"
            Expect.equal bytes.[pos + 20] 0uy "not interlaced"

            channels <-
                match bytes.[pos + 17] with
                | 2uy -> 3
                | 6uy -> 4
                | other -> failtestf "PNG colour type %d" other
        | "IDAT" -> idat.Write(bytes, pos + 8, length)
        | _ -> ()

        pos <- pos + 12 + length

    idat.Position <- 0L
    use z = new ZLibStream(idat, CompressionMode.Decompress)
    use raw = new MemoryStream()
    z.CopyTo raw
    let data = raw.ToArray()
    let stride = width * channels
    let pixels = Array.zeroCreate<byte> (height * stride)

    for y in 0 .. height - 1 do
        let filter = data.[y * (stride + 1)]
        let row = y * (stride + 1) + 1

        for x in 0 .. stride - 1 do
            let a =
                if x >= channels then
                    int pixels.[y * stride + x - channels]
                else
                    0

            let b = if y > 0 then int pixels.[(y - 1) * stride + x] else 0

            let c =
                if x >= channels && y > 0 then
                    int pixels.[(y - 1) * stride + x - channels]
                else
                    0

            let predicted =
                match filter with
                | 0uy -> 0
                | 1uy -> a
                | 2uy -> b
                | 3uy -> (a + b) / 2
                | 4uy ->
                    let p = a + b - c
                    let pa, pb, pc = abs (p - a), abs (p - b), abs (p - c)

                    if pa <= pb && pa <= pc then a
                    elif pb <= pc then b
                    else c
                | other -> failtestf "PNG filter %d" other

            pixels.[y * stride + x] <- byte ((int data.[row + x] + predicted) &&& 0xFF)

    width,
    height,
    fun x y ->
        let i = y * stride + x * channels
        int pixels.[i], int pixels.[i + 1], int pixels.[i + 2]

/// A screenshot of the page: width, height and pixel function.
let private screenshot (chromium: string) (url: string) =
    let file = temp "shot.png"
    chromiumRun chromium [ $"--screenshot=%s{file}" ] url |> ignore
    decodePng (File.ReadAllBytes file)

/// How many pixels are close to a colour.
let private count (width: int, height: int, pixel: int -> int -> int * int * int) (r, g, b) (rows: int * int) =
    let near (x, y, z) =
        abs (x - r) < 40 && abs (y - g) < 40 && abs (z - b) < 40

    let top, bottom = rows

    seq {
        for y in top .. min (height - 1) bottom do
            for x in 0 .. width - 1 do
                if near (pixel x y) then
                    yield 1
    }
    |> Seq.length

/// The machine section of a model in the rendered DOM.
let private section (dom: string) (model: string) : string =
    let m =
        Regex.Match(
            dom,
            $"<section class=\"card machine\" id=\"machine-%s{model}\" data-model=\"%s{model}\">(.*?)</section>",
            RegexOptions.Singleline
        )

    Expect.isTrue m.Success $"no section for %s{model} in the rendered page"
    m.Groups.[1].Value

let private tags = SampleData.tagNames 0 |> Array.ofList

/// Ten-minute sample-plant rows of pump-1 from 2020-01-02 (the model trained on 01-01..01-03).
let private plant =
    lazy
        (let frame, _ =
            SampleData.generate {
                SampleData.defaults with
                    Days = 3
                    Interval = TimeSpan.FromMinutes 10.0
                    Machines = [ "pump-1" ]
            }

         let offset = 144

         frame.Index.[offset..] |> Array.map (fun t -> DateTimeOffset(t, TimeSpan.Zero)),
         tags
         |> Array.map (fun tag -> frame.Data.[Array.IndexOf(frame.Columns, tag)].[offset..]))

/// A pandas-dict table of rows `first` to `first + n - 1` of the plant, `change` applied.
let private table (first: int) (n: int) (change: int -> int -> float -> float) =
    let times, columns = plant.Value

    tags
    |> Array.mapi (fun j tag ->
        [
            for i in first .. first + n - 1 ->
                let v = change i j columns.[j].[i]

                sprintf
                    "\"%s\": %s"
                    (times.[i].ToString("yyyy-MM-ddTHH:mm:sszzz"))
                    (v.ToString("R", CultureInfo.InvariantCulture))
        ]
        |> String.concat ", "
        |> sprintf "\"%s\": {%s}" tag)
    |> String.concat ", "
    |> sprintf "{%s}"

let private post (http: HttpClient) (url: string) (body: string) =
    use content = new StringContent(body, Encoding.UTF8, "application/json")
    let r = http.PostAsync(url, content).Result
    int r.StatusCode, r.Content.ReadAsStringAsync().Result

/// Rows 30..69 of the first window: y of the second tag far above what the model expects.
let private anomalous () =
    let _, columns = plant.Value
    let range = Array.max columns.[1] - Array.min columns.[1]

    let y =
        table 0 100 (fun i j v -> if j = 1 && i >= 30 && i < 70 then v + 10.0 * range else v)

    $"""{{"X": %s{table 0 100 (fun _ _ v -> v)}, "y": %s{y}}}"""

/// The next window: the first tag's sensor stuck at one value.
let private stuck () =
    let _, columns = plant.Value
    let x = table 100 100 (fun _ j v -> if j = 0 then columns.[0].[100] else v)
    $"""{{"X": %s{x}, "y": %s{x}}}"""

let private skipWithout () =
    match which "chromium" with
    | None -> skiptest "chromium is not installed (Debian package `chromium`; .ci/setup.d/60-chromium.sh)"
    | Some chromium -> chromium

[<Tests>]
let tests =
    testSequenced
    <| testList "server project page (headless Chromium)" [
        test "empty state, then charts, thresholds, an event and a stuck-sensor warning after real requests" {
            let chromium = skipWithout ()
            let server = start builtModels.Value
            let page = server + "/gordo/v0/proj/"

            // Before any prediction: every section, no chart, the empty state.
            let dom, _ = dumpDom chromium page
            Expect.stringContains dom "<title>Gordo project proj, revision 444</title>" "title"
            Expect.stringContains dom "Revision 444: 2 models, 0 open events" "summary"
            let pump = section dom "pump-1"
            Expect.stringContains pump "No anomaly predictions for this model since the server started" "empty state"
            Expect.isFalse (pump.Contains "main-svg") "no chart yet"

            Expect.isMatch
                pump
                @"<tr class=""aggregate""><td>total \(aggregate\)</td><td class=""num"">[\d.]+(e-?\d+)?</td>"
                "threshold"

            Expect.stringContains pump $"<td>%s{tags.[0]}</td>" "feature thresholds"
            Expect.isMatch pump @"<td>r2-score</td><td class=""num"">-?[\d.]+" "CV r2 fold mean"
            Expect.stringContains pump "href=\"/gordo/v0/proj/pump-1/metadata?revision=444\"" "metadata link"
            Expect.stringContains (section dom "broken") "no metadata.json" "broken model"
            let emptyShot = screenshot chromium page

            // Real anomaly requests: a fault on the second tag, then a stuck first tag.
            use http = new HttpClient()
            let url = server + "/gordo/v0/proj/pump-1/anomaly/prediction"
            let status, text = post http url (anomalous ())
            Expect.equal status 200 text
            let status, text = post http (url + "?quality=true") (stuck ())
            Expect.equal status 200 text

            let dom, console = dumpDom chromium page
            Expect.isFalse (console.Contains "Refused to") $"no content-security-policy violation: %s{console}"
            let pump = section dom "pump-1"
            Expect.stringContains pump "Anomaly score, last 200 rows" "rows kept"

            Expect.isMatch
                pump
                @"<div class=""chart[^""]*"" id=""chart-pump-1""[^>]*>.*<svg[^>]*class=""main-svg"""
                "plotly drew SVG"

            Expect.stringContains pump "class=\"scatterlayer" "line traces"

            Expect.isMatch
                pump
                @"<tr class=""aggregate""><td>total \(aggregate\)</td><td class=""num"">[\d.]+"
                "threshold"

            let events =
                Regex.Matches(pump, "<tr class=\"event[^\"]*\">(.*?)</tr>", RegexOptions.Singleline)
                |> Seq.map _.Groups.[1].Value
                |> List.ofSeq

            Expect.isNonEmpty events "an event listed"

            Expect.isTrue
                (events |> List.exists (fun e -> e.Contains $"<td>%s{tags.[1]} ("))
                $"the fault's event, led by the faulty tag: %A{events}"

            let warning =
                Regex.Match(pump, $"<tr data-tag=\"%s{Regex.Escape tags.[0]}\">(.*?)</tr>", RegexOptions.Singleline)

            Expect.isTrue warning.Success "a quality warning for the stuck tag"
            Expect.stringContains warning.Groups.[1].Value ">stuck<" "flagged stuck"
            Expect.stringContains dom "data quality</span>" "the machine's badge"

            // The screenshot: same frame, the same header band, the chart's line only now.
            let fullShot = screenshot chromium page
            let (w, h, _), (w0, h0, _) = fullShot, emptyShot
            Expect.equal (w, h) (1280, 1800) "window size"
            Expect.equal (w0, h0) (w, h) "same size as the empty page"

            let header, trace, threshold =
                (0x17, 0x32, 0x4d), (0x1f, 0x5f, 0xa8), (0xb3, 0x26, 0x1e)

            Expect.isGreaterThan (count fullShot header (0, 40)) (w * 30) "dark header band"
            Expect.equal (count fullShot header (0, 40)) (count emptyShot header (0, 40)) "header unchanged"
            // (links share the line's blue and badges the threshold's red: compare with the empty page)
            let more colour =
                count fullShot colour (60, h) - count emptyShot colour (60, h)

            Expect.isGreaterThan (more trace) 500 "the score line is drawn"
            Expect.isGreaterThan (more threshold) 100 "the threshold line and the event's band"
        }
        test "the page makes no request beyond loopback" {
            let chromium = skipWithout ()
            let server = start builtModels.Value
            use http = new HttpClient()

            post http (server + "/gordo/v0/proj/pump-1/anomaly/prediction") (anomalous ())
            |> fst
            |> fun s -> Expect.equal s 200 "scored"

            let log = temp "netlog.json"

            chromiumRun chromium [ $"--log-net-log=%s{log}"; "--dump-dom" ] (server + "/gordo/v0/proj/")
            |> ignore

            // Each request's start in Chromium's network log names its traffic annotation: the
            // page's navigation and the resources the page loads (scripts, styles, images,
            // fetches) carry these two; the browser's own background requests (updates, network
            // time, accounts) carry others and are not the page's.
            let navigation, pageResource = "63171670", "101845102"

            let requests =
                Regex.Matches(File.ReadAllText log, "\"traffic_annotation\":(\\d+),\"url\":\"([^\"]+)\"")
                |> Seq.map (fun m -> m.Groups.[1].Value, m.Groups.[2].Value)
                |> Seq.distinct
                |> List.ofSeq

            let page =
                requests
                |> List.filter (fun (a, _) -> a = navigation || a = pageResource)
                |> List.map snd

            Expect.contains page (server + "/gordo/v0/proj/") "the navigation is seen"

            for file in [ "page.css"; "page.js"; "plotly.min.js" ] do
                Expect.contains page (server + "/gordo/v0/proj/_page/" + file) $"the page's %s{file} is seen"

            let outside = page |> List.filter (fun u -> not (Uri(u).IsLoopback))
            Expect.isEmpty outside $"the page's requests to other origins: %A{outside}"
        }
        test "with API keys: page and files follow the index rule, cached by ETag" {
            let chromium = skipWithout ()
            let keys = temp "keys"
            File.WriteAllText(keys, "r3ad-key read\n")

            let closed =
                startWith
                    (fun c -> {
                        c with
                            Access.ApiKeysFile = Some keys
                    })
                    builtModels.Value

            let opened =
                startWith
                    (fun c -> {
                        c with
                            Access.ApiKeysFile = Some keys
                            Access.Anonymous = [ "index" ]
                    })
                    builtModels.Value

            use http = new HttpClient()

            let get (url: string) (key: string option) (etag: string option) =
                use request = new HttpRequestMessage(HttpMethod.Get, url)
                key |> Option.iter (fun k -> request.Headers.Add("X-API-Key", k))

                etag
                |> Option.iter (fun e -> request.Headers.TryAddWithoutValidation("If-None-Match", e) |> ignore)

                http.SendAsync(request).Result

            for path in
                [
                    "/gordo/v0/proj/"
                    "/gordo/v0/proj/_page/plotly.min.js"
                    "/gordo/v0/proj/_page/page.js"
                ] do
                Expect.equal (int (get (closed + path) None None).StatusCode) 401 $"%s{path} needs a key"

            let page = get (closed + "/gordo/v0/proj/") (Some "r3ad-key") None
            Expect.equal (int page.StatusCode) 200 "page with a key"

            Expect.equal
                (page.Headers.GetValues "Content-Security-Policy" |> Seq.head)
                "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
                "the page's policy: own scripts and styles only"

            let js = get (closed + "/gordo/v0/proj/_page/plotly.min.js") (Some "r3ad-key") None
            Expect.equal (int js.StatusCode) 200 "plotly.js with a key"
            Expect.equal (string js.Content.Headers.ContentType) "text/javascript; charset=utf-8" "content type"
            Expect.isTrue js.Headers.CacheControl.Private "cached by the browser only"
            Expect.equal js.Headers.CacheControl.MaxAge (Nullable(TimeSpan.FromDays 1.0)) "for a day"
            let etag = js.Headers.ETag.ToString()
            Expect.stringContains (js.Content.ReadAsStringAsync().Result) "plotly.js v2" "Plotly.NET's plotly.js"

            let again =
                get (closed + "/gordo/v0/proj/_page/plotly.min.js") (Some "r3ad-key") (Some etag)

            Expect.equal (int again.StatusCode) 304 "not sent again"

            Expect.equal
                (int (get (closed + "/gordo/v0/proj/_page/nope.js") (Some "r3ad-key") None).StatusCode)
                404
                "unknown file"

            // Anonymous index: the browser (no key) gets the page and its files; predictions still need the key.
            let status, _ =
                post http (opened + "/gordo/v0/proj/pump-1/anomaly/prediction") (anomalous ())

            Expect.equal status 401 "predictions still need a key"

            use request =
                new HttpRequestMessage(HttpMethod.Post, opened + "/gordo/v0/proj/pump-1/anomaly/prediction")

            request.Headers.Add("X-API-Key", "r3ad-key")
            request.Content <- new StringContent(anomalous (), Encoding.UTF8, "application/json")
            Expect.equal (int (http.SendAsync(request).Result.StatusCode)) 200 "scored with the key"
            let dom, console = dumpDom chromium (opened + "/gordo/v0/proj/")
            Expect.isFalse (console.Contains "Refused to") $"no policy violation: %s{console}"
            Expect.stringContains (section dom "pump-1") "class=\"main-svg\"" "chart drawn without a key"
        }
    ]
