namespace Gordo.Core.Config

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.Json
open Gordo.Core
open Gordo.Core.Yaml
open YamlDotNet.Core
open YamlDotNet.Core.Events

/// Printing values and normalized projects as YAML or JSON (the compiler's dump-the-AST output).
[<RequireQualifiedAccess>]
module Print =
    /// A float as text that YAML 1.1 (PyYAML) reads back as a float.
    let internal floatText (f: float) : string =
        if Double.IsNaN f then
            ".nan"
        elif Double.IsPositiveInfinity f then
            ".inf"
        elif Double.IsNegativeInfinity f then
            "-.inf"
        else
            let text = f.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e")

            match text.IndexOf 'e' with
            | -1 when text.Contains '.' -> text
            | -1 -> text + ".0"
            | e when text.Substring(0, e).Contains '.' -> text
            | e -> text.Substring(0, e) + ".0" + text.Substring e

    let private emitScalar (emitter: IEmitter) (text: string) (quoted: bool) =
        let style =
            if quoted then
                YamlDotNet.Core.ScalarStyle.DoubleQuoted
            else
                YamlDotNet.Core.ScalarStyle.Any

        emitter.Emit(Events.Scalar(AnchorName.Empty, TagName.Empty, text, style, true, true))

    let rec private emitValue (emitter: IEmitter) (value: Value) =
        match value with
        | Value.Null -> emitScalar emitter "null" false
        | Value.Bool b -> emitScalar emitter (if b then "true" else "false") false
        | Value.Int i -> emitScalar emitter (i.ToString CultureInfo.InvariantCulture) false
        | Value.Float f -> emitScalar emitter (floatText f) false
        | Value.String s ->
            let needsQuotes =
                Scalar.resolve s Gordo.Core.Yaml.ScalarStyle.Plain <> Scalar.String s
                || s.Trim() <> s

            emitScalar emitter s needsQuotes
        | Value.List items ->
            emitter.Emit(SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Any))
            items |> List.iter (emitValue emitter)
            emitter.Emit(SequenceEnd())
        | Value.Map entries ->
            emitter.Emit(MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Any))

            for key, item in entries do
                emitValue emitter (Value.String key)
                emitValue emitter item

            emitter.Emit(MappingEnd())

    /// A value as a YAML document.
    let yaml (value: Value) : string =
        use writer = new StringWriter()
        let emitter = Emitter(writer)
        emitter.Emit(StreamStart())
        emitter.Emit(DocumentStart(null, null, true))
        emitValue emitter value
        emitter.Emit(DocumentEnd(true))
        emitter.Emit(StreamEnd())
        writer.ToString()

    /// Writes a value as JSON (non-finite floats become null). Shared by every JSON writer of values.
    let rec writeJson (writer: Utf8JsonWriter) (value: Value) =
        match value with
        | Value.Null -> writer.WriteNullValue()
        | Value.Bool b -> writer.WriteBooleanValue b
        | Value.Int i -> writer.WriteNumberValue i
        | Value.Float f when Double.IsFinite f -> writer.WriteNumberValue f
        | Value.Float _ -> writer.WriteNullValue()
        | Value.String s -> writer.WriteStringValue s
        | Value.List items ->
            writer.WriteStartArray()
            items |> List.iter (writeJson writer)
            writer.WriteEndArray()
        | Value.Map entries ->
            writer.WriteStartObject()

            for key, item in entries do
                writer.WritePropertyName key
                writeJson writer item

            writer.WriteEndObject()

    /// A value as indented JSON (non-finite floats become null).
    let json (value: Value) : string =
        use stream = new MemoryStream()

        do
            use writer =
                new Utf8JsonWriter(
                    stream,
                    JsonWriterOptions(
                        Indented = true,
                        Encoder = Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
                    )
                )

            writeJson writer value

        Encoding.UTF8.GetString(stream.ToArray())

    let private machineValue (machine: MachineTree) : Value =
        let section key (node: Node option) =
            node |> Option.map (fun n -> key, Value.ofNode n) |> Option.toList

        Value.Map(
            [
                "name", machine.Raw.Name |> Option.map Value.ofNode |> Option.defaultValue Value.Null
            ]
            @ section "model" machine.Model
            @ (machine.Dataset
               |> Option.map (fun n -> "dataset", CanonicalDataset.ofValue (Value.ofNode n))
               |> Option.toList)
            @ section "evaluation" machine.Evaluation
            @ section "runtime" machine.Runtime
            @ section "metadata" machine.Metadata
            @ section "events" machine.Events
        )

    /// The normalized project as a bare config (`globals` + `machines`), which reads back to the
    /// same project.
    let normalized (project: ProjectTree) : Value =
        Value.Map [
            "globals", Value.ofNode project.Globals
            "machines", project.Machines |> List.map machineValue |> Value.List
        ]
