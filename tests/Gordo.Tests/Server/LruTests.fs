module Gordo.Tests.Server.LruTests

open System.Threading
open System.Threading.Tasks
open Expecto
open Gordo.Server

[<Tests>]
let tests =
    testList "Server.Lru" [
        test "concurrent first requests create the value once" {
            let lru = Lru<string, int>(4)
            let mutable created = 0

            let create _ =
                Interlocked.Increment &created |> ignore
                Thread.Sleep 50
                42

            let results =
                Array.init 16 (fun _ -> Task.Run(fun () -> lru.GetOrAdd("m", create)))
                |> Array.map _.Result

            Expect.equal created 1 "created once"
            Expect.allEqual results 42 "same value"
        }
        test "bounded by count, least recently used evicted" {
            let lru = Lru<int, int>(2)
            lru.GetOrAdd(1, id) |> ignore
            lru.GetOrAdd(2, id) |> ignore
            lru.GetOrAdd(1, id) |> ignore
            lru.GetOrAdd(3, id) |> ignore
            Expect.equal lru.Keys [ 3; 1 ] "2 evicted"
        }
        test "a failed creation is not cached" {
            let lru = Lru<int, int>(2)
            Expect.throws (fun () -> lru.GetOrAdd(1, (fun _ -> invalidOp "boom")) |> ignore) "fails"
            Expect.equal (lru.GetOrAdd(1, id)) 1 "retried"
        }
    ]
