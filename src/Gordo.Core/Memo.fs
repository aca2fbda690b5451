namespace Gordo.Core

open System.Collections.Concurrent
open System.Threading

/// Remembering the results of pure functions of config text.
[<RequireQualifiedAccess>]
module Memo =
    /// Remembers a pure text parser's results, safely across threads: a config repeats a
    /// handful of dates and resolutions across thousands of machines. At most `capacity` texts
    /// are kept; others are parsed every time.
    let texts (capacity: int) (parse: string -> 'T) : string -> 'T =
        // Many lock stripes and room up front: adds from both cores rarely wait on each other.
        let cache = ConcurrentDictionary<string, 'T>(64, capacity)
        let kept = ref 0

        fun text ->
            if isNull text then
                parse text
            else
                match cache.TryGetValue text with
                | true, result -> result
                | _ ->
                    let result = parse text

                    if kept.Value < capacity && cache.TryAdd(text, result) then
                        Interlocked.Increment &kept.contents |> ignore

                    result
