namespace Gordo.Models.Artifacts

open System
open System.IO
open System.Text
open System.Text.Json
open Gordo.Core

/// Plain values as JSON (NaN and ±inf are written as null, as the DESIGN decides).
[<RequireQualifiedAccess>]
module Json =
    let private write (w: Utf8JsonWriter) (value: Value) =
        Gordo.Core.Config.Print.writeJson w value

    /// Indented UTF-8 JSON of a value.
    let toBytes (value: Value) : byte[] =
        use stream = new MemoryStream()

        using (new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))) (fun w ->
            write w value
            w.Flush())

        stream.ToArray()

    /// JSON text of a value.
    let toText (value: Value) : string = Encoding.UTF8.GetString(toBytes value)

    let rec private read (e: JsonElement) : Value =
        match e.ValueKind with
        | JsonValueKind.Null
        | JsonValueKind.Undefined -> Value.Null
        | JsonValueKind.True -> Value.Bool true
        | JsonValueKind.False -> Value.Bool false
        | JsonValueKind.String -> Value.String(e.GetString())
        | JsonValueKind.Number ->
            let raw = e.GetRawText()

            match e.TryGetInt64() with
            | true, i when raw.IndexOfAny([| '.'; 'e'; 'E' |]) < 0 -> Value.Int i
            | _ -> Value.Float(e.GetDouble())
        | JsonValueKind.Array -> e.EnumerateArray() |> Seq.map read |> List.ofSeq |> Value.List
        | _ ->
            e.EnumerateObject()
            |> Seq.map (fun p -> p.Name, read p.Value)
            |> List.ofSeq
            |> Value.Map

    /// Parses JSON bytes into a value (throws JsonException on malformed input).
    let ofBytes (bytes: byte[]) : Value =
        use doc = JsonDocument.Parse(ReadOnlyMemory bytes)
        read doc.RootElement
