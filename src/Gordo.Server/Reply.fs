namespace Gordo.Server

open CommunityToolkit.HighPerformance.Buffers
open System
open System.Text
open System.Text.Json
open Gordo.Core

/// The body of a response.
[<RequireQualifiedAccess>]
type internal Body =
    /// A JSON document (top-level objects get a `revision` key appended).
    | Json of Value
    /// An HTML page (Flask-style error pages).
    | Html of string
    /// A top-level JSON object `{"data": ..., extra..., "revision": ...}` whose `data` value
    /// `write` writes straight into the response bytes.
    | JsonData of write: (ArrayPoolBufferWriter<byte> -> unit) * extra: (string * Value) list
    /// Binary content with its content type.
    | Bytes of byte[] * contentType: string
    /// A static file of the project page (cached by browsers, revalidated by its ETag).
    | Asset of byte[] * contentType: string * etag: string
    /// No body.
    | Empty

/// What a handler answers: a status code and a body.
type internal Reply = {
    /// HTTP status code.
    Status: int
    /// The body.
    Body: Body
}

/// An expected failure that ends a request with a specific reply (mapped at the edge).
type internal HttpErrorException(reply: Reply) =
    inherit Exception(sprintf "HTTP %d" reply.Status)
    /// The reply to send.
    member _.Reply = reply

/// Building replies.
[<RequireQualifiedAccess>]
module internal Reply =
    /// 200 with a JSON object of the given entries.
    let ok (entries: (string * Value) list) : Reply = {
        Status = 200
        Body = Body.Json(Value.Map entries)
    }

    /// 200 with `{"data": ..., extra...}`, the data written by `write` straight into the
    /// response bytes.
    let okData (write: ArrayPoolBufferWriter<byte> -> unit) (extra: (string * Value) list) : Reply = {
        Status = 200
        Body = Body.JsonData(write, extra)
    }

    /// A JSON error reply `{key: message}`.
    let jsonError (status: int) (key: string) (message: string) : Reply = {
        Status = status
        Body = Body.Json(Value.Map [ key, Value.String message ])
    }

    /// A Flask-style HTML error page.
    let html (status: int) (title: string) (message: string) : Reply =
        let encode (s: string) = Net.WebUtility.HtmlEncode s

        {
            Status = status
            Body =
                Body.Html(
                    $"<!doctype html>\n<html lang=en>\n<title>%d{status} %s{encode title}</title>\n<h1>%s{encode title}</h1>\n<p>%s{encode message}</p>\n"
                )
        }

    /// Raises an `HttpErrorException` with the reply.
    let fail (reply: Reply) : 'T = raise (HttpErrorException reply)

    /// Sorts the keys of every object, recursively (Flask's `sort_keys`).
    let rec sortKeys (value: Value) : Value =
        match value with
        | Value.Map entries ->
            entries
            |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))
            |> List.map (fun (k, v) -> k, sortKeys v)
            |> Value.Map
        | Value.List items -> Value.List(items |> List.map sortKeys)
        | other -> other

    let private write (w: Utf8JsonWriter) (value: Value) =
        Gordo.Core.Config.Print.writeJson w value

    let private relaxed = Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping

    /// Writer options of every JSON reply: like Flask's `jsonify`, `+`, `'` and non-ASCII text
    /// are written as they are, not as `\uXXXX` escapes.
    let writerOptions: JsonWriterOptions = JsonWriterOptions(Encoder = relaxed)

    /// Whether the JSON text of `s` is `s` itself: printable ASCII without `"` and `\`.
    let private plainAscii (s: string) =
        s |> String.forall (fun c -> c >= ' ' && c <= '~' && c <> '"' && c <> '\\')

    /// Writes `"name":`, the name escaped as `writerOptions` escape it (names are nearly always
    /// plain ASCII, written without the encoder's allocation).
    let writeName (output: Buffers.IBufferWriter<byte>) (name: string) : unit =
        BufferWriter.write output "\""B

        if plainAscii name then
            output.Advance(Encoding.ASCII.GetBytes(name.AsSpan(), output.GetSpan name.Length))
        else
            BufferWriter.writeSpan output (JsonEncodedText.Encode(name, relaxed).EncodedUtf8Bytes)

        BufferWriter.write output "\":"B

    /// `{"data":` + data + `,"key":value` for each extra entry and the revision + `}`: the
    /// bytes the writer would give, with the data written in place.
    let private data (output: ArrayPoolBufferWriter<byte>) (writeData: ArrayPoolBufferWriter<byte> -> unit) entries =
        BufferWriter.write output "{\"data\":"B
        writeData output

        for key, value in entries do
            BufferWriter.write output ","B
            writeName output key
            using (new Utf8JsonWriter(output, writerOptions)) (fun w -> write w value)

        BufferWriter.write output "}"B

    /// Renders a body into `output` and returns its content type (None: no body); a top-level
    /// JSON object gets `"revision": revision` appended as its last key.
    let render (revision: string) (body: Body) (output: ArrayPoolBufferWriter<byte>) : string option =
        let json (write: Utf8JsonWriter -> unit) =
            using (new Utf8JsonWriter(output, writerOptions)) write
            Some "application/json"

        let withRevision (entries: Utf8JsonWriter -> unit) (w: Utf8JsonWriter) =
            w.WriteStartObject()
            entries w
            w.WriteString("revision", revision)
            w.WriteEndObject()

        match body with
        | Body.Json(Value.Map entries) ->
            json (
                withRevision (fun w ->
                    for key, value in entries do
                        if key <> "revision" then
                            w.WritePropertyName key
                            write w value)
            )
        | Body.Json other -> json (fun w -> write w other)
        | Body.JsonData(write, extra) ->
            data output write (extra @ [ "revision", Value.String revision ])
            Some "application/json"
        | Body.Html text ->
            Encoding.UTF8.GetBytes(text.AsSpan(), output) |> ignore
            Some "text/html; charset=utf-8"
        | Body.Bytes(bytes, contentType)
        | Body.Asset(bytes, contentType, _) ->
            BufferWriter.write output bytes
            Some contentType
        | Body.Empty -> None
