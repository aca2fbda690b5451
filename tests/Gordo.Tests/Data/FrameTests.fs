module Gordo.Tests.Data.FrameTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core.Config
open Gordo.Data

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
        testProperty "inner join of frames on one grid shares the columns and equals the general join"
        <| Prop.forAll (Arb.fromGen indexGen) (fun ix ->
            let a, b = frame "a" ix, frame "b" (Array.copy ix)
            let joined = Frame.innerJoin [ a; b ]
            // One extra timestamp in a third frame forces the general (copying) join.
            let extra = frame "c" (Array.append ix [| origin.UtcTicks + 600L * minute |])
            let general = Frame.innerJoin [ a; b; extra ]

            obj.ReferenceEquals(joined.Data.[0], a.Data.[0])
            && obj.ReferenceEquals(joined.Data.[1], b.Data.[0])
            && joined.Index = general.Index
            && joined.Data = general.Data.[0..1])
        test "frames on one grid share one index array; other frames keep theirs" {
            let ix = [| origin.UtcTicks; origin.UtcTicks + minute |]
            let same = Frame.shareIndex ix (frame "a" (Array.copy ix))
            let other = Frame.shareIndex ix (frame "b" [| origin.UtcTicks |])
            Expect.isTrue (obj.ReferenceEquals(same.Index, ix)) "equal timestamps: shared"
            Expect.equal other.Index [| origin.UtcTicks |] "different timestamps: kept"
        }
        testProperty "an unsorted series is sorted with the last of equal timestamps kept, sorted or not"
        <| Prop.forAll
            (Arb.fromGen (Gen.zip (Gen.listOf (Gen.choose (0, 50))) (Gen.elements [ true; false ])))
            (fun (minutes, presorted) ->
                // Sorted input takes the fast path (arrays kept), unsorted the general one.
                let minutes = if presorted then List.sort minutes else minutes

                let ix =
                    minutes
                    |> List.map (fun m -> origin.UtcTicks + int64 m * minute)
                    |> Array.ofList

                let values = Array.init ix.Length float
                let f = Frame.ofUnsorted TimeSpan.Zero "a" ix values
                // The reference: per timestamp, the value given last.
                let expected = Seq.zip ix values |> Map.ofSeq

                f.Index = (expected |> Map.keys |> Array.ofSeq)
                && f.Data.[0] = (expected |> Map.values |> Array.ofSeq))
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
