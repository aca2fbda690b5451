namespace Gordo.Core.Specs

open Gordo.Core

/// The type a model parameter accepts (checked without loading any model code).
[<RequireQualifiedAccess>]
type ParameterType =
    /// Any value.
    | Any
    /// An integer.
    | Int
    /// A number (integers are accepted).
    | Float
    /// A boolean.
    | Bool
    /// A string.
    | String
    /// One of the given strings.
    | OneOf of string list
    /// A list whose items have the given type.
    | ListOf of ParameterType
    /// A mapping of plain values.
    | Mapping
    /// An estimator definition (class path string or `{Class: params}`).
    | Estimator
    /// A list of estimator definitions (steps).
    | StepList
    /// A dotted path to a function (`numpy.mean`, `...multiply_by`).
    | Function
    /// Either of two types.
    | Either of ParameterType * ParameterType
    /// null or the given type.
    | Nullable of ParameterType
    /// Only this value (scikit-learn's default) is implemented; `why` says what to do instead.
    | Only of value: Value * why: string

/// A parameter of a catalog class: name, accepted type and the default Gordo/scikit-learn uses.
type ParameterSpec = {
    /// The keyword name.
    Name: string
    /// What it accepts.
    Type: ParameterType
    /// Its default value (used by `into_definition`-style expansion).
    Default: Value
    /// True when the class cannot be built without it.
    Required: bool
}

/// What role a catalog class plays (the checker uses it to reject, e.g., a splitter as a model).
[<RequireQualifiedAccess>]
type ClassKind =
    /// fit/transform.
    | Transformer
    /// fit/predict.
    | Regressor
    /// A Keras-backed network estimator.
    | Network
    /// A Gordo anomaly detector.
    | AnomalyDetector
    /// Pipeline, FeatureUnion, ColumnTransformer, ...
    | Composite
    /// A cross-validation splitter.
    | Splitter
    /// A Keras building block (layer, optimizer, callback, model container).
    | KerasPart
    /// A plain function referenced by path.
    | Function

/// Whether Gordo for .NET builds a name of the catalog (a class, optimizer, loss, metric or
/// filter method). `gordo validate` rejects what is not implemented, so nothing it accepts fails
/// in the builder.
[<RequireQualifiedAccess>]
type Support =
    /// Built by the model back end (Gordo.Models, Gordo.Build, Gordo.Data).
    | Implemented
    /// Known to Gordo but not built here yet; the hint says what to use instead.
    | NotImplemented of hint: string

/// One supported class path with its aliases and parameter schema.
type CatalogEntry = {
    /// The canonical class path (Gordo 6 / scikit-learn public path).
    Path: string
    /// Other accepted paths (private modules, e.g. `sklearn.preprocessing._data.MinMaxScaler`).
    Aliases: string list
    /// Legacy paths accepted with a warning.
    Legacy: string list
    /// Its role.
    Kind: ClassKind
    /// Its parameters, in constructor order.
    Parameters: ParameterSpec list
    /// When set, parameters not listed are passed through (Keras `**kwargs`) instead of rejected.
    OpenParameters: bool
    /// Whether the back end constructs it.
    Support: Support
}

/// Helpers for writing catalog entries tersely.
module internal CatalogDsl =
    let p name typ dflt = {
        Name = name
        Type = typ
        Default = dflt
        Required = false
    }

    let req name typ = {
        Name = name
        Type = typ
        Default = Value.Null
        Required = true
    }

    let entry kind path aliases parameters = {
        Path = path
        Aliases = aliases
        Legacy = []
        Kind = kind
        Parameters = parameters
        OpenParameters = false
        Support = Support.Implemented
    }

    let legacy paths (e: CatalogEntry) = { e with Legacy = paths }
    let openParameters (e: CatalogEntry) = { e with OpenParameters = true }

    /// Marks an entry as known but not built yet (validate rejects it with the hint).
    let notImplemented hint (e: CatalogEntry) = {
        e with
            Support = Support.NotImplemented hint
    }

    let nullable t = ParameterType.Nullable t

    /// A parameter of which only its default is implemented here.
    let only (value: Value) (why: string) = ParameterType.Only(value, why)
    let str (s: string) = Value.String s
    let int (i: int) = Value.Int(int64 i)
    let flt (f: float) = Value.Float f
    let yes = Value.Bool true
    let no = Value.Bool false
    let nul = Value.Null
    let ints (xs: int list) = xs |> List.map int |> Value.List
    let strs (xs: string list) = xs |> List.map str |> Value.List
