namespace Gordo.Models.Definitions

open Gordo.Core
open Gordo.Core.Specs

/// Model definitions as plain values (the YAML/JSON shape of spec §2.1) and back.
[<RequireQualifiedAccess>]
module internal SpecValue =
    let private literals = Gordo.Core.Specs.Elaborate.literals
    let private stepListKeys = Gordo.Core.Specs.Elaborate.stepListKeys
    let private isClassLike = Gordo.Core.Specs.Elaborate.isClassLike

    let private canonical (path: string) =
        Catalog.tryFind path |> Option.map _.Path |> Option.defaultValue path

    /// The value form of a definition: `{class: {param: ...}}`, `{class: [steps]}` or a string.
    let rec ofSpec (spec: ModelSpec) : Value =
        match spec with
        | ModelSpec.Literal text -> Value.String text
        | ModelSpec.Steps(path, steps) -> Value.Map [ path, Value.List(steps |> List.map ofSpec) ]
        | ModelSpec.Class(path, parameters) ->
            Value.Map [ path, Value.Map(parameters |> List.map (fun (k, p) -> k, ofParameter p)) ]

    and private ofParameter (parameter: Parameter) : Value =
        match parameter with
        | Parameter.Plain v -> v
        | Parameter.Model m -> ofSpec m
        | Parameter.Items items -> Value.List(items |> List.map ofParameter)

    /// Reads a definition value (as `Elaborate.model` reads YAML, without diagnostics).
    let rec toSpec (value: Value) : ModelSpec =
        match value with
        | Value.String text when literals.Contains text -> ModelSpec.Literal text
        | Value.String path -> ModelSpec.Class(canonical path, [])
        | Value.Map [ path, Value.List steps ] -> ModelSpec.Steps(canonical path, steps |> List.map toSpec)
        | Value.Map [ path, Value.Map parameters ] ->
            ModelSpec.Class(canonical path, parameters |> List.map (fun (k, v) -> k, toParameter k v))
        | Value.Map [ path, Value.Null ] -> ModelSpec.Class(canonical path, [])
        | other -> raise (Gordo.Models.ModelDefinitionException($"not a model definition: %A{other}"))

    and private toParameter (key: string) (value: Value) : Parameter =
        match value with
        | Value.List items when stepListKeys.Contains key ->
            Parameter.Items(items |> List.map (toSpec >> Parameter.Model))
        | Value.List items ->
            let parameters = items |> List.map (toParameter "")

            if
                parameters
                |> List.forall (function
                    | Parameter.Plain _ -> true
                    | _ -> false)
            then
                Parameter.Plain value
            else
                Parameter.Items parameters
        | Value.String text when literals.Contains text && key = "" -> Parameter.Model(ModelSpec.Literal text)
        | Value.String text when isClassLike text -> Parameter.Model(toSpec value)
        | Value.Map [ k, _ ] when isClassLike k -> Parameter.Model(toSpec value)
        | _ -> Parameter.Plain value
