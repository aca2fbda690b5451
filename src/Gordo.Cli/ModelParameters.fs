namespace Gordo.Cli

open System.Text.RegularExpressions
open Fluid
open Gordo.Core
open Gordo.Core.Yaml

/// `gordo build --model-parameter key,value`: a machine payload whose `model` is a string is a
/// Jinja template (strict undefined) rendered with these parameters, then parsed as YAML (spec §6.2).
[<RequireQualifiedAccess>]
module ModelParameters =
    let private parser = FluidParser()

    let private variable =
        Regex(@"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Compiled)

    /// Splits `key,value` (exactly one comma, as Gordo's click parameter type demands).
    let parse (text: string) : Result<string * string, string> =
        match text.Split ',' with
        | [| key; value |] when key.Trim() <> "" -> Ok(key.Trim(), value)
        | _ -> Error $"--model-parameter '%s{text}' is not KEY,VALUE (one comma), e.g. --model-parameter epochs,10"

    /// Renders a model template; an undefined variable is Gordo's `ValueError("Model parameter missing value!")`.
    let render (parameters: (string * string) list) (template: string) : Result<string, string> =
        let known = parameters |> List.map fst |> Set.ofList

        let missing =
            variable.Matches template
            |> Seq.map _.Groups.[1].Value
            |> Seq.filter (known.Contains >> not)
            |> Seq.distinct
            |> List.ofSeq

        let mutable fluid: IFluidTemplate = null
        let mutable error = ""

        if not missing.IsEmpty then
            Error $"""Model parameter missing value! (undefined: %s{String.concat ", " missing})"""
        elif not (parser.TryParse(template, &fluid, &error)) then
            Error $"the model template does not parse: %s{error}"
        else
            let context = TemplateContext()

            for key, value in parameters do
                context.SetValue(key, value) |> ignore

            Ok(fluid.Render context)

    /// The payload with a string `model` rendered and parsed (other payloads unchanged).
    let expand (parameters: (string * string) list) (payload: Value) : Result<Value, string> =
        match payload, Value.tryGet "model" payload with
        | Value.Map entries, Some(Value.String template) ->
            render parameters template
            |> Result.bind (fun text ->
                match Parse.text "model" (Parse.fileMap "model") Parse.defaultLimits false text with
                | Ok(Some node, _) -> Ok(Value.ofNode node)
                | Ok(None, _) -> Error "the rendered model template is empty"
                | Error d -> Error $"the rendered model is not valid YAML: %s{d.Message}")
            |> Result.map (fun model ->
                Value.Map(entries |> List.map (fun (k, v) -> k, (if k = "model" then model else v))))
        | _ -> Ok payload
