namespace Gordo.Data

open Gordo.Core

open System
open System.Threading.Tasks
open Gordo.Core.Config

/// `RandomDataProvider(min_size=100, max_size=300)`: per tag a random number of samples at
/// random instants in the range, values uniform in [0, 1). Deterministic: the generator of each
/// tag is seeded from `seed` and the tag name, so results do not depend on tag order.
type internal RandomDataProvider(minSize: int, maxSize: int, seed: int) =

    static let fnv (s: string) =
        s
        |> Seq.fold (fun (h: uint32) c -> (h ^^^ uint32 c) * 16777619u) 2166136261u
        |> int

    /// The canonical class path.
    static member TypeName = "gordo_core.data_providers.providers.RandomDataProvider"

    /// One tag's series (exposed for tests and the sample generator).
    member _.Series (start: DateTimeOffset) (finish: DateTimeOffset) (tag: string) : Frame =
        let rng = Random(seed ^^^ fnv tag)
        let n = rng.Next(minSize, maxSize + 1)
        let span = finish.UtcTicks - start.UtcTicks

        let ticks =
            Array.init n (fun _ -> start.UtcTicks + int64 (rng.NextDouble() * float span))

        let values = Array.init n (fun _ -> rng.NextDouble())
        Frame.ofUnsorted start.Offset tag ticks values

    interface IDataProvider with
        member _.TypeName = RandomDataProvider.TypeName

        member this.LoadAsync(start, finish, tags, _) =
            tags
            |> List.map (fun t -> this.Series start finish t.Name)
            |> Ok
            |> Task.FromResult
