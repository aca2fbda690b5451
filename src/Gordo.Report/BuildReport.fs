namespace Gordo.Report

open System
open System.Globalization
open System.IO
open System.Net
open System.Text
open Gordo.Core.Config
open Gordo.Build
open Gordo.Models.Artifacts

/// `report.html`: one self-contained page (plotly.js inline, no network) with an overview table
/// and a section per machine.
[<RequireQualifiedAccess>]
module BuildReport =
    let private enc (s: string) = WebUtility.HtmlEncode s

    let private num (v: float) =
        v.ToString("0.####", CultureInfo.InvariantCulture)

    let private time (t: DateTimeOffset) =
        t.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)

    /// plotly.js as shipped inside the Plotly.NET assembly.
    let private plotlyJs () : string =
        let assembly = typeof<Plotly.NET.GenericChart>.Assembly

        match
            assembly.GetManifestResourceNames()
            |> Array.tryFind (fun n -> n.EndsWith ".min.js")
        with
        | Some name ->
            use stream = assembly.GetManifestResourceStream name
            use reader = new StreamReader(stream)
            reader.ReadToEnd()
        | None -> invalidOp "the Plotly.NET assembly has no embedded plotly.js"

    let private style =
        """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}
th{background:#eef2f7}.ok{color:#176b2c;font-weight:bold}.failed{color:#b00020;font-weight:bold}
section{border-top:2px solid #dde;margin-top:2em;padding-top:1em}code{background:#f4f4f4;padding:1px 4px}"""

    let private mean (key: string) (m: MachineReport) =
        m.CvMeans
        |> List.tryFind (fst >> (=) key)
        |> Option.map (snd >> num)
        |> Option.defaultValue "-"

    let private overviewRow (m: MachineReport) : string =
        let status =
            match m.Failure with
            | None -> "<span class=\"ok\">ok</span>"
            | Some(code, _) -> $"<span class=\"failed\">failed (exit %d{code})</span>"

        let cells = [
            $"<a href=\"#machine-%s{enc m.Name}\">%s{enc m.Name}</a>"
            status
            mean "r2-score" m
            mean "explained-variance-score" m
            mean "mean-squared-error" m
            m.Thresholds |> Option.map (fst >> num) |> Option.defaultValue "-"
            m.Seconds
            |> Option.map (fun s -> s.ToString("0.0", CultureInfo.InvariantCulture))
            |> Option.defaultValue "-"
            m.ModelPath
            |> Option.map (enc >> sprintf "<code>%s</code>")
            |> Option.defaultValue (m.Failure |> Option.map (snd >> enc) |> Option.defaultValue "-")
        ]

        cells
        |> List.map (sprintf "<td>%s</td>")
        |> String.concat ""
        |> sprintf "<tr>%s</tr>"

    let private overview (machines: MachineReport list) : string =
        let header =
            [
                "machine"
                "status"
                "r2 (cv mean)"
                "explained variance (cv mean)"
                "MSE (cv mean)"
                "threshold (total)"
                "seconds"
                "model / error"
            ]
            |> List.map (sprintf "<th>%s</th>")
            |> String.concat ""

        let rows = machines |> List.map overviewRow |> String.concat "\n"
        $"<table class=\"overview\"><tr>%s{header}</tr>%s{rows}</table>"

    let private eventsTable (m: MachineReport) : string =
        match m.Events with
        | [] -> ""
        | events ->
            let row (e: Gordo.Data.SampleEvent) =
                $"<tr><td>%s{enc e.Kind}</td><td>%s{enc e.Tag}</td><td>%s{time e.Start}</td><td>%s{time e.End}</td></tr>"

            let rows = events |> List.map row |> String.concat ""

            $"<details><summary>%d{events.Length} known events in the period (injected faults, stuck sensors, gaps)</summary>"
            + $"<table><tr><th>kind</th><th>tag</th><th>start</th><th>end</th></tr>%s{rows}</table></details>"

    let private charts (m: MachineReport) : string list =
        [
            if not m.Loss.IsEmpty then
                ReportCharts.loss m.Loss
            if not m.FoldScores.IsEmpty then
                ReportCharts.folds m.FoldScores

            match m.Anomaly, m.Thresholds with
            | Some a, Some(total, perTag) when a.Times.Length > 0 ->
                ReportCharts.totalAnomaly a total m.Events
                ReportCharts.tagAnomaly a perTag m.Events
                ReportCharts.inputs a m.Events
            | _ -> ()
        ]
        |> List.map ReportCharts.html

    let private section (m: MachineReport) : string =
        let start, finish = m.Period

        let tags =
            m.Tags |> List.map (enc >> sprintf "<code>%s</code>") |> String.concat ", "

        let failure =
            m.Failure
            |> Option.map (fun (code, message) ->
                $"<p class=\"failed\">build failed (exit %d{code}): %s{enc message}</p>")
            |> Option.defaultValue ""

        [
            $"<section id=\"machine-%s{enc m.Name}\" class=\"machine\"><h2>%s{enc m.Name}</h2>"
            failure
            $"<p>Training period %s{time start} – %s{time finish}; input tags: %s{tags}</p>"
            eventsTable m
            yield! charts m
            "</section>"
        ]
        |> String.concat "\n"

    /// The whole page for these machines.
    let internal render (project: string) (machines: MachineReport list) : string =
        let sb = StringBuilder()
        let add (s: string) = sb.AppendLine s |> ignore
        add "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        add $"<title>Gordo build report: %s{enc project}</title><style>%s{style}</style>"
        add $"<script type=\"text/javascript\">%s{plotlyJs ()}</script></head><body>"
        add $"<h1>Build report: %s{enc project}</h1>"
        add $"<p>%d{machines.Length} machine(s), written %s{time DateTimeOffset.Now}.</p>"
        add (overview machines)
        machines |> List.iter (section >> add)
        add "</body></html>"
        sb.ToString()

    /// Writes `report.html` into `directory` for these outcomes, atomically (a temporary sibling
    /// renamed over it: a killed build leaves the previous report); its path, or why it could not
    /// be written (then no report is left: an older one would look current).
    let write
        (directory: string)
        (project: string)
        (outcomes: (Machine * Result<BuiltModel, BuildError>) list)
        : Result<string, string> =
        let machines = outcomes |> List.map (fun (m, r) -> ReportData.ofOutcome m r)
        let path = Path.Combine(directory, "report.html")

        try
            Directory.CreateDirectory directory |> ignore
            AtomicPath.writeAllText path (render project machines)
            Ok path
        with
        | :? IOException
        | :? UnauthorizedAccessException as e ->
            try
                File.Delete path
            with _ ->
                ()

            if IoFailure.isDiskFull e then
                Error $"no space left on device while writing %s{path}: free space on that filesystem and build again"
            else
                Error $"cannot write %s{path}: %s{e.Message}"
