namespace Gordo.Core.Specs

open Gordo.Core
open Gordo.Core.Yaml

/// Turns a model definition node into a ModelSpec, checking it against the catalog as it goes
/// (spec §2.1): unknown classes and parameters, wrong parameter types, legacy paths.
[<RequireQualifiedAccess>]
module Elaborate =
    /// Bare strings that are steps but not classes (scikit-learn's `drop` and `passthrough`).
    let literals: Set<string> = set [ "drop"; "passthrough" ]

    /// Parameters whose list value is a list of steps.
    let stepListKeys: Set<string> =
        set [ "steps"; "transformer_list"; "layers"; "callbacks" ]

    /// True when a string names a class: a catalog path, or a dotted path ending in a capitalised name.
    let isClassLike (text: string) : bool =
        Catalog.isKnown text
        || (text.Contains '.'
            && not (text.Contains ' ')
            && (let last = text.Substring(text.LastIndexOf '.' + 1)
                last <> "" && System.Char.IsUpper last.[0]))

    let private rawModel = "gordo.machine.model.models.KerasRawModelRegressor"

    let private typeName (classPath: string) : string =
        classPath.Substring(classPath.LastIndexOf '.' + 1)

    /// True for the Keras wrappers whose `kind` names a network factory.
    let private isFactoryWrapper (classPath: string) : bool =
        classPath.StartsWith "gordo.machine.model.models."
        && (NetworkKinds.familyOfType (typeName classPath)).IsSome

    let private valueOf (entries: Entry list) (key: string) : Node option =
        entries |> List.tryFind (fun e -> e.Key = key) |> Option.map _.Value

    let private isNullNode (node: Node) =
        match node.Value with
        | NodeValue.Scalar(text, style) -> Scalar.resolve text style = Scalar.Null
        | _ -> false

    /// The class a definition's output comes from (a pipeline's last step, recursively) and
    /// whether that class predicts; None when not known (a literal, an unknown class).
    let rec private finalClass (spec: ModelSpec) : (string * bool) option =
        let lastModel (items: Parameter list) =
            match List.tryLast items with
            | Some(Parameter.Model m) -> finalClass m
            | _ -> None

        match spec with
        | ModelSpec.Steps("sklearn.pipeline.Pipeline", steps) -> List.tryLast steps |> Option.bind finalClass
        | ModelSpec.Class("sklearn.pipeline.Pipeline", parameters) ->
            match List.tryFind (fst >> (=) "steps") parameters with
            | Some(_, Parameter.Items items) -> lastModel items
            | _ -> None
        | ModelSpec.Literal _ -> None
        | _ ->
            let path = ModelSpec.classPath spec

            Catalog.tryFind path
            |> Option.bind (fun entry ->
                match entry.Kind with
                | ClassKind.Regressor
                | ClassKind.Network
                | ClassKind.AnomalyDetector -> Some(path, true)
                | ClassKind.Transformer
                | ClassKind.Composite -> Some(path, false)
                | _ -> None)

    /// An anomaly detector's base_estimator must predict: its output is compared with the
    /// targets column by column (Gordo's build fails in cross-validation; ours would serve 500s).
    let private predictingBase (detector: string) (entries: Entry list) (parameters: (string * Parameter) list) =
        match List.tryFind (fst >> (=) "base_estimator") parameters, valueOf entries "base_estimator" with
        | Some(_, Parameter.Model spec), Some node ->
            match finalClass spec with
            | Some(last, false) -> [ Problem.at node (Problem.BaseEstimatorCannotPredict(detector, last)) ]
            | _ -> []
        | _ -> []

    /// Resolves a class path through the catalog: the canonical path and its diagnostics.
    let private resolveClass (node: Node) (path: string) : string * CatalogEntry option * Diagnostic list =
        let notImplemented (entry: CatalogEntry) =
            match entry.Support with
            | Support.Implemented -> []
            | Support.NotImplemented hint -> [ Problem.at node (Problem.ClassNotImplemented(entry.Path, hint)) ]

        match Catalog.lookup path with
        | Lookup.Found entry -> entry.Path, Some entry, notImplemented entry
        | Lookup.FoundLegacy entry ->
            entry.Path,
            Some entry,
            Problem.at node (Problem.LegacyClassPath(path, entry.Path))
            :: notImplemented entry
        | Lookup.NotFound suggestion -> path, None, [ Problem.at node (Problem.UnknownModelClass(path, suggestion)) ]

    let rec private step (node: Node) : ModelSpec * Diagnostic list =
        match node.Value with
        | NodeValue.Scalar(text, ScalarStyle.Plain)
        | NodeValue.Scalar(text, ScalarStyle.Quoted) when literals.Contains text -> ModelSpec.Literal text, []
        | NodeValue.Scalar(text, _) when text.Contains '.' && not (text.Contains ' ') ->
            let path, entry, diagnostics = resolveClass node text

            let missing =
                entry |> Option.map (missingRequired node path []) |> Option.defaultValue []

            ModelSpec.Class(path, []), diagnostics @ missing
        | NodeValue.Scalar(text, _) ->
            ModelSpec.Literal text,
            [
                Problem.at node (Problem.UnknownModelClass(text, Catalog.lookup text |> suggestionOf))
            ]
        | NodeValue.Mapping [ entry ] -> classStep node entry
        | _ -> ModelSpec.Literal "", [ Problem.at node (Problem.InvalidModelStep(Node.describe node)) ]

    and private suggestionOf (lookup: Lookup) =
        match lookup with
        | Lookup.NotFound suggestion -> suggestion
        | _ -> None

    and private classStep (node: Node) (entry: Entry) : ModelSpec * Diagnostic list =
        let keyNode = {
            node with
                Position = entry.KeyPosition
        }

        let path, catalogEntry, classDiagnostics = resolveClass keyNode entry.Key

        match entry.Value.Value with
        | NodeValue.Sequence items ->
            let steps, diagnostics = items |> List.map step |> List.unzip
            ModelSpec.Steps(path, steps), classDiagnostics @ List.concat diagnostics
        | NodeValue.Mapping entries ->
            let parameters, diagnostics =
                entries |> List.map (parameter path catalogEntry) |> List.unzip

            let missing =
                catalogEntry
                |> Option.map (missingRequired keyNode path (entries |> List.map _.Key))
                |> Option.defaultValue []

            let training =
                match catalogEntry with
                | Some e when e.Kind = ClassKind.Network -> TrainingCheck.wrapper entries
                | Some e when e.Kind = ClassKind.AnomalyDetector -> predictingBase path entries parameters
                | _ -> []

            ModelSpec.Class(path, parameters), classDiagnostics @ List.concat diagnostics @ missing @ training
        | _ when isNullNode entry.Value ->
            ModelSpec.Class(path, []),
            classDiagnostics
            @ [
                Problem.at
                    entry.Value
                    (Problem.InvalidModelParameterValue(
                        path,
                        "(parameters)",
                        "parameters are null; write the class path alone or '{}'"
                    ))
            ]
        | _ ->
            ModelSpec.Class(path, []),
            classDiagnostics
            @ [
                Problem.at
                    entry.Value
                    (Problem.WrongType("a mapping of parameters or a list of steps", Node.describe entry.Value))
            ]

    and private missingRequired (node: Node) (path: string) (given: string list) (entry: CatalogEntry) =
        entry.Parameters
        |> List.filter (fun p -> p.Required && not (List.contains p.Name given))
        |> List.map (fun p -> Problem.at node (Problem.MissingModelParameter(path, p.Name)))

    and private parameter
        (classPath: string)
        (entry: CatalogEntry option)
        (e: Entry)
        : (string * Parameter) * Diagnostic list =
        let keyNode = {
            e.Value with
                Position = e.KeyPosition
        }

        let spec, unknown =
            match entry with
            | None -> None, []
            | Some catalogEntry ->
                match Catalog.tryParameter catalogEntry e.Key with
                | Some spec -> Some spec, []
                | None ->
                    let suggestion = Suggest.closest (catalogEntry.Parameters |> List.map _.Name) e.Key

                    let problem =
                        if catalogEntry.OpenParameters then
                            Problem.IgnoredModelParameter(classPath, e.Key, suggestion)
                        else
                            Problem.UnknownModelParameter(classPath, e.Key, suggestion)

                    None, [ Problem.at keyNode problem ]

        let value, diagnostics =
            if e.Key = "kind" && isFactoryWrapper classPath then
                Parameter.Plain(Value.ofNode e.Value), factoryKind classPath e.Value
            else
                parameterValue e.Key e.Value

        let typeProblems =
            spec |> Option.map (checkType classPath e.Value value) |> Option.defaultValue []

        let rawProblems =
            if classPath = rawModel && e.Key = "kind" then
                rawKind e.Value
            else
                []

        (e.Key, value), unknown @ diagnostics @ typeProblems @ rawProblems

    /// The `kind` of a Keras wrapper built by a factory: a registered name or Gordo's dotted path
    /// to one (spec §2.3), checked as Gordo checks it (the function too, which Gordo does at fit).
    and private factoryKind (classPath: string) (node: Node) : Diagnostic list =
        match Value.ofNode node with
        | Value.String kind ->
            match NetworkKinds.resolve (typeName classPath) kind with
            | Ok _ -> []
            | Error message -> [
                Problem.at node (Problem.InvalidModelParameterValue(classPath, "kind", message))
              ]
        | _ -> []

    /// The `kind` of a `KerasRawModelRegressor` stays plain data (Gordo reads it at fit), but its
    /// `spec` Sequential and `compile.optimizer` are checked like any definition, and the keys
    /// Gordo requires must be there.
    and private rawKind (node: Node) : Diagnostic list =
        let problem message = [
            Problem.at node (Problem.InvalidModelParameterValue(rawModel, "kind", message))
        ]

        match node.Value with
        | NodeValue.Mapping entries ->
            match valueOf entries "spec", valueOf entries "compile" with
            | Some spec, Some compile -> rawSpec spec @ rawCompile compile
            | _ ->
                let keys = entries |> List.map _.Key |> String.concat ", "

                problem (
                    $"Expected spec to have keys: ('spec', 'compile'), but found [%s{keys}]; add "
                    + "'spec: {tensorflow.keras.models.Sequential: {layers: [...]}}' and 'compile: {loss: mse, optimizer: adam}'"
                )
        | _ -> []

    and private rawSpec (node: Node) : Diagnostic list =
        let spec, diagnostics = step node

        if
            diagnostics.IsEmpty
            && ModelSpec.classPath spec = "tensorflow.keras.models.Sequential"
        then
            rawLayers node spec
        elif diagnostics.IsEmpty then
            [
                Problem.at
                    node
                    (Problem.InvalidModelParameterValue(
                        rawModel,
                        "kind.spec",
                        "must be a tensorflow.keras.models.Sequential with 'layers' (Dense, LSTM, Dropout)"
                    ))
            ]
        else
            diagnostics

    /// Dense settings the trainers do not implement: no bias, a kernel regulariser, an activity
    /// regulariser other than L1 (a Sequential's layers are plain data to Keras until `fit`).
    and private rawLayers (node: Node) (spec: ModelSpec) : Diagnostic list =
        let dense = "tensorflow.keras.layers.Dense"

        let problem message = [
            Problem.at node (Problem.InvalidModelParameterValue(dense, "layers", message))
        ]

        let check (parameters: (string * Parameter) list) =
            parameters
            |> List.collect (fun (name, value) ->
                match name, value with
                | "use_bias", Parameter.Plain(Value.Bool false) ->
                    problem "use_bias: false is not implemented by the .NET trainers"
                | "kernel_regularizer", Parameter.Plain Value.Null -> []
                | "kernel_regularizer", _ ->
                    problem "kernel_regularizer is not implemented; use activity_regularizer L1"
                | _ -> [])

        match spec with
        | ModelSpec.Class(_, parameters) ->
            parameters
            |> List.collect (function
                | "layers", Parameter.Items items ->
                    items
                    |> List.collect (function
                        | Parameter.Model(ModelSpec.Class(path, layer)) when path = dense -> check layer
                        | _ -> [])
                | _ -> [])
        | _ -> []

    and private rawCompile (node: Node) : Diagnostic list =
        let problem message = [
            Problem.at node (Problem.InvalidModelParameterValue(rawModel, "kind.compile", message))
        ]

        match node.Value with
        | NodeValue.Mapping entries ->
            let loss =
                match valueOf entries "loss" with
                | Some node -> TrainingCheck.loss node
                | None -> problem "needs a 'loss' (e.g. 'loss: mse')"

            let optimizer =
                match valueOf entries "optimizer" with
                | Some o ->
                    match o.Value with
                    | NodeValue.Mapping [ entry ] when isClassLike entry.Key -> snd (step o)
                    | _ -> TrainingCheck.optimizer o |> fst
                | None -> []

            loss @ optimizer
        | _ -> problem "must be a mapping of compile arguments (loss, optimizer, metrics)"

    and private checkType (classPath: string) (node: Node) (value: Parameter) (spec: ParameterSpec) =
        match value with
        | Parameter.Plain plain when not (ParameterCheck.fits spec.Type plain) -> [
            Problem.at
                node
                (Problem.ModelParameterType(
                    classPath,
                    spec.Name,
                    ParameterCheck.describeType spec.Type,
                    ParameterCheck.describeValue plain
                ))
          ]
        | _ -> []

    /// A parameter value: nested estimators and step lists are elaborated, the rest is plain data.
    and private parameterValue (key: string) (node: Node) : Parameter * Diagnostic list =
        match node.Value with
        | NodeValue.Sequence items when stepListKeys.Contains key ->
            let steps, diagnostics = items |> List.map step |> List.unzip
            Parameter.Items(steps |> List.map Parameter.Model), List.concat diagnostics
        | NodeValue.Sequence items ->
            let values, diagnostics = items |> List.map (parameterValue "") |> List.unzip

            if
                values
                |> List.forall (function
                    | Parameter.Plain _ -> true
                    | _ -> false)
            then
                Parameter.Plain(Value.ofNode node), List.concat diagnostics
            else
                Parameter.Items values, List.concat diagnostics
        | NodeValue.Scalar(text, _) when literals.Contains text && key = "" ->
            Parameter.Model(ModelSpec.Literal text), []
        | NodeValue.Scalar(text, _) when isClassLike text ->
            let spec, diagnostics = step node
            Parameter.Model spec, diagnostics
        | NodeValue.Mapping [ entry ] when isClassLike entry.Key ->
            let spec, diagnostics = step node
            Parameter.Model spec, diagnostics
        | _ -> Parameter.Plain(Value.ofNode node), []

    /// Elaborates and checks a model definition node.
    let model (node: Node) : ModelSpec * Diagnostic list = step node
