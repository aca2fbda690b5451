module Gordo.Tests.Data.FrameTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core.Config
open Gordo.Core.Data

let private minute = TimeSpan.TicksPerMinute
let private origin = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)

/// Distinct sorted minute offsets.
let private indexGen: Gen<int64[]> =
    Gen.listOf (Gen.choose (0, 500))
    |> Gen.map (fun xs ->
        xs
        |> List.distinct
        |> List.sort
        |> List.map (fun m -> origin.UtcTicks + int64 m * minute)
        |> Array.ofList)

let private frame (name: string) (index: int64[]) = {
    Index = index
    Offset = TimeSpan.Zero
    Columns = [| name |]
    Data = [| index |> Array.map (fun t -> float (t % 997L)) |]
}

[<Tests>]
let tests =
    testList "Data.Frame" [
        testProperty "inner join keeps exactly the common timestamps, in order"
        <| Prop.forAll (Arb.fromGen (Gen.zip indexGen indexGen)) (fun (a, b) ->
            let joined = Frame.innerJoin [ frame "a" a; frame "b" b ]

            joined.Index = (Set.intersect (set a) (set b) |> Set.toArray)
            && joined.Columns = [| "a"; "b" |])
        testProperty "slice equals filtering by range"
        <| Prop.forAll
            (Arb.fromGen (Gen.zip indexGen (Gen.zip (Gen.choose (-10, 510)) (Gen.choose (-10, 510)))))
            (fun (ix, (p, q)) ->
                let s, e = origin.AddMinutes(float (min p q)), origin.AddMinutes(float (max p q))
                let f = frame "a" ix
                Frame.slice s e f = Frame.filterRows (ix |> Array.map (fun t -> t >= s.UtcTicks && t <= e.UtcTicks)) f)
        testProperty "resampling minute data to 1 minute with mean changes nothing inside the range"
        <| Prop.forAll (Arb.fromGen indexGen) (fun ix ->
            ix.Length = 0
            || (let f = frame "a" ix

                let r =
                    Resample.series
                        origin
                        (origin.AddMinutes 500.0)
                        (TimeSpan.FromMinutes 1.0)
                        [ "mean" ]
                        false
                        Interpolation.Linear
                        (Some 0)
                        f
                    |> Result.defaultWith (fun e -> failwith e.Message)
                // limit 0 fills nothing: exactly the original samples remain
                r.Index = ix && r.Data.[0] = f.Data.[0]))
        test "unsorted and duplicate timestamps are rejected with the row" {
            let t = [| origin.UtcTicks + minute; origin.UtcTicks |]

            match Frame.create TimeSpan.Zero t [ "a", [| 1.0; 2.0 |] ] with
            | Error(FrameError.Unsorted(1, _) as e) -> Expect.stringContains e.Message "row 1" "row"
            | other -> failtestf "unexpected %A" other

            match Frame.create TimeSpan.Zero [| origin.UtcTicks; origin.UtcTicks |] [ "a", [| 1.0; 2.0 |] ] with
            | Error(FrameError.DuplicateTimestamp(1, _)) -> ()
            | other -> failtestf "unexpected %A" other
        }
    ]
