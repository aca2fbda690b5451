namespace Gordo.Core.Config

open System
open Gordo.Core
open Gordo.Core.Specs

/// A sensor tag: a name plus string fields (e.g. `asset`).
type SensorTag = {
    /// The tag name.
    Name: string
    /// Extra string fields, in source order.
    Fields: (string * string) list
}

/// A tag as written: a bare name or a `{name: ..., field: ...}` mapping (kept as written, spec §1.5.3).
[<RequireQualifiedAccess>]
type Tag =
    /// `- TAG-1`
    | Name of string
    /// `- {name: TAG-1, asset: x}`
    | Sensor of SensorTag

/// A data provider: its full class path and constructor arguments.
type DataProvider = {
    /// Full class path, e.g. gordo_core.data_providers.providers.RandomDataProvider.
    Type: string
    /// Constructor arguments as written (defaults filled in).
    Arguments: (string * Value) list
}

/// How gaps are filled after resampling.
[<RequireQualifiedAccess>]
type Interpolation =
    /// Linear interpolation inside gaps (pandas `interpolate`).
    | Linear
    /// Forward fill.
    | ForwardFill

/// `aggregation_methods`: one method, or a list (a list gives (tag, method) columns, even with
/// one element, as in Gordo).
[<RequireQualifiedAccess>]
type Aggregation =
    /// `aggregation_methods: mean`
    | Single of string
    /// `aggregation_methods: [mean, max]`
    | Several of string list

/// The `filter_periods` nuisance filter settings (spec §1.5).
type FilterPeriods = {
    /// median, quantile, iforest or all.
    FilterMethod: string
    /// Rolling window in rows.
    Window: int
    /// Inter-quantile-range multiplier.
    NIqr: float
    /// Smooth before the isolation forest.
    IforestSmooth: bool
    /// Isolation forest contamination.
    Contamination: float
    /// Lower quantile.
    QuantileLower: float
    /// Upper quantile.
    QuantileUpper: float
}

/// The dataset section with every key of spec §1.5 and its default.
type Dataset = {
    /// Full dataset class path (TimeSeriesDataset or RandomDataset).
    Type: string
    /// Inclusive start (timezone required).
    TrainStartDate: DateTimeOffset
    /// End, strictly after the start.
    TrainEndDate: DateTimeOffset
    /// Input tags.
    TagList: Tag list
    /// Target tags; None means "same as tag_list".
    TargetTagList: Tag list option
    /// Extra tags only usable by `row_filter`.
    AdditionalTags: Tag list option
    /// Fields applied to every string tag.
    DefaultTag: (string * string) list option
    /// Deprecated shortcut for `default_tag: {asset: ...}`.
    Asset: string option
    /// Where the data comes from.
    DataProvider: DataProvider
    /// Resampling bucket (pandas offset alias); None = no resampling.
    Resolution: string option
    /// Aggregation methods (one or several).
    AggregationMethods: Aggregation
    /// Gap filling.
    InterpolationMethod: Interpolation
    /// Largest gap filled (pandas Timedelta string); None = unlimited.
    InterpolationLimit: string option
    /// Row filter expressions (AND-ed).
    RowFilter: string list
    /// Rows removed around each filtered-out row.
    RowFilterBufferSize: int
    /// Expressions on `index` that select periods to keep.
    KnownFilterPeriods: string list
    /// Data with at most this many rows is an error.
    NSamplesThreshold: int
    /// Nuisance filter.
    FilterPeriods: FilterPeriods option
    /// Any other keys, kept as Gordo keeps them.
    Extra: (string * Value) list
}

/// Evaluation modes.
[<RequireQualifiedAccess>]
type CvMode =
    /// Cross-validate, then fit and save.
    | FullBuild
    /// Cross-validate only.
    | CrossValOnly
    /// Fit and save without cross-validation.
    | BuildOnly

/// The evaluation section (spec §1.6).
type Evaluation = {
    /// What to do.
    CvMode: CvMode
    /// Metric names (bare `sklearn.metrics` names).
    Metrics: string list
    /// Scaler applied to y before scoring; None disables.
    ScoringScaler: ModelSpec option
    /// Cross-validation splitter.
    Cv: ModelSpec
    /// Random seed.
    Seed: int
    /// Other keys.
    Extra: (string * Value) list
}

/// The `events` section: how anomaly events are cut from a model's scores (docs/events.md).
/// Thresholds are multiples of the model's threshold (`total-anomaly-confidence`).
type Events = {
    /// An event starts above this confidence.
    On: float
    /// ... and ends below this one (at most `On`).
    Off: float
    /// Shorter events are dropped.
    MinDuration: TimeSpan
    /// Closer events are merged.
    MergeGap: TimeSpan
    /// How many contributing tags an event lists.
    TopTags: int
}

/// The event settings used when a machine has no `events` section.
[<RequireQualifiedAccess>]
module Events =
    /// On 1.5, off 0.8, 30 minutes minimum, 2 hours merge gap, 3 tags (chosen on the sample plant).
    let defaults: Events = {
        On = 1.5
        Off = 0.8
        MinDuration = TimeSpan.FromMinutes 30.0
        MergeGap = TimeSpan.FromHours 2.0
        TopTags = 3
    }

    /// The settings as plain data (`{on, off, min_duration_sec, merge_gap_sec, top_tags}`), as
    /// the builder writes them to `build_metadata.model.event_settings`.
    let toValue (events: Events) : Value =
        Value.Map [
            "on", Value.Float events.On
            "off", Value.Float events.Off
            "min_duration_sec", Value.Float events.MinDuration.TotalSeconds
            "merge_gap_sec", Value.Float events.MergeGap.TotalSeconds
            "top_tags", Value.Int(int64 events.TopTags)
        ]

    /// Settings read back from `toValue`'s form; a missing or malformed key keeps its default.
    let ofValue (value: Value) : Events =
        let number key =
            match Value.tryGet key value with
            | Some(Value.Float f) when Double.IsFinite f -> Some f
            | Some(Value.Int i) -> Some(float i)
            | _ -> None

        let d = defaults

        {
            On = number "on" |> Option.defaultValue d.On
            Off = number "off" |> Option.defaultValue d.Off
            MinDuration =
                number "min_duration_sec"
                |> Option.map TimeSpan.FromSeconds
                |> Option.defaultValue d.MinDuration
            MergeGap =
                number "merge_gap_sec"
                |> Option.map TimeSpan.FromSeconds
                |> Option.defaultValue d.MergeGap
            TopTags = number "top_tags" |> Option.map int |> Option.defaultValue d.TopTags
        }

/// Requests or limits: memory in megabytes, cpu in millicores.
type ResourceAmounts = {
    /// Megabytes.
    Memory: int64 option
    /// Millicores.
    Cpu: int64 option
}

/// A pod's resources.
type PodResources = {
    /// Requests.
    Requests: ResourceAmounts
    /// Limits.
    Limits: ResourceAmounts
}

/// A runtime component (server, builder, client, ...).
type Component = {
    /// Container image.
    Image: string option
    /// Resources.
    Resources: PodResources
    /// Every other key of the component, kept verbatim (env, labels, volumeMounts, ...).
    Settings: (string * Value) list
}

/// The runtime section (spec §1.7); unknown keys are preserved in `Extra`.
type Runtime = {
    /// Reporter definitions.
    Reporters: Value list
    /// ML server.
    Server: Component
    /// Prometheus metrics sidecar.
    PrometheusMetricsServer: Component
    /// Model builder pod.
    Builder: Component
    /// Prediction client pod.
    Client: Component
    /// Influx (settings hold `enable`).
    Influx: Component
    /// Deployer utility image.
    Deployer: Component
    /// Overrides GORDO_LOG_LEVEL.
    LogLevel: string option
    /// Every other key (volumes, ...).
    Extra: (string * Value) list
}

/// User metadata, kept apart (Gordo nests it as user_defined.global-metadata / machine-metadata).
type Metadata = {
    /// `globals.metadata`.
    Global: Value
    /// The machine's own `metadata`.
    Machine: Value
}

/// A machine's normalized sections as plain data, as Gordo records them (`Machine.to_dict()`):
/// what the builder writes to metadata.json and hashes into the build cache key. Each is converted
/// from its merged tree on first use, so checking a config or generating a workflow never pays for
/// it. Equal when the three values are.
[<Sealed>]
type NormalizedSections(dataset: Lazy<Value>, evaluation: Lazy<Value>, runtime: Lazy<Value>) =
    let values () =
        dataset.Value, evaluation.Value, runtime.Value

    /// The dataset section after merging, in Gordo's `dataset.to_dict()` form (every default
    /// filled in; an empty mapping when there is none).
    member _.Dataset: Value = dataset.Value

    /// The evaluation section after merging.
    member _.Evaluation: Value = evaluation.Value

    /// The runtime section after merging.
    member _.Runtime: Value = runtime.Value

    override _.Equals(other: obj) =
        match other with
        | :? NormalizedSections as o -> values () = o.Values
        | _ -> false

    override _.GetHashCode() = hash (values ())

    member private _.Values = values ()

    interface System.IComparable with
        member _.CompareTo(other: obj) =
            match other with
            | :? NormalizedSections as o -> compare (values ()) o.Values
            | _ -> invalidArg "other" "not a NormalizedSections"

/// A normalized, checked machine.
type Machine = {
    /// URL-safe name.
    Name: string
    /// The project it belongs to.
    ProjectName: string
    /// Model definition.
    Model: ModelSpec
    /// Dataset.
    Dataset: Dataset
    /// Evaluation.
    Evaluation: Evaluation
    /// Runtime.
    Runtime: Runtime
    /// The `events` section merged machine-over-globals, defaults filled in; None when neither
    /// the machine nor the globals have one (the model then uses `Events.defaults`).
    Events: Events option
    /// User metadata.
    Metadata: Metadata
    /// The dataset, evaluation and runtime sections as written after normalization.
    Normalized: NormalizedSections
}

/// A normalized, checked project.
type Project = {
    /// Project name.
    Name: string
    /// Machines, in config order.
    Machines: Machine list
    /// The normalized globals (for the workflow compiler), as plain data.
    Globals: Value
}
