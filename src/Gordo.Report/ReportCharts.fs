namespace Gordo.Report

open System
open Plotly.NET
open Plotly.NET.LayoutObjects
open Gordo.Data
open Gordo.Models.Scoring

/// The Plotly charts of a machine's report section.
[<RequireQualifiedAccess>]
module internal ReportCharts =
    /// At most this many points per trace; longer series keep each bucket's largest value.
    let maxPoints = 5000

    /// Buckets a series down to at most `maxPoints` points (max per bucket, so spikes stay).
    let thin (times: DateTime[]) (values: float[]) : DateTime[] * float[] =
        if values.Length <= maxPoints then
            times, values
        else
            let size = (values.Length + maxPoints - 1) / maxPoints

            let bucket k =
                let part = values.[k * size .. min values.Length ((k + 1) * size) - 1]
                let finite = part |> Array.filter (Double.IsNaN >> not)
                times.[k * size], (if finite.Length = 0 then nan else Array.max finite)

            Array.init ((values.Length + size - 1) / size) bucket |> Array.unzip

    let private styled (height: int) (chart: GenericChart) : GenericChart =
        chart
        |> Chart.withSize (1100, height)
        |> Chart.withConfigStyle (Displaylogo = false, Responsive = true)
        |> Chart.withDisplayOptions (DisplayOptions.init (PlotlyJSReference = PlotlyJSReference.NoReference))

    let private line (name: string) (times: DateTime[]) (values: float[]) : GenericChart =
        let t, v = thin times values
        Chart.Line(x = t, y = v, Name = name)

    let private thresholdLine (name: string) (times: DateTime[]) (value: float) : GenericChart =
        let ends = [| times.[0]; times.[times.Length - 1] |]

        Chart.Line(
            x = ends,
            y = [| value; value |],
            Name = name,
            LineColor = Color.fromKeyword ColorKeyword.Red,
            LineDash = StyleParam.DrawingStyle.Dash
        )

    /// Shaded rectangles over periods (all subplots), drawn below the traces.
    let private spans (colour: ColorKeyword) (opacity: float) (periods: (DateTimeOffset * DateTimeOffset) list) =
        periods
        |> List.map (fun (start, finish) ->
            Shape.init (
                ShapeType = StyleParam.ShapeType.Rectangle,
                X0 = start.UtcDateTime,
                X1 = finish.UtcDateTime,
                Y0 = 0.0,
                Y1 = 1.0,
                Yref = "paper",
                FillColor = Color.fromKeyword colour,
                Opacity = opacity,
                Layer = StyleParam.Layer.Below,
                Line = Line.init (Width = 0.0)
            ))

    /// Shaded rectangles over the fault periods.
    let private faultShapes (events: SampleEvent list) : Shape list =
        events
        |> List.filter (fun e -> e.Kind = "fault")
        |> List.map (fun e -> e.Start, e.End)
        |> spans ColorKeyword.OrangeRed 0.15

    /// Shaded spans over the anomaly events, in another colour than the faults.
    let eventShapes (events: AnomalyEvent list) : Shape list =
        events |> List.map (fun e -> e.Start, e.End) |> spans ColorKeyword.RoyalBlue 0.2

    let private stacked (charts: GenericChart list) : GenericChart =
        Chart.SingleStack (Pattern = StyleParam.LayoutGridPattern.Coupled) charts

    /// Training loss (and validation loss) per epoch of the final fit.
    let loss (history: (string * float list) list) : GenericChart =
        history
        |> List.filter (fun (key, _) -> key.Contains "loss")
        |> List.map (fun (key, values) ->
            Chart.Line(x = [ 1 .. values.Length ], y = values, Name = key, ShowMarkers = true))
        |> Chart.combine
        |> Chart.withXAxisStyle (TitleText = "epoch")
        |> Chart.withYAxisStyle (TitleText = "loss")
        |> Chart.withTitle "Training loss per epoch (final fit)"
        |> styled 320

    /// Cross-validation scores per fold, one bar group per metric.
    let folds (scores: (string * float list) list) : GenericChart =
        scores
        |> List.map (fun (metric, values) ->
            Chart.Column(values = values, Keys = [ for i in 1 .. values.Length -> $"fold %d{i}" ], Name = metric))
        |> Chart.Grid(1, scores.Length)
        |> Chart.withTitle "Cross-validation scores per fold"
        |> styled 320

    /// The total anomaly score over the training period against its threshold, faults and
    /// anomaly events shaded.
    let totalAnomaly (a: AnomalySeries) (threshold: float) (events: SampleEvent list) : GenericChart =
        [
            line "total-anomaly-scaled" a.Times a.Total
            thresholdLine "threshold" a.Times threshold
        ]
        |> Chart.combine
        |> Chart.withShapes (faultShapes events @ eventShapes a.Events)
        |> Chart.withTitle
            "Total anomaly (scaled) over the training period; shaded: injected faults (red), anomaly events (blue)"
        |> styled 360

    /// Per-tag anomaly scores against the per-tag thresholds.
    let tagAnomaly (a: AnomalySeries) (thresholds: (string * float) list) (events: SampleEvent list) : GenericChart =
        a.PerTag
        |> List.map (fun (tag, values) ->
            let t = thresholds |> List.tryFind (fst >> (=) tag) |> Option.map snd

            [
                yield line tag a.Times values
                yield! t |> Option.map (thresholdLine $"%s{tag} threshold" a.Times) |> Option.toList
            ]
            |> Chart.combine
            |> Chart.withYAxisStyle (TitleText = tag))
        |> stacked
        |> Chart.withShapes (faultShapes events @ eventShapes a.Events)
        |> Chart.withTitle "Anomaly per tag (unscaled) against the tag thresholds; shaded as above"
        |> styled (140 + 160 * a.PerTag.Length)

    /// The input tags over the training period, faults shaded.
    let inputs (a: AnomalySeries) (events: SampleEvent list) : GenericChart =
        a.Inputs
        |> List.map (fun (tag, values) -> line tag a.Times values |> Chart.withYAxisStyle (TitleText = tag))
        |> stacked
        |> Chart.withShapes (faultShapes events)
        |> Chart.withTitle "Input tags (as trained on)"
        |> styled (140 + 160 * a.Inputs.Length)

    /// A chart's `<div>` with its inline script (no plotly.js reference).
    let html (chart: GenericChart) : string = GenericChart.toChartHTML chart
