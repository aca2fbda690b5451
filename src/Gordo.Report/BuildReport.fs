namespace Gordo.Report

open System
open System.Globalization
open System.IO
open System.Net
open System.Text
open Gordo.Core.Config
open Gordo.Build
open Gordo.Core
open Gordo.Models.Scoring

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

    /// Event-level precision and recall of a machine (NaN shown as `-`).
    let private ratio (v: float) = if Double.IsNaN v then "-" else num v

    /// The overview's events cell: how many, and precision / recall against injected faults.
    let private eventsCell (m: MachineReport) : string =
        match m.Anomaly, m.Evaluation with
        | Some a, Some r ->
            $"%d{a.Events.Length} (%s{ratio (EventEvaluation.precision r)} / %s{ratio (EventEvaluation.recall r)})"
        | Some a, None -> string a.Events.Length
        | None, _ -> "-"

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
            eventsCell m
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
                "events (precision / recall)"
                "seconds"
                "model / error"
            ]
            |> List.map (sprintf "<th>%s</th>")
            |> String.concat ""

        let rows = machines |> List.map overviewRow |> String.concat "\n"
        $"<table class=\"overview\"><tr>%s{header}</tr>%s{rows}</table>"

    /// The row interval of the scored rows (zero with fewer than two rows).
    let private interval (a: AnomalySeries) =
        if a.Times.Length > 1 then
            a.Times.[1] - a.Times.[0]
        else
            TimeSpan.Zero

    /// Whether an anomaly event of `m` overlaps the known event `e`.
    let private found (m: MachineReport) (e: Gordo.Data.SampleEvent) =
        match m.Anomaly with
        | Some a ->
            a.Events
            |> List.exists (fun x -> EventEvaluation.overlaps (interval a) (x.Start, x.End) e)
        | None -> false

    let private eventsTable (m: MachineReport) : string =
        match m.Events with
        | [] -> ""
        | events ->
            let scored = m.Anomaly.IsSome

            let row (e: Gordo.Data.SampleEvent) =
                let hit =
                    if scored then
                        $"""<td>%s{if found m e then "yes" else "no"}</td>"""
                    else
                        ""

                $"<tr class=\"known-event\"><td>%s{enc e.Kind}</td><td>%s{enc e.Tag}</td><td>%s{time e.Start}</td><td>%s{time e.End}</td>%s{hit}</tr>"

            let rows = events |> List.map row |> String.concat ""
            let hitHeader = if scored then "<th>anomaly event</th>" else ""

            $"<details open><summary>%d{events.Length} known events in the period (injected faults, stuck sensors, gaps)</summary>"
            + $"<table class=\"known-events\"><tr><th>kind</th><th>tag</th><th>start</th><th>end</th>%s{hitHeader}</tr>%s{rows}</table></details>"

    /// The anomaly events of the period (docs/events.md), each with the known events it
    /// overlaps, and the event-level precision and recall when the faults are known.
    let private anomalyEventsTable (m: MachineReport) : string =
        match m.Anomaly with
        | None -> ""
        | Some a ->
            let known = m.Evaluation.IsSome

            let row (e: AnomalyEvent) =
                let tags =
                    e.Tags
                    |> List.map (fun t -> $"%s{enc t.Tag} (%s{num (100.0 * t.Share)} %%)")
                    |> String.concat ", "

                let overlapping =
                    if known then
                        let hits =
                            m.Events
                            |> List.filter (EventEvaluation.overlaps (interval a) (e.Start, e.End))
                            |> List.map (fun k -> $"%s{enc k.Kind} %s{enc k.Tag}")

                        $"""<td>%s{if hits.IsEmpty then "none" else String.concat ", " hits}</td>"""
                    else
                        ""

                $"<tr class=\"anomaly-event\"><td>%s{time e.Start}</td><td>%s{time e.End}</td><td>%s{num e.Peak}</td><td>%s{tags}</td><td>%d{int e.Quality}</td>%s{overlapping}</tr>"

            let rows = a.Events |> List.map row |> String.concat ""
            let knownHeader = if known then "<th>known events overlapping</th>" else ""

            let scores =
                match m.Evaluation with
                | Some r ->
                    $"<p class=\"event-scores\">Event-level precision <b class=\"precision\">%s{ratio (EventEvaluation.precision r)}</b> "
                    + $"(%d{r.EventsOnFaults} of %d{r.Events} events overlap an injected fault), "
                    + $"recall <b class=\"recall\">%s{ratio (EventEvaluation.recall r)}</b> "
                    + $"(%d{r.FaultsFound} of %d{r.Faults} injected faults overlap an event).</p>"
                | None -> ""

            $"<h3>%d{a.Events.Length} anomaly events in the period</h3>%s{scores}"
            + $"<table class=\"anomaly-events\"><tr><th>start</th><th>end</th><th>peak</th><th>tags (share of the scaled error)</th><th>quality</th>%s{knownHeader}</tr>%s{rows}</table>"

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
            anomalyEventsTable m
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
