namespace Gordo.Client

open System
open System.Globalization
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Yaml
open Gordo.Data
open Microsoft.IO

/// A machine's data for a time range, as Gordo's client fetches it (spec §8.1 steps 1-2).
[<RequireQualifiedAccess>]
module ClientData =
    let private parse (what: string) (json: string) : Result<Node, string> =
        match Parse.text what (Parse.fileMap what) Parse.defaultLimits false json with
        | Ok(Some node, _) -> Ok node
        | Ok(None, _) -> Error $"%s{what} is empty"
        | Error d -> Error $"%s{what}: %s{d.Message}"

    /// The typed dataset of a machine's server metadata (`metadata.dataset`, canonical or not).
    let dataset (metadata: JsonElement) : Result<Dataset, string> =
        match metadata.TryGetProperty "dataset" with
        | true, d when d.ValueKind = JsonValueKind.Object ->
            parse "metadata.dataset" (d.GetRawText())
            |> Result.bind (fun node ->
                match Elaborate.dataset node with
                | Some ds, problems when not (List.exists Diagnostic.isError problems) -> Ok ds
                | _, problems ->
                    let errors =
                        problems
                        |> List.filter Diagnostic.isError
                        |> List.map (fun p -> $"%s{p.Path}: %s{p.Message}")

                    Error("the server's dataset cannot be used: " + String.Join("; ", errors)))
        | _ -> Error "dataset.type is empty: the server's metadata has no dataset"

    let private path (keys: string list) (e: JsonElement) : JsonElement option =
        keys
        |> List.fold
            (fun acc k ->
                acc
                |> Option.bind (fun (x: JsonElement) ->
                    match x.ValueKind, x.TryGetProperty(k: string) with
                    | JsonValueKind.Object, (true, v) -> Some v
                    | _ -> None))
            (Some e)

    /// `build_metadata.model.model_offset` (0 when absent).
    let modelOffset (metadata: JsonElement) : int =
        match path [ "metadata"; "build_metadata"; "model"; "model_offset" ] metadata with
        | Some v when v.ValueKind = JsonValueKind.Number -> v.GetInt32()
        | _ -> 0

    /// The tags of the build metadata (`dataset_meta.tag_loading_metadata.tags`), by name.
    let private builtTags (metadata: JsonElement) : Map<string, SensorTag> =
        match
            path
                [
                    "metadata"
                    "build_metadata"
                    "dataset"
                    "dataset_meta"
                    "tag_loading_metadata"
                    "tags"
                ]
                metadata
        with
        | Some tags when tags.ValueKind = JsonValueKind.Object ->
            [
                for t in tags.EnumerateObject() do
                    if t.Value.ValueKind = JsonValueKind.Object then
                        let fields = [
                            for f in t.Value.EnumerateObject() do
                                if f.Name <> "name" && f.Value.ValueKind = JsonValueKind.String then
                                    f.Name, f.Value.GetString()
                        ]

                        t.Name, { Name = t.Name; Fields = fields }
            ]
            |> Map.ofList
        | _ -> Map.empty

    /// The request of a range: the start moved back by `resolution × (model_offset + 5)`, tags
    /// from the build metadata, threshold 0, row filter without buffer, no known or nuisance
    /// period filters (`get_client_data`).
    let request
        (metadata: JsonElement)
        (ds: Dataset)
        (start: DateTimeOffset)
        (finish: DateTimeOffset)
        : Result<DatasetRequest, string> =
        DatasetRequest.ofConfig ds
        |> Result.mapError (fun e -> e.Message)
        |> Result.map (fun r ->
            let step = r.Resolution |> Option.defaultValue TimeSpan.Zero
            let back = TimeSpan.FromTicks(step.Ticks * int64 (modelOffset metadata + 5))
            let built = builtTags metadata

            let resolve (t: SensorTag) =
                built.TryFind t.Name |> Option.defaultValue t

            {
                r with
                    Start = start - back
                    Finish = finish
                    Tags = r.Tags |> List.map resolve
                    Targets = r.Targets |> List.map resolve
                    NSamplesThreshold = 0
                    RowFilterBufferSize = 0
                    KnownFilterPeriods = []
                    FilterPeriods = None
            })

    /// The provider: the client's replacement when given, else the dataset's own.
    let provider (replacement: DataProvider option) (ds: Dataset) : Result<IDataProvider, string> =
        let chosen =
            match replacement with
            | Some p -> { ds with DataProvider = p }
            | None -> ds

        DataProviderRegistry.forDataset chosen |> Result.mapError (fun e -> e.Message)

    /// Fetches X and y.
    let fetchAsync
        (provider: IDataProvider)
        (r: DatasetRequest)
        (cancel: CancellationToken)
        : Task<Result<Frame * Frame, string>> =
        task {
            let! result = Dataset.getFramesAsync provider r cancel
            return result |> Result.mapError (fun e -> e.Message)
        }

    let private writeDict (w: Utf8JsonWriter) (f: Frame) =
        let keys =
            Frame.timestamps f
            |> Array.map (fun t ->
                JsonEncodedText.Encode(t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)))

        w.WriteStartObject()

        for name, values in Array.zip f.Columns f.Data do
            w.WriteStartObject name

            for i in 0 .. keys.Length - 1 do
                if Double.IsNaN values.[i] then
                    w.WriteNull keys.[i]
                else
                    w.WriteNumber(keys.[i], values.[i])

            w.WriteEndObject()

        w.WriteEndObject()

    /// `{"X": dataframe_to_dict(X), "y": dataframe_to_dict(y)}`.
    let jsonBody (x: Frame) (y: Frame) : HttpContent =
        let buffer = new MemoryStream()

        do
            use w = new Utf8JsonWriter(buffer)
            w.WriteStartObject()
            w.WritePropertyName "X"
            writeDict w x
            w.WritePropertyName "y"
            writeDict w y
            w.WriteEndObject()

        let content = new ByteArrayContent(buffer.GetBuffer(), 0, int buffer.Length)
        content.Headers.ContentType <- Headers.MediaTypeHeaderValue("application/json")
        content

    /// Pooled blocks for the Parquet request bodies: a chunk's file is hundreds of kilobytes, a
    /// new large-object-heap array per file (and per doubling of a MemoryStream) would cost full
    /// collections.
    let private streams = RecyclableMemoryStreamManager()

    let private parquetOf (f: Frame) : Stream =
        let s = streams.GetStream "gordo-client-parquet-body"
        let stamps = f.Index |> Array.map (fun t -> Nullable(DateTime(t, DateTimeKind.Utc)))

        let columns =
            ("timestamp", WriteColumn.Times(stamps, true))
            :: (Array.zip f.Columns f.Data
                |> Array.map (fun (c, d) -> c, WriteColumn.Numbers d)
                |> List.ofArray)

        ParquetIO.writeColumns s [] columns
        s.Position <- 0L
        s

    /// Multipart files `X` and `y` as Parquet (their pooled streams are given back when the
    /// request, and so the content, is disposed).
    let parquetBody (x: Frame) (y: Frame) : HttpContent =
        let form = new MultipartFormDataContent()

        for name, f in [ "X", x; "y", y ] do
            let part = new StreamContent(parquetOf f)
            part.Headers.ContentType <- Headers.MediaTypeHeaderValue("application/octet-stream")
            form.Add(part, name, name + ".parquet")

        form :> HttpContent

    /// A data provider given as JSON or YAML text (or a file holding one): a mapping with a known
    /// `type` and its arguments (`--data-provider`, env `DATA_PROVIDER`).
    let parseDataProvider (what: string) (text: string) : Result<DataProvider, string> =
        let source = if File.Exists text then File.ReadAllText text else text

        match Parse.text what (Parse.fileMap what) Parse.defaultLimits false source with
        | Error d -> Error $"%s{what}: not JSON or YAML (%s{d.Message})"
        | Ok(None, _) -> Error $"%s{what}: empty"
        | Ok(Some node, _) ->
            match Value.ofNode node with
            | Value.Map entries ->
                match entries |> List.tryFind (fst >> (=) "type") with
                | Some(_, Value.String t) when (DataProviders.tryResolve t).IsSome ->
                    Ok {
                        Type = t
                        Arguments = entries |> List.filter (fst >> (<>) "type")
                    }
                | Some(_, Value.String t) -> Error $"%s{what}: unknown data provider type '%s{t}'"
                | _ -> Error $"%s{what}: data_provider.type is empty"
            | _ -> Error $"%s{what}: expected a mapping such as {{\"type\": \"InfluxDataProvider\", ...}}"
