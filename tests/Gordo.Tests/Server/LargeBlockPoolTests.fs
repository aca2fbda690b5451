module Gordo.Tests.Server.LargeBlockPoolTests

open System
open System.Buffers
open System.Net.Http
open System.Runtime.CompilerServices
open System.Text
open System.Text.Json
open Microsoft.AspNetCore.Connections
open Expecto
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

let private same (a: IMemoryOwner<byte>) (b: IMemoryOwner<byte>) =
    Unsafe.AreSame(&a.Memory.Span.[0], &b.Memory.Span.[0])

/// `{"X": T, "y": T}` in pandas dict form, `n` rows of the fixture's data repeated.
let private body (n: int) =
    let t0 = DateTime(2020, 3, 10, 0, 0, 0)

    let table =
        [
            for j in 0 .. tags.Length - 1 ->
                [
                    for i in 0 .. n - 1 ->
                        sprintf
                            "\"%s\": %.17g"
                            (t0.AddMinutes(10.0 * float i).ToString "yyyy-MM-ddTHH:mm:ss")
                            (data.[i % 120, j] + float (i / 120))
                ]
                |> String.concat ", "
                |> sprintf "\"%s\": {%s}" tags.[j]
        ]
        |> String.concat ", "

    $"""{{"X": {{%s{table}}}, "y": {{%s{table}}}}}"""

/// The `data` object of an anomaly reply, as text.
let private dataOf (text: string) =
    JsonDocument.Parse(text).RootElement.GetProperty("data").GetRawText()

[<Tests>]
let tests =
    testList "LargeBlockPool: Kestrel's buffers in large blocks" [
        test "a returned block is handed out again, whole" {
            use pool = new LargeBlockPool(65536, 4)
            let first = pool.Rent 100
            Expect.equal first.Memory.Length 65536 "block size"
            first.Dispose()
            use again = pool.Rent 4096
            Expect.isTrue (same first again) "the same block again"
        }

        test "a block disposed twice is handed out once" {
            use pool = new LargeBlockPool(1024, 4)
            let block = pool.Rent 1
            block.Dispose()
            block.Dispose()
            use a = pool.Rent 1
            use b = pool.Rent 1
            Expect.isFalse (same a b) "two renters, two blocks"
        }

        test "at most `keep` free blocks are kept" {
            use pool = new LargeBlockPool(1024, 1)
            let rented = [ for _ in 1..3 -> pool.Rent 1 ]

            for b in rented do
                b.Dispose()

            let again = [ for _ in 1..3 -> pool.Rent 1 ]
            let reused = again |> List.filter (fun a -> rented |> List.exists (same a))
            Expect.equal reused.Length 1 "one block kept"
        }

        test "a request larger than a block gets its own memory" {
            use pool = new LargeBlockPool(1024, 4)
            use big = pool.Rent 5000
            Expect.isGreaterThanOrEqual big.Memory.Length 5000 "size"
        }

        test "the server's own host gives Kestrel large blocks" {
            let app = serveApp (config (collectionDir ()))
            let factory = app.Services.GetService typeof<IMemoryPoolFactory<byte>>
            Expect.isTrue (factory :? LargeBlockPoolFactory) $"the memory pool factory is %O{factory.GetType()}"
        }

        test "over real Kestrel, a 150 KB body and its 500 KB reply arrive whole" {
            let payload = body 400
            Expect.isGreaterThan (Encoding.UTF8.GetByteCount payload) (2 * 65536) "the body spans several blocks"
            let path = "/gordo/v0/proj/detector/anomaly/prediction"
            let expected = post (client ()) path payload
            Expect.equal expected.Status 200 expected.Text
            use http = new HttpClient(BaseAddress = Uri(LiveServer.start (collectionDir ())))
            let live = post http path payload
            Expect.equal live.Status 200 live.Text
            Expect.isGreaterThan live.Text.Length (4 * 65536) "the reply spans several blocks"
            Expect.equal (dataOf live.Text) (dataOf expected.Text) "same data as the in-memory test server"
        }
    ]
