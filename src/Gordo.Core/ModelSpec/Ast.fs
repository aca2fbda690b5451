namespace Gordo.Core.Specs

open Gordo.Core

/// A model definition as written in a config (spec §2.1): a tree of class paths and parameters.
[<RequireQualifiedAccess>]
type ModelSpec =
    /// A class with keyword parameters: `Class` (no parameters) or `{Class: {param: ...}}`.
    | Class of classPath: string * parameters: (string * Parameter) list
    /// A composite given in list form: `{sklearn.pipeline.Pipeline: [step, ...]}`.
    | Steps of classPath: string * steps: ModelSpec list
    /// A bare string that is not a class: scikit-learn's `drop` and `passthrough`.
    | Literal of string

/// A parameter value of a model class.
and [<RequireQualifiedAccess>] Parameter =
    /// A nested estimator (`base_estimator:`, `regressor:`, `kind:` of a raw Keras model, ...).
    | Model of ModelSpec
    /// A list whose items may be estimators (`steps:`, `transformer_list:`, `callbacks:`, ...).
    | Items of Parameter list
    /// Plain data (numbers, strings, lists, mappings).
    | Plain of Value

/// Small queries over model definitions.
[<RequireQualifiedAccess>]
module ModelSpec =
    /// The class path at the root of a definition ("" for a literal).
    let classPath (spec: ModelSpec) : string =
        match spec with
        | ModelSpec.Class(path, _)
        | ModelSpec.Steps(path, _) -> path
        | ModelSpec.Literal _ -> ""

    /// Every class path used in the definition, depth first.
    let rec classPaths (spec: ModelSpec) : string list =
        let rec ofParameter parameter =
            match parameter with
            | Parameter.Model inner -> classPaths inner
            | Parameter.Items items -> items |> List.collect ofParameter
            | Parameter.Plain _ -> []

        match spec with
        | ModelSpec.Class(path, parameters) -> path :: (parameters |> List.collect (snd >> ofParameter))
        | ModelSpec.Steps(path, steps) -> path :: (steps |> List.collect classPaths)
        | ModelSpec.Literal _ -> []
