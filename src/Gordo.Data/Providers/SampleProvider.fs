namespace Gordo.Data

open Gordo.Core

open System
open System.Threading.Tasks

/// `SamplePlantDataProvider(seed=42, interval="1min")`: the sample plant of `gordo data generate`
/// generated in memory for any requested period (no files, no server). Tags are the plant's
/// names (`PLANT-FT-011.PV`, `PLANT-PT-011.PV`, `PLANT-TT-011.PV`, `PLANT-VT-011.PV` for
/// machine 1, `...-021.PV` for machine 2, ...); the same seed and interval give the same values
/// as the generated files. A Gordo-for-.NET extension: Gordo itself has no such provider.
type SamplePlantDataProvider(seed: int, interval: TimeSpan) =

    /// The canonical class path.
    static member TypeName = "gordo_core.data_providers.providers.SamplePlantDataProvider"

    /// The seed of the plant.
    member _.Seed: int = seed

    /// The sampling interval.
    member _.Interval: TimeSpan = interval

    interface IDataProvider with
        member _.TypeName = SamplePlantDataProvider.TypeName

        member _.LoadAsync(start, finish, tags, _) =
            let cache = Collections.Generic.Dictionary<int, int64[] * float[][]>()

            let machine m =
                match cache.TryGetValue m with
                | true, d -> d
                | _ ->
                    let d = SamplePlant.machineData seed interval m start finish
                    cache.[m] <- d
                    d

            let load (tag: Gordo.Core.Config.SensorTag) =
                match SamplePlant.tryParseTag tag.Name with
                | None ->
                    Error(ProviderError.MissingTag(tag.Name, "the sample plant (tags are PLANT-FT|PT|TT|VT-NN1.PV)"))
                | Some(m, k) ->
                    let index, data = machine m

                    Ok {
                        Index = index
                        Offset = start.Offset
                        Columns = [| tag.Name |]
                        Data = [| data.[k] |]
                    }

            let rec all acc rest =
                match rest with
                | [] -> Ok(List.rev acc)
                | t :: more -> load t |> Result.bind (fun f -> all (f :: acc) more)

            Task.FromResult(all [] tags)
