namespace Gordo.Core

open System.Collections.Generic
open System.Threading

/// Remembering the results of pure functions of config text.
[<RequireQualifiedAccess>]
module internal Memo =
    /// Remembers a pure text parser's results: a config repeats a handful of dates and
    /// resolutions across thousands of machines. Each thread keeps its own table (no locks
    /// between the cores elaborating machines), of at most `capacity` texts; others are parsed
    /// every time.
    let texts (capacity: int) (parse: string -> 'T) : string -> 'T =
        let tables =
            new ThreadLocal<Dictionary<string, 'T>>(fun () -> Dictionary<string, 'T>())

        fun text ->
            if isNull text then
                parse text
            else
                let table = tables.Value

                match table.TryGetValue text with
                | true, result -> result
                | _ ->
                    let result = parse text

                    if table.Count < capacity then
                        table[text] <- result

                    result
