module Gordo.Tests.Data.SampleDataTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data

let private options = { SampleData.defaults with Days = 3 }

[<Tests>]
let tests =
    testList "Data.SampleData" [
        test "deterministic, 4 tags per machine, gaps and events" {
            let f, events = SampleData.generate options
            let g, _ = SampleData.generate options
            Expect.equal f g "same seed, same data"
            Expect.equal f.Columns.Length 12 "3 machines x 4 tags"
            Expect.equal (Frame.length f) (3 * 1440) "one row a minute"
            Expect.isTrue (f.Data |> Array.exists (Array.exists Double.IsNaN)) "gaps"
            let finish = options.Start.AddDays(3.0).AddTicks -1L

            let expected =
                options.Machines
                |> List.mapi (fun m name -> SamplePlant.events options.Seed name m options.Start finish)
                |> List.concat

            Expect.equal events expected "the plant's events of the period"
            Expect.isTrue (events |> List.exists (fun e -> e.Kind = "gap")) "gaps"
        }
        test "flow and pressure are correlated (shared load)" {
            let f, _ = SampleData.generate options

            let pairs =
                Array.zip f.Data.[0] f.Data.[1]
                |> Array.filter (fun (a, b) -> not (Double.IsNaN a || Double.IsNaN b))

            let xs, ys = Array.map fst pairs, Array.map snd pairs
            let mx, my = Array.average xs, Array.average ys
            let cov = Array.map2 (fun x y -> (x - mx) * (y - my)) xs ys |> Array.sum
            let sx = xs |> Array.sumBy (fun x -> (x - mx) ** 2.0) |> sqrt
            let sy = ys |> Array.sumBy (fun y -> (y - my) ** 2.0) |> sqrt
            Expect.isGreaterThan (cov / (sx * sy)) 0.8 "correlation"
        }
        test "written files feed get_data through FileDataProvider" {
            let dir =
                Path.Combine(Path.GetTempPath(), "gordo-sample-" + Guid.NewGuid().ToString("N"))

            let written = SampleData.write dir options

            Expect.equal
                (written |> List.map Path.GetFileName)
                [ "data.parquet"; "events.csv"; "gordo-config.yaml" ]
                "files"

            let provider =
                DataProviderRegistry.create {
                    Type = "FileDataProvider"
                    Arguments = [ "path", Value.String written.Head ]
                }
                |> Result.defaultWith (fun e -> failwith e.Message)

            let r =
                DatasetRequest.create options.Start (options.Start.AddDays 3.0) (SampleData.tagNames 0)

            let result =
                (Dataset.getDataAsync provider r CancellationToken.None).GetAwaiter().GetResult()
                |> Result.defaultWith (fun e -> failwith e.Message)

            Expect.equal (Frame.length result.X) (3 * 144 + 1) "10-minute rows, end inclusive"
            Expect.equal (result.X.Columns |> List.ofArray) (SampleData.tagNames 0) "columns"
        }
    ]
