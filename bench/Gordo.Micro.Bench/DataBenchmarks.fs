/// The data layer's per-tag kernel: resampling one year of irregular minute data.
namespace Gordo.Micro.Bench

open System
open BenchmarkDotNet.Attributes
open Gordo.Core.Config
open Gordo.Data

/// One tag, one year of minute samples with +-20 s jitter, 2 % missing and 0.5 % NaN (as
/// bench/Gordo.Bench.Data), padded, bucketed to 10 minutes with the mean and interpolated
/// (limit 288 buckets): what `Dataset.getDataAsync` does per tag. The first and last minute are
/// left out: their jitter could fall outside the year, which the resampler rejects.
[<MemoryDiagnoser>]
type ResampleBench() =
    let start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
    let finish = start.AddYears 1

    let frame =
        let rng = Random 7
        let minutes = int (finish - start).TotalMinutes

        let keep = [|
            for i in 1 .. minutes - 2 do
                if rng.NextDouble() > 0.02 then
                    i
        |]

        let ticks =
            keep
            |> Array.map (fun i ->
                start.UtcTicks
                + int64 i * TimeSpan.TicksPerMinute
                + int64 ((rng.NextDouble() - 0.5) * 40.0 * float TimeSpan.TicksPerSecond))

        let values =
            keep
            |> Array.map (fun i ->
                if rng.NextDouble() < 0.005 then
                    nan
                else
                    sin (float i / 1440.0))

        {
            Index = ticks
            Offset = TimeSpan.Zero
            Columns = [| "TAG-000" |]
            Data = [| values |]
        }

    /// `Resample.series` with the mean and linear interpolation.
    [<Benchmark>]
    member _.ResampleYear() =
        match
            Resample.series
                start
                finish
                (TimeSpan.FromMinutes 10.0)
                [ "mean" ]
                false
                Interpolation.Linear
                (Some 288)
                frame
        with
        | Ok resampled -> resampled
        | Error e -> failwithf "resample failed: %A" e
