module Gordo.Tests.Cli.ReportTests

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Expecto
open Gordo.Report
open Gordo.Tests.Support
open Gordo.Tests.Cli.ValidateCliTests

/// A chart of the report: its trace names and the number of shaded (fault) rectangles.
type private Chart = { Traces: string list; Shapes: int }

let private chartPattern =
    Regex(@"var data = (\[.*?\]);\s*var layout = (\{.*?\});\s*var config", RegexOptions.Singleline)

let private charts (html: string) : Chart list = [
    for m in chartPattern.Matches html do
        use data = JsonDocument.Parse m.Groups.[1].Value
        use layout = JsonDocument.Parse m.Groups.[2].Value

        let name (t: JsonElement) =
            match t.TryGetProperty "name" with
            | true, n -> n.GetString()
            | _ -> ""

        let shapes =
            match layout.RootElement.TryGetProperty "shapes" with
            | true, s -> s.GetArrayLength()
            | _ -> 0

        {
            Traces = [ for t in data.RootElement.EnumerateArray() -> name t ]
            Shapes = shapes
        }
]

/// The page split into machine sections (name → section HTML).
let private sections (html: string) : (string * string) list = [
    for part in html.Split "<section id=\"machine-" |> Array.skip 1 -> part.Substring(0, part.IndexOf '"'), part
]

/// The page without the inline plotly.js library.
let private withoutLibrary (html: string) : string =
    let start = html.IndexOf "<script"
    let finish = html.IndexOf("</script>", start)
    html.Remove(start, finish - start)

/// examples/config.yaml with fewer epochs and one week of data.
let private trimmedExample () : string =
    let text =
        File
            .ReadAllText(Path.Combine(repoRoot, "examples", "config.yaml"))
            .Replace("epochs: 20", "epochs: 3")
            .Replace("train_end_date: 2020-01-15T00:00:00+00:00", "train_end_date: 2020-01-08T00:00:00+00:00")

    let path =
        Path.Combine(Path.GetTempPath(), "gordo-example-" + Guid.NewGuid().ToString("N") + ".yaml")

    File.WriteAllText(path, text)
    path

let private failed: MachineReport = {
    Name = "pump-<9>"
    Failure = Some(30, "data file 'x.parquet' not found")
    Seconds = None
    ModelPath = None
    Tags = [ "A"; "B" ]
    Period = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero)
    Loss = []
    FoldScores = []
    CvMeans = []
    Thresholds = None
    Anomaly = None
    Events = []
}

[<Tests>]
let tests =
    testList "Cli.Report" [
        test "a failed machine: overview row with exit code and error, HTML-escaped, no charts" {
            let html = BuildReport.render "demo" [ failed ]
            let page = withoutLibrary html
            Expect.stringContains page "failed (exit 30)" "status"
            Expect.stringContains page "pump-&lt;9&gt;" "escaped name"
            Expect.stringContains page "data file &#39;x.parquet&#39; not found" "error message"
            Expect.isEmpty (charts page) "no charts"
            Expect.stringContains html "Plotly.newPlot" "plotly.js inline (its own source)"
        }
        test "main job: local-build of the example project builds every machine and writes report.html" {
            let out =
                Path.Combine(Path.GetTempPath(), "gordo-main-job-" + Guid.NewGuid().ToString("N"))

            let code, stdout, err =
                gordo [ "local-build"; trimmedExample (); "--output"; out; "--parallel"; "2" ]

            Expect.equal code 0 (stdout + err)
            let report = Path.Combine(out, "report.html")
            Expect.stringContains stdout $"report: %s{report}" "prints where the report is"
            Expect.stringContains stdout $"models in %s{out}" "prints where the models are"
            let html = File.ReadAllText report
            let page = withoutLibrary html
            Expect.isFalse (Regex.IsMatch(page, "https?://")) "no network URLs outside plotly.js"
            Expect.isFalse (Regex.IsMatch(html, "<script[^>]+src=|<link[^>]+href=")) "nothing loaded from elsewhere"

            let machines = sections page
            Expect.equal (machines |> List.map fst) [ "pump-1"; "pump-2"; "compressor-1" ] "one section per machine"

            for name, section in machines do
                Expect.isTrue (File.Exists(Path.Combine(out, name, "metadata.json"))) $"%s{name} model"
                let c = charts section
                Expect.equal c.Length 5 $"%s{name}: loss, folds, total anomaly, tag anomaly, inputs"
                Expect.contains c.[0].Traces "loss" "loss per epoch"

                Expect.equal
                    c.[1].Traces
                    [
                        "explained-variance-score"
                        "r2-score"
                        "mean-squared-error"
                        "mean-absolute-error"
                    ]
                    "fold scores"

                Expect.equal c.[2].Traces [ "total-anomaly-scaled"; "threshold" ] "total anomaly against threshold"
                Expect.equal c.[3].Traces.Length 8 "per tag: score and threshold"
                Expect.equal c.[4].Traces.Length 4 "input tags"
                Expect.stringContains section "PLANT-VT-0" "tag names"

            let pumpFaults = (charts (snd machines.Head)).[2].Shapes
            Expect.isGreaterThan pumpFaults 0 "the injected fault of pump-1 is shaded"
        }
    ]
