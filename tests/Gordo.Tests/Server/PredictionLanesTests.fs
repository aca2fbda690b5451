module Gordo.Tests.Server.PredictionLanesTests

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open Gordo.Server

/// How long a test waits for something that should happen at once.
let private patience = TimeSpan.FromSeconds 10.0

/// A work item that signals `started`, then blocks until `release` is set.
let private blocking (started: ManualResetEventSlim) (release: ManualResetEventSlim) () =
    started.Set()
    release.Wait patience |> ignore
    "released"

/// The exception a task ends with (fails the test when it succeeds).
let private failure (task: Task) : exn =
    try
        task.Wait patience |> ignore
        failtest "the task succeeded"
    with :? AggregateException as e ->
        e.InnerException

[<Tests>]
let tests =
    testList "Server.PredictionLanes" [
        test "the result and the exception of the work reach the caller" {
            use lanes = new PredictionLanes(1)
            Expect.equal (lanes.Run((fun () -> 6 * 7), CancellationToken.None).Result) 42 "result"

            let failed = lanes.Run((fun () -> invalidOp "no model"), CancellationToken.None)
            let e = failure failed
            Expect.isTrue (e :? InvalidOperationException) "the work's own exception"
            Expect.equal e.Message "no model" "its message"
        }
        test "work runs on a lane, not on the caller's thread or the thread pool" {
            use lanes = new PredictionLanes(1)

            let name, pooled =
                lanes
                    .Run(
                        (fun () -> Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread),
                        CancellationToken.None
                    )
                    .Result

            Expect.equal name "gordo-predict-0" "lane thread"
            Expect.isFalse pooled "not a pool thread"
        }
        test "the caller's async-local values reach the work (IHttpContextAccessor, Activity, log scopes)" {
            let local = AsyncLocal<string>()
            local.Value <- "startup"
            use lanes = new PredictionLanes(1)
            local.Value <- "request 7"
            Expect.equal (lanes.Run((fun () -> local.Value), CancellationToken.None).Result) "request 7" "flows"
            local.Value <- "request 8"
            Expect.equal (lanes.Run((fun () -> local.Value), CancellationToken.None).Result) "request 8" "each its own"

            use _ = ExecutionContext.SuppressFlow()

            Expect.isNull
                (lanes.Run((fun () -> local.Value), CancellationToken.None).Result)
                "nothing from the context the lanes were made in"

            use made = new PredictionLanes(1)
            Expect.equal (made.Run((fun () -> 1), CancellationToken.None).Result) 1 "made while the flow is suppressed"
        }
        test "one lane runs work one at a time in arrival order" {
            use lanes = new PredictionLanes(1)
            let order = Collections.Concurrent.ConcurrentQueue<int>()
            let mutable running = 0
            let mutable most = 0

            let work i () =
                let now = Interlocked.Increment &running
                most <- max most now
                Thread.Sleep 2
                order.Enqueue i
                Interlocked.Decrement &running |> ignore

            let tasks = Array.init 20 (fun i -> lanes.Run(work i, CancellationToken.None))
            Task.WaitAll(tasks |> Array.map (fun t -> t :> Task), patience) |> ignore
            Expect.equal (List.ofSeq order) [ 0..19 ] "arrival order"
            Expect.equal most 1 "never two at once"
        }
        test "two lanes run two pieces of work at once" {
            use lanes = new PredictionLanes(2)
            use both = new Barrier(2)
            let meet () = both.SignalAndWait patience
            let a = lanes.Run(meet, CancellationToken.None)
            let b = lanes.Run(meet, CancellationToken.None)
            Expect.equal (a.Result, b.Result) (true, true) "both met while running"
            Expect.equal lanes.Count 2 "lanes"
        }
        test "work whose request is cancelled while it waits does not run" {
            use lanes = new PredictionLanes(1)
            use started = new ManualResetEventSlim()
            use release = new ManualResetEventSlim()
            let first = lanes.Run(blocking started release, CancellationToken.None)
            Expect.isTrue (started.Wait patience) "the lane is busy"
            use cancel = new CancellationTokenSource()
            let mutable ran = false
            let second = lanes.Run((fun () -> ran <- true), cancel.Token)
            cancel.Cancel()
            release.Set()
            Expect.equal first.Result "released" "first ends"
            Expect.isTrue (failure second :? TaskCanceledException) "second cancelled"
            Expect.isFalse ran "never ran"
        }
        test "continuations do not run on the lane" {
            use lanes = new PredictionLanes(1)

            let continued =
                lanes
                    .Run((fun () -> ()), CancellationToken.None)
                    .ContinueWith(
                        (fun (_: Task<unit>) -> Thread.CurrentThread.Name),
                        TaskContinuationOptions.ExecuteSynchronously
                    )

            Expect.notEqual continued.Result "gordo-predict-0" "the lane is free for the next request"
        }
        test "dispose finishes queued work, then refuses new work with a clear error" {
            let lanes = new PredictionLanes(1)
            use started = new ManualResetEventSlim()
            use release = new ManualResetEventSlim()
            let first = lanes.Run(blocking started release, CancellationToken.None)
            let queued = lanes.Run((fun () -> "queued"), CancellationToken.None)
            Expect.isTrue (started.Wait patience) "the lane is busy"
            release.Set()
            (lanes :> IDisposable).Dispose()
            Expect.equal (first.Result, queued.Result) ("released", "queued") "queued work finished"
            let late = lanes.Run((fun () -> "late"), CancellationToken.None)
            let e = failure late
            Expect.isTrue (e :? ObjectDisposedException) "refused"
            Expect.stringContains e.Message "shutting down" "says why"
        }
    ]
