module Gordo.Tests.Data.SamplePlantTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data
open Gordo.Tests.Support

let private start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)

let private provider (args: (string * Value) list) : IDataProvider =
    DataProviderRegistry.create {
        Type = "SamplePlantDataProvider"
        Arguments = args
    }
    |> Result.defaultWith (fun e -> failtest e.Message)

let private load (p: IDataProvider) (a: DateTimeOffset) (b: DateTimeOffset) (tags: string list) =
    let sensors = tags |> List.map (fun n -> { Name = n; Fields = [] })
    p.LoadAsync(a, b, sensors, CancellationToken.None).GetAwaiter().GetResult()

let private loadOk p a b tags =
    load p a b tags |> Result.defaultWith (fun e -> failtest e.Message)

[<Tests>]
let tests =
    testList "Data.SamplePlant" [
        test "the provider yields the generated files' values (same seed, interval, period)" {
            let options = { SampleData.defaults with Days = 2 }
            let frame, _ = SampleData.generate options
            let finish = start.AddDays(2.0).AddTicks -1L
            let frames = loadOk (provider []) start finish (SampleData.tagNames 1)

            frames
            |> List.iteri (fun k f ->
                let expected = {
                    frame with
                        Columns = [| frame.Columns.[4 + k] |]
                        Data = [| frame.Data.[4 + k] |]
                }

                Expect.equal f expected $"tag %d{k}")
        }
        test "any period: a short request equals the slice of a longer one" {
            let p = provider [ "interval", Value.String "5min" ]
            let tags = SampleData.tagNames 2
            let long = loadOk p start (start.AddDays 10.0) tags
            let a, b = start.AddDays 3.5, start.AddDays 4.25
            let short = loadOk p a b tags
            Expect.equal short (long |> List.map (Frame.slice a b)) "same values"

            Expect.equal
                (Frame.length short.Head)
                (int (TimeSpan.FromHours(18.0).TotalMinutes / 5.0) + 1)
                "5-minute grid"
        }
        test "a fault per machine and week: vibration rises and temperature drifts" {
            let finish = start.AddDays 14.0
            let events = SamplePlant.events 42 "pump-1" 0 start finish
            let faults = events |> List.filter (fun e -> e.Kind = "fault")
            Expect.isNonEmpty faults "faults"

            let index, data =
                SamplePlant.machineData 42 (TimeSpan.FromMinutes 1.0) 0 start finish

            let f = faults.Head

            let at (t: DateTimeOffset) =
                Array.BinarySearch(index, t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute))

            let before, during = at (f.Start.AddHours -1.0), at (f.End.AddMinutes -2.0)
            Expect.isGreaterThan (data.[3].[during] - data.[3].[before]) 0.8 "vibration up"
            Expect.isTrue (events |> List.exists (fun e -> e.Kind = "gap")) "gaps"
            Expect.isTrue (data |> Array.exists (Array.exists Double.IsNaN)) "NaN in gaps"
        }
        test "tags outside the plant are a MissingTag error naming the tag" {
            match load (provider []) start (start.AddDays 1.0) [ "PLANT-FT-011.PV"; "TAG-X" ] with
            | Error(ProviderError.MissingTag("TAG-X", source) as e) ->
                Expect.stringContains source "sample plant" "source"
                Expect.stringContains e.Message "TAG-X" "message"
            | other -> failtestf "expected MissingTag, got %A" other
        }
        test "seed changes the values; a bad interval is a BadArgument" {
            let tags = [ "PLANT-PT-011.PV" ]
            let a = loadOk (provider []) start (start.AddHours 1.0) tags
            let b = loadOk (provider [ "seed", Value.Int 7L ]) start (start.AddHours 1.0) tags
            Expect.notEqual a b "different seed"

            match
                DataProviderRegistry.create {
                    Type = "SamplePlantDataProvider"
                    Arguments = [ "interval", Value.String "soon" ]
                }
            with
            | Error(ProviderError.BadArgument(_, "interval", _)) -> ()
            | other -> failtestf "expected BadArgument, got %A" other
        }
        test "examples/config.yaml: three machines on the sample plant, no diagnostics" {
            let c =
                Compiler.compileFile Compiler.defaultOptions (Path.Combine(repoRoot, "examples", "config.yaml"))

            Expect.isEmpty c.Diagnostics "diagnostics"
            let project = c.Project |> Option.defaultWith (fun () -> failtest "no project")
            Expect.equal (project.Machines |> List.map _.Name) [ "pump-1"; "pump-2"; "compressor-1" ] "machines"

            for m in project.Machines do
                Expect.equal m.Dataset.DataProvider.Type SamplePlantDataProvider.TypeName "provider"
        }
    ]
