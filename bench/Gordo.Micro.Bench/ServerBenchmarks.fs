/// The ML server's request path without HTTP (bench/server/run.sh measures it with HTTP):
/// POST .../anomaly/prediction with 100 rows x 10 tags as X and y in pandas dict form.
namespace Gordo.Micro.Bench

open System
open System.IO
open BenchmarkDotNet.Attributes
open Gordo.Server

/// Reading the body, the anomaly handler, writing the reply, and all three together.
[<MemoryDiagnoser>]
type RequestPathBench() =
    let mutable revision = ""
    let mutable body = ReadOnlyMemory<byte>()
    let mutable store = Unchecked.defaultof<ModelStore>
    let mutable parsed = Map.empty<string, InputTable option>
    // The project page's ring is fed by the handler, as in the server.
    let recent = RecentScores(ServerConfig.defaults.RecentRows, 10)

    // An anomaly table of 100 rows x 10 tags with the server's column groups, for `FeedRing`.
    let feedTimes =
        Array.init 100 (fun i -> DateTimeOffset(2020, 1, 5, 0, 0, 0, TimeSpan.Zero).AddMinutes(10.0 * float i))

    let feedColumns = [
        for top in
            [
                "model-input"
                "model-output"
                "tag-anomaly-scaled"
                "tag-anomaly-unscaled"
                "anomaly-confidence"
            ] do
            for j in 0..9 -> (top, $"tag-%d{j}"), Array.init 100 (fun i -> float (i + j))
        for total in [ "total-anomaly-scaled"; "total-anomaly-unscaled"; "total-anomaly-confidence" ] ->
            (total, ""), Array.init 100 float
    ]

    let feedRecent = RecentScores(ServerConfig.defaults.RecentRows, 10)

    let contextWith (query: string -> string option) (input: string -> InputTable option) : RequestContext =
        let config = {
            ServerConfig.defaults with
                ModelCollectionDir = Some revision
        }

        {
            Path = "/gordo/v0/bench/bench-model/anomaly/prediction"
            Config = config
            Store = store
            Recent = recent
            Revision = { Name = "1"; Directory = revision }
            Model = "bench-model"
            Query = query
            Input = input
            Route = fun _ -> None
        }

    let context = contextWith (fun _ -> None)

    // `?quality=true`: the data-quality columns besides the anomaly table (issue 21).
    let qualityContext =
        contextWith (function
            | "quality" -> Some "true"
            | _ -> None)

    /// The reply written as the server writes it; its length in bytes. The buffer has room for
    /// the largest reply (with `?quality=true`, about 290 KB), as the server's has once warm (a
    /// quarter above its largest reply so far): growing it would be counted as the reply's cost.
    let write (reply: Reply) : int =
        use buffer =
            new CommunityToolkit.HighPerformance.Buffers.ArrayPoolBufferWriter<byte>(400_000)

        Reply.render "1" reply.Body buffer |> ignore
        buffer.WrittenCount

    let read () =
        let tables = InputJson.tables body
        tables "X", tables "y"

    /// Trains and saves the model, makes the body, loads the model once.
    [<GlobalSetup>]
    member _.Setup() =
        revision <- Fixtures.serverRevision "bench-model"
        body <- ReadOnlyMemory(Fixtures.predictionBody ())
        store <- ModelStore(ServerConfig.defaults)
        let x, y = read ()
        parsed <- Map.ofList [ "X", x; "y", y ]

        for ctx in [ context; qualityContext ] do
            match (Handlers.anomaly (ctx (fun key -> parsed.[key]))).Status with
            | 200 -> ()
            | status -> failwithf "the anomaly handler answered %d" status

    /// Removes the revision.
    [<GlobalCleanup>]
    member _.Cleanup() = Directory.Delete(revision, true)

    /// `InputJson.tables`: X and y read from the body.
    [<Benchmark>]
    member _.ReadInput() : obj = box (read ())

    /// The anomaly handler and the JSON reply, input already read.
    [<Benchmark>]
    member _.HandlerAndReply() =
        write (Handlers.anomaly (context (fun key -> parsed.[key])))

    /// `HandlerAndReply` with `?quality=true` (issue 21: what the flags add).
    [<Benchmark>]
    member _.HandlerAndReplyQuality() =
        write (Handlers.anomaly (qualityContext (fun key -> parsed.[key])))

    /// The project page's ring fed with one request's anomaly table (100 x 10; part of
    /// `HandlerAndReply` and `WholePath`, measured alone).
    [<Benchmark>]
    member _.FeedRing() =
        feedRecent.Feed("revision", "bench-model", feedTimes, feedColumns)

    /// Body to reply bytes: what one request costs the server besides HTTP.
    [<Benchmark>]
    member _.WholePath() =
        let x, y = read ()

        let input =
            function
            | "X" -> x
            | "y" -> y
            | _ -> None

        write (Handlers.anomaly (context input))

/// The 11 data-quality columns of a `?quality=true` reply (100 rows x 10 tags) written as the
/// reply writes them: what the flags add to writing the reply (issue 21).
[<MemoryDiagnoser>]
type QualityReplyBench() =
    let rows = 100

    let table: OutputTable = {
        Rows =
            RowLabels.Times(
                Array.init rows (fun i -> DateTimeOffset(2020, 1, 5, 0, 0, 0, TimeSpan.Zero).AddMinutes(10.0 * float i)),
                false
            )
        Frequency = Some(TimeSpan.FromMinutes 10.0)
        Columns =
            List.init 10 (fun j ->
                ("data-quality", $"tag-%d{j}"), Array.init rows (fun i -> if i % 17 = j then 8.0 else 0.0))
            @ [
                ("total-data-quality", ""), Array.init rows (fun i -> if i % 17 < 10 then 8.0 else 0.0)
            ]
    }

    let buffer =
        new CommunityToolkit.HighPerformance.Buffers.ArrayPoolBufferWriter<byte>(100_000)

    /// `OutputFrame.write` of the flag columns (with `start` and `end`, as every table has).
    [<Benchmark>]
    member _.Write() =
        buffer.Clear()
        OutputFrame.write buffer table
        buffer.WrittenCount
