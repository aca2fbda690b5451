module Gordo.Tests.Cli.ReportTests

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Expecto
open Gordo.Report
open Gordo.Tests.Support
open Gordo.Tests.Cli.ValidateCliTests

/// A chart of the report: its trace names, the number of shaded rectangles (faults and anomaly
/// events) and their fill colours.
type private Chart = {
    Traces: string list
    Shapes: int
    Fills: string list
}

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
            | true, s -> [ for x in s.EnumerateArray() -> x.GetProperty("fillcolor").ToString() ]
            | _ -> []

        {
            Traces = [ for t in data.RootElement.EnumerateArray() -> name t ]
            Shapes = shapes.Length
            Fills = shapes
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
    Evaluation = None
}

let private jan1 = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
let private hour (h: float) = jan1.AddHours h

let private known (kind: string) (tag: string) (a: float) (b: float) : Gordo.Data.SampleEvent = {
    Machine = "pump-1"
    Tag = tag
    Kind = kind
    Start = hour a
    End = hour b
}

let private anomalyEvent
    (a: float)
    (b: float)
    (quality: Gordo.Models.Scoring.QualityFlags)
    : Gordo.Models.Scoring.AnomalyEvent =
    let share tag s : Gordo.Models.Scoring.EventTag = { Tag = tag; Share = s }

    {
        Start = hour a
        End = hour b
        Peak = 2.5
        Tags = [ share "VT" 0.75; share "FT" 0.25 ]
        Quality = quality
    }

/// One day of 10-minute rows; two injected faults (02:00-04:00, 10:00-12:00) and a stuck sensor
/// (14:00-15:00); three anomaly events: on the first fault, on nothing (06:00-07:00), on the
/// stuck sensor (flagged stuck). By hand: precision 1/3 (one of three events on a fault), recall
/// 1/2 (one of two faults found).
let private scored: MachineReport =
    let times = Array.init 144 (fun i -> (jan1.AddMinutes(10.0 * float i)).UtcDateTime)
    let ones = Array.create 144 1.0

    let faults = [
        known "fault" "VT" 2.0 4.0
        known "fault" "VT" 10.0 12.0
        known "stuck" "FT" 14.0 15.0
    ]

    let events = [
        anomalyEvent 2.5 3.5 Gordo.Models.Scoring.QualityFlags.None
        anomalyEvent 6.0 7.0 Gordo.Models.Scoring.QualityFlags.None
        anomalyEvent 14.16 14.66 Gordo.Models.Scoring.QualityFlags.Stuck
    ]

    {
        failed with
            Name = "pump-1"
            Failure = None
            Tags = [ "FT"; "VT" ]
            Period = jan1, jan1.AddDays 1.0
            Thresholds = Some(1.0, [ "FT", 1.0; "VT", 1.0 ])
            Anomaly =
                Some {
                    Times = times
                    Inputs = [ "FT", ones; "VT", ones ]
                    Total = ones
                    PerTag = [ "FT", ones; "VT", ones ]
                    Events = events
                    StuckRows = []
                }
            Events = faults
            Evaluation =
                Some(
                    EventEvaluation.evaluate "pump-1" (jan1, jan1.AddDays 1.0) (TimeSpan.FromMinutes 10.0) faults events []
                )
    }

/// Shaded faults of a section: the inputs chart shades faults only.
let private pumpFaults' (section: string) = (charts section).[4].Shapes

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
        test "anomaly events: listed next to the known events, shaded on the anomaly charts, precision and recall" {
            let page = withoutLibrary (BuildReport.render "demo" [ scored ])

            let rows (cls: string) =
                Regex.Matches(page, $"<tr class=\"%s{cls}\">(.*?)</tr>")

            let events = rows "anomaly-event"
            Expect.equal events.Count 3 "three anomaly events listed"
            Expect.stringContains events.[0].Value "2020-01-01 02:30 +00:00" "start"
            Expect.stringContains events.[0].Value "VT (75 %)" "top tag with its share"
            Expect.stringContains events.[0].Value "fault VT" "the fault it overlaps"
            Expect.stringContains events.[1].Value "none" "overlaps nothing"
            Expect.stringContains events.[2].Value "<td>1</td>" "the stuck flag"
            Expect.stringContains events.[2].Value "stuck FT" "the stuck sensor it overlaps"

            let knownRows = rows "known-event"

            Expect.equal
                [ for r in knownRows -> r.Groups.[1].Value.EndsWith "<td>yes</td>" ]
                [ true; false; true ]
                "first fault found, second missed, stuck period overlapped"

            Expect.stringContains page "precision <b class=\"precision\">0.3333</b> (1 of 3 events" "precision 1/3"
            Expect.stringContains page "recall <b class=\"recall\">0.5</b> (1 of 2 injected faults" "recall 1/2"
            Expect.stringContains page "<td>3 (0.3333 / 0.5)</td>" "overview: events, precision / recall"

            let c = charts page
            Expect.equal c.Length 3 "total anomaly, tag anomaly, inputs"

            for chart in c.[0..1] do
                let fills = chart.Fills |> List.countBy id |> Map.ofList
                Expect.equal chart.Shapes 5 "two faults and three events shaded"

                Expect.equal
                    (fills |> Map.toList |> List.map snd |> List.sort)
                    [ 2; 3 ]
                    "faults and events in two colours"

            Expect.equal c.[2].Shapes 2 "the inputs chart shades faults only"
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

            let pumpFaults = (charts (snd machines.Head)).[4].Shapes
            Expect.isGreaterThan pumpFaults 0 "the injected fault of pump-1 is shaded"

            for name, section in machines do
                let events = Regex.Matches(section, "<tr class=\"anomaly-event\">").Count
                Expect.stringContains section "anomaly events in the period" $"%s{name}: events listed"
                Expect.stringContains section "Event-level precision" $"%s{name}: sample plant, faults known"

                Expect.equal
                    (charts section).[2].Shapes
                    (pumpFaults' section + events)
                    $"%s{name}: faults and events shaded on the total anomaly chart"
        }
    ]
