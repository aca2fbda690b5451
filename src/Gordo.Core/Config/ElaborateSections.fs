namespace Gordo.Core.Config

open System
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Core.Yaml

/// The evaluation, runtime and metadata sections: merged trees → typed records (spec §1.6, §1.7).
[<RequireQualifiedAccess>]
module internal ElaborateSections =
    let private evaluationKeys = [ "cv_mode"; "metrics"; "scoring_scaler"; "cv"; "seed" ]

    let private cvModes = [
        "full_build", CvMode.FullBuild
        "cross_val_only", CvMode.CrossValOnly
        "build_only", CvMode.BuildOnly
    ]

    let private cvMode (node: Node) : Checked<CvMode> =
        match Read.text node with
        | Error d -> CvMode.FullBuild, [ d ]
        | Ok text ->
            match cvModes |> List.tryFind (fst >> (=) (text.ToLowerInvariant())) with
            | Some(_, mode) -> mode, []
            | None ->
                CvMode.BuildOnly,
                [
                    Problem.at node (Problem.UnknownCvMode(text, Suggest.closest (List.map fst cvModes) text))
                ]

    let private metric (node: Node) : Checked<string option> =
        match Read.text node with
        | Error d -> None, [ d ]
        | Ok name ->
            match Vocabulary.tryMetric name with
            | Some { Support = Support.Implemented } as found -> found |> Option.map _.Name, []
            | Some {
                       Support = Support.NotImplemented hint
                   } -> None, [ Problem.at node (Problem.MetricNotImplemented(name, hint)) ]
            | None ->
                let known = Vocabulary.spellings Vocabulary.metrics
                None, [ Problem.at node (Problem.UnknownMetric(name, Suggest.closest known name)) ]

    let private metrics (node: Node) : Checked<string list> =
        match node.Value with
        | NodeValue.Sequence items ->
            let found, problems = items |> List.map metric |> List.unzip
            List.choose id found, List.concat problems
        | _ ->
            [],
            [
                Problem.at node (Problem.WrongType("a list of metric names", Node.describe node))
            ]

    /// A model definition that must be of a certain kind (a splitter, a scaler).
    let private modelOfKind (kinds: ClassKind list) (expected: string) (node: Node) : Checked<ModelSpec> =
        let spec, problems = Elaborate.model node

        let kindProblems =
            match Catalog.tryFind (ModelSpec.classPath spec) with
            | Some entry when not (List.contains entry.Kind kinds) -> [
                Problem.at node (Problem.NotAnEstimator(entry.Path, expected))
              ]
            | _ -> []

        spec, problems @ kindProblems

    let private optionalModel kinds expected (mapping: Node) (key: string) (fallback: ModelSpec option) =
        match Node.tryGet key mapping with
        | None -> fallback, []
        | Some node when Read.isNull node -> None, []
        | Some node ->
            let spec, problems = modelOfKind kinds expected node
            Some spec, problems

    /// The evaluation section; `None` gets Gordo's machine-level default `{cv_mode: full_build}`.
    let evaluation (node: Node option) : Checked<Evaluation> =
        let node = node |> Option.defaultValue (Node.emptyMapping "evaluation")

        let mode, p1 =
            Node.tryGet "cv_mode" node
            |> Option.map cvMode
            |> Option.defaultValue (CvMode.FullBuild, [])

        let metricNames, p2 =
            Node.tryGet "metrics" node
            |> Option.map metrics
            |> Option.defaultValue (Vocabulary.metrics |> List.take 4 |> List.map _.Name, [])

        let scaler, p3 =
            optionalModel [ ClassKind.Transformer ] "a scaler" node "scoring_scaler" None

        let cv, p4 =
            optionalModel [ ClassKind.Splitter ] "a cross-validation splitter" node "cv" None
            |> fun (spec, problems) ->
                spec |> Option.defaultWith (fun () -> fst (Elaborate.model Defaults.cv)), problems

        let seed, p5 = Read.field node "seed" Read.int 0

        {
            CvMode = mode
            Metrics = metricNames
            ScoringScaler = scaler
            Cv = cv
            Seed = seed
            Extra = Read.extra evaluationKeys node
        },
        List.concat [ p1; p2; p3; p4; p5; Read.unknownKeys "evaluation" evaluationKeys node ]

    let private amounts (node: Node option) : ResourceAmounts =
        let read key =
            node
            |> Option.bind (Node.tryGet key)
            |> Option.bind (fun n ->
                match Read.scalar n with
                | Some(Scalar.Int i) -> Some i
                | _ -> None)

        {
            Memory = read "memory"
            Cpu = read "cpu"
        }

    let private componentOf (runtime: Node) (key: string) : Checked<Component> =
        let node = Node.tryGet key runtime |> Option.defaultValue (Node.emptyMapping key)
        let image, problems = Read.optionalField node "image" Read.text
        let resources = Node.tryGet "resources" node

        {
            Image = image
            Resources = {
                Requests = amounts (resources |> Option.bind (Node.tryGet "requests"))
                Limits = amounts (resources |> Option.bind (Node.tryGet "limits"))
            }
            Settings = Read.extra [ "image"; "resources" ] node
        },
        problems

    let private components = [
        "server"
        "prometheus_metrics_server"
        "builder"
        "client"
        "influx"
        "deployer"
    ]

    let private postgresReporter = "gordo.reporters.postgres.PostgresReporter"

    /// A reporter the builder cannot run is an error here, not after training (spec §6.5 exit 90).
    let private reporterProblem (reporter: Node) : Diagnostic list =
        let path =
            match Value.ofNode reporter with
            | Value.String p
            | Value.Map [ p, _ ] -> Some p
            | _ -> None

        match path with
        | Some p when p = postgresReporter -> []
        | Some p when p.EndsWith "MlFlowReporter" -> [ Problem.at reporter (Problem.UnsupportedReporter p) ]
        | Some p -> [ Problem.at reporter (Problem.UnknownReporter p) ]
        | None -> []

    let private reporterProblems (runtime: Node) : Diagnostic list =
        match Node.tryGet "reporters" runtime |> Option.map _.Value with
        | Some(NodeValue.Sequence items) -> items |> List.collect reporterProblem
        | Some(NodeValue.Mapping _) -> reporterProblem (Node.tryGet "reporters" runtime).Value
        | _ -> []

    /// `runtime.builder.remote_logging.enable: true` asks for MLflow, which is not there.
    let private remoteLoggingProblems (runtime: Node) : Diagnostic list =
        let enable =
            Node.tryGet "builder" runtime
            |> Option.bind (Node.tryGet "remote_logging")
            |> Option.bind (Node.tryGet "enable")

        match enable |> Option.bind Read.scalar with
        | Some(Scalar.Bool true) -> [ Problem.at enable.Value Problem.RemoteLoggingUnsupported ]
        | _ -> []

    /// The runtime section (unknown keys preserved).
    let runtime (node: Node option) : Checked<Runtime> =
        let node = node |> Option.defaultValue (Node.emptyMapping "runtime")
        let parts = components |> List.map (componentOf node)

        let reporters, p1 =
            Read.field
                node
                "reporters"
                (fun n ->
                    Ok(
                        match Value.ofNode n with
                        | Value.List l -> l
                        | Value.Null -> []
                        | v -> [ v ]
                    ))
                []

        let logLevel, p2 = Read.optionalField node "log_level" Read.text
        let part i = fst parts.[i]

        {
            Reporters = reporters
            Server = part 0
            PrometheusMetricsServer = part 1
            Builder = part 2
            Client = part 3
            Influx = part 4
            Deployer = part 5
            LogLevel = logLevel
            Extra = Read.extra ("reporters" :: "log_level" :: components) node
        },
        p1
        @ p2
        @ (parts |> List.collect snd)
        @ reporterProblems node
        @ remoteLoggingProblems node

    let private eventKeys = [ "on"; "off"; "min_duration"; "merge_gap"; "top_tags" ]

    let private invalid (node: Node) (key: string) (reason: string) =
        let shown =
            match node.Value with
            | NodeValue.Scalar(text, _) -> text
            | _ -> Node.describe node

        Problem.at node (Problem.InvalidEventSetting(key, shown, reason))

    let private threshold (key: string) (node: Node) : Result<float, Diagnostic> =
        Read.float node
        |> Result.bind (fun f ->
            if Double.IsFinite f && f > 0.0 then
                Ok f
            else
                Error(invalid node key "must be a positive number"))

    let private duration (key: string) (node: Node) : Result<TimeSpan, Diagnostic> =
        Read.text node
        |> Result.bind (fun text ->
            match Language.Resolution.tryParseTimedelta text with
            | Error reason -> Error(invalid node key ("is not a duration: " + reason))
            | Ok span when span < TimeSpan.Zero -> Error(invalid node key "is negative")
            | Ok span -> Ok span)

    let private topTags (node: Node) : Result<int, Diagnostic> =
        Read.int node
        |> Result.bind (fun n ->
            if n >= 1 then
                Ok n
            else
                Error(invalid node "top_tags" "must be at least 1"))

    /// The `events` section (defaults for missing keys); None when there is none.
    let events (node: Node option) : Checked<Events option> =
        match node with
        | None -> None, []
        | Some node when Read.isNull node -> None, []
        | Some({ Value = NodeValue.Mapping _ } as node) ->
            let d = Events.defaults
            let on, p1 = Read.field node "on" (threshold "on") d.On
            let off, p2 = Read.field node "off" (threshold "off") d.Off

            let minDuration, p3 =
                Read.field node "min_duration" (duration "min_duration") d.MinDuration

            let mergeGap, p4 = Read.field node "merge_gap" (duration "merge_gap") d.MergeGap
            let tags, p5 = Read.field node "top_tags" topTags d.TopTags

            let order =
                if off > on then
                    let at = Node.tryGet "off" node |> Option.defaultValue node
                    [ Problem.at at (Problem.EventOffAboveOn(off, on)) ]
                else
                    []

            Some {
                On = on
                Off = off
                MinDuration = minDuration
                MergeGap = mergeGap
                TopTags = tags
            },
            List.concat [ p1; p2; p3; p4; p5; order; Read.unknownKeys "events" eventKeys node ]
        | Some node ->
            None,
            [
                Problem.at node (Problem.WrongType("a mapping of event settings", Node.describe node))
            ]

    /// Metadata: any value; absent is an empty mapping.
    let metadata (node: Node option) : Value =
        match node |> Option.map Value.ofNode with
        | None
        | Some Value.Null -> Value.Map []
        | Some value -> value
