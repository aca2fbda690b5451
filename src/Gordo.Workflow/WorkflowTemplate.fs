namespace Gordo.Workflow

open Gordo.Core

open System
open System.Collections
open System.Collections.Generic
open System.IO
open System.Text
open System.Text.Encodings.Web
open System.Text.Json
open System.Threading.Tasks
open Fluid
open Fluid.Values
open Microsoft.FSharp.Reflection

/// A workflow template that cannot be used.
[<RequireQualifiedAccess>]
type TemplateError =
    /// The template is not valid Liquid.
    | Syntax of template: string * message: string
    /// Rendering failed (e.g. an undefined variable: templates are rendered strictly).
    | Render of template: string * message: string

    /// The message printed to the user.
    member this.Message: string =
        match this with
        | Syntax(t, m) -> $"workflow template %s{t}: syntax error: %s{m}"
        | Render(t, m) -> $"workflow template %s{t}: %s{m}"

/// A parsed workflow template and the name it was read from.
[<NoEquality; NoComparison>]
type internal WorkflowTemplate = {
    /// Where the template came from (file path, or the built-in template's name).
    Source: string
    /// The parsed Liquid template.
    Template: IFluidTemplate
}

/// Parsing and rendering Liquid workflow templates (Fluid) with a `WorkflowContext`.
[<RequireQualifiedAccess>]
module internal WorkflowTemplates =

    /// Name of the built-in template (templates/argo-workflow.yaml.liquid).
    [<Literal>]
    let BuiltInName = "argo-workflow.yaml.liquid"

    /// The text of the built-in template.
    let builtInText () : string =
        use stream =
            typeof<WorkflowContext>.Assembly.GetManifestResourceStream("Gordo.Workflow.templates." + BuiltInName)

        use reader = new StreamReader(stream, Encoding.UTF8)
        reader.ReadToEnd()

    let private parser = FluidParser()

    /// Parses a template.
    let parse (source: string) (text: string) : Result<WorkflowTemplate, TemplateError> =
        let mutable template: IFluidTemplate = null
        let mutable error: string = null

        if parser.TryParse(text, &template, &error) then
            Ok { Source = source; Template = template }
        else
            Error(TemplateError.Syntax(source, error))

    let private jsonOptions =
        JsonSerializerOptions(Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)

    let private printableAscii (text: string) : bool =
        not (text.AsSpan().ContainsAnyExceptInRange(' ', '~'))

    /// Printable ASCII with `"` and `\\` escaped: what the JSON serializer writes for such text.
    let private quoteAscii (text: string) : string =
        let extra = text.AsSpan().Count('"') + text.AsSpan().Count('\\')
        let sb = StringBuilder(text.Length + extra + 2)
        sb.Append '"' |> ignore

        for c in text do
            if c = '"' || c = '\\' then
                sb.Append '\\' |> ignore

            sb.Append c |> ignore

        sb.Append('"').ToString()

    let private quoteUncached (text: string) : string =
        if printableAscii text then
            quoteAscii text
        else
            JsonSerializer.Serialize(text, jsonOptions)

    /// Long strings quoted already (the same project-wide list is quoted in every split workflow).
    let private quotedLong =
        System.Runtime.CompilerServices.ConditionalWeakTable<string, string>()

    /// A string as a JSON string literal, which is also a valid YAML double-quoted scalar.
    let quote (text: string) : string =
        if text.Length < 4096 then
            quoteUncached text
        else
            quotedLong.GetValue(text, fun t -> quoteUncached t)

    let private filter (f: FluidValue -> FilterArguments -> FluidValue) =
        FilterDelegate(fun input args _ -> ValueTask<FluidValue>(f input args))

    let private options =
        let o =
            TemplateOptions(
                StrictVariables = true,
                Trimming = (TrimmingFlags.TagLeft ||| TrimmingFlags.TagRight),
                Greedy = false
            )

        o.Filters.AddFilter("quote", filter (fun input _ -> StringValue(quote (input.ToStringValue()))))

        o.Filters.AddFilter(
            "input",
            filter (fun input _ -> StringValue("{{inputs.parameters." + input.ToStringValue() + "}}"))
        )

        o

    /// `ProjectName` → `project_name`.
    let snakeCase (name: string) : string =
        let sb = StringBuilder()

        name
        |> Seq.iteri (fun i c ->
            if Char.IsUpper c && i > 0 then
                sb.Append('_') |> ignore

            sb.Append(Char.ToLowerInvariant c) |> ignore)

        sb.ToString()

    /// Field names (snake_case) and a compiled reader per record type. The context records are
    /// internal, so reflection must be allowed to see non-public representations.
    let private readers =
        System.Collections.Concurrent.ConcurrentDictionary<Type, string[] * (obj -> obj[])>()

    let private readerOf (t: Type) : string[] * (obj -> obj[]) =
        readers.GetOrAdd(
            t,
            fun t ->
                let names =
                    FSharpType.GetRecordFields(t, allowAccessToPrivateRepresentation = true)
                    |> Array.map (fun f -> snakeCase f.Name)

                names, FSharpValue.PreComputeRecordReader(t, allowAccessToPrivateRepresentation = true)
        )

    let private isRecord =
        System.Collections.Concurrent.ConcurrentDictionary<Type, bool>()

    let rec private plain (value: obj) : obj =
        match value with
        | null -> null
        | :? string
        | :? bool
        | :? int
        | :? int64 -> value
        | :? IEnumerable as items -> [| for item in items -> plain item |] :> obj
        | v when
            isRecord.GetOrAdd(v.GetType(), (fun t -> FSharpType.IsRecord(t, allowAccessToPrivateRepresentation = true)))
            ->
            record v :> obj
        | v -> invalidArg (nameof value) $"unsupported context value of type %s{v.GetType().Name}"

    and private record (value: obj) : Dictionary<string, obj> =
        let names, read = readerOf (value.GetType())
        let values = read value
        let d = Dictionary<string, obj>(names.Length, StringComparer.Ordinal)

        for i in 0 .. names.Length - 1 do
            d[names[i]] <- plain values[i]

        d

    /// The context as the plain dictionaries, arrays and scalars that templates see.
    let templateModel (context: WorkflowContext) : Dictionary<string, obj> = record context

    /// Renders a template with a context; `capacity` is the expected length of the text.
    let renderSized
        (template: WorkflowTemplate)
        (capacity: int)
        (context: WorkflowContext)
        : Result<string, TemplateError> =
        let ctx = TemplateContext(options)

        for kv in templateModel context do
            ctx.SetValue(kv.Key, FluidValue.Create(kv.Value, options)) |> ignore

        try
            use writer = new StringWriter(StringBuilder(max capacity 256))
            let pending = template.Template.RenderAsync(writer, NullEncoder.Default, ctx)

            if not pending.IsCompletedSuccessfully then
                pending.AsTask().GetAwaiter().GetResult()

            Ok(writer.ToString())
        with
        | :? FluidException as e -> Error(TemplateError.Render(template.Source, e.Message))
        | :? InvalidOperationException as e -> Error(TemplateError.Render(template.Source, e.Message))

    /// Renders a template with a context.
    let render (template: WorkflowTemplate) (context: WorkflowContext) : Result<string, TemplateError> =
        renderSized template 0 context
