namespace Gordo.Core

/// Per-machine work of the config compiler.
[<RequireQualifiedAccess>]
module internal Machines =
    /// Below this many machines the work is done on one core (threads would cost more).
    let private parallelFrom = 256

    /// Maps a pure function over the machines in order, on every core for large projects.
    let map (f: 'T -> 'U) (machines: 'T list) : 'U list =
        if List.length machines < parallelFrom then
            List.map f machines
        else
            machines |> Array.ofList |> Array.Parallel.map f |> List.ofArray

    /// `map` with each machine's index.
    let mapi (f: int -> 'T -> 'U) (machines: 'T list) : 'U list =
        machines |> List.indexed |> map (fun (i, m) -> f i m)
