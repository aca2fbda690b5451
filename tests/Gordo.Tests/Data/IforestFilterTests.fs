module Gordo.Tests.Data.IforestFilterTests

open System
open System.Globalization
open System.IO
open Expecto
open Gordo.Data
open Gordo.Tests.Models

let private reference = lazy (Reference.load "iforest.json")

/// The columns of a committed sample-plant CSV (timestamp, then the four tags).
let private columns (machine: string) : float[][] =
    let rows =
        File.ReadAllLines(Reference.path $"sample-plant-%s{machine}.csv")
        |> Array.skip 1
        |> Array.map (fun line ->
            line.Split ','
            |> Array.skip 1
            |> Array.map (fun v -> Double.Parse(v, CultureInfo.InvariantCulture)))

    Array.init rows.[0].Length (fun j -> rows |> Array.map (fun r -> r.[j]))

let private flagged (flags: bool[]) =
    flags |> Array.indexed |> Array.filter snd |> Array.map fst |> Set.ofArray

/// Our flags, scikit-learn's (seed 42) and the rows in injected faults, for one case.
let private flagsOf (c: Text.Json.JsonElement) =
    let data = columns (c.GetProperty("machine").GetString())

    let input =
        if c.GetProperty("smooth").GetBoolean() then
            data |> Array.map (IsolationForest.smooth 6.0)
        else
            data

    flagged (IsolationForest.outliers 300 1000 42 0.03 input),
    (Reference.ints (c.GetProperty "flagged") |> Set.ofArray),
    (Reference.ints (c.GetProperty "fault_rows") |> Set.ofArray)

let private cases () =
    reference.Value.GetProperty("machines").EnumerateArray() |> List.ofSeq

/// Each case: as many rows as scikit-learn, an overlap no worse than scikit-learn's own between
/// seeds (less 0.03), and as many fault rows as scikit-learn flags with some seed (± 10 %).
let private caseTest (c: Text.Json.JsonElement) =
    let name =
        $"""%s{c.GetProperty("machine").GetString()}, smooth %b{c.GetProperty("smooth").GetBoolean()}"""

    test $"%s{name}: flags about scikit-learn's rows and fault rows" {
        let ours, theirs, faults = flagsOf c
        let overlap = float (Set.intersect ours theirs).Count / float theirs.Count
        let seedOverlap = c.GetProperty("seed_overlap_min").GetDouble()
        Expect.equal ours.Count theirs.Count "the contamination share of rows"

        Expect.isGreaterThanOrEqual
            overlap
            (seedOverlap - 0.03)
            $"overlap %.3f{overlap} (scikit-learn's seeds: ≥ %.3f{seedOverlap})"

        let inFault = (Set.intersect ours faults).Count

        let seeds =
            c.GetProperty("flagged_in_fault").GetInt32()
            :: (Reference.ints (c.GetProperty "seed_in_fault") |> List.ofArray)

        let lo, hi = float (List.min seeds) * 0.9, float (List.max seeds) * 1.1

        Expect.isTrue
            (float inFault >= lo && float inFault <= hi)
            $"fault rows flagged: %d{inFault}, scikit-learn's seeds %A{seeds}"
    }

let private pooled =
    test "on the sample plant ≥ 90 % of the rows scikit-learn flags are flagged (all cases pooled)" {
        let results = cases () |> List.map flagsOf
        let common = results |> List.sumBy (fun (o, t, _) -> (Set.intersect o t).Count)
        let total = results |> List.sumBy (fun (_, t, _) -> t.Count)
        let overlap = float common / float total
        Expect.isGreaterThanOrEqual overlap 0.9 $"pooled overlap %.3f{overlap}"
    }

[<Tests>]
let tests =
    testList "Data.IforestFilter" [
        testList
            "parity"
            (reference.Value.GetProperty("machines").EnumerateArray()
             |> Seq.map caseTest
             |> List.ofSeq)
        test "deterministic: the same flags on every run" {
            let data = columns "pump-1"

            Expect.equal
                (IsolationForest.outliers 50 256 7 0.05 data)
                (IsolationForest.outliers 50 256 7 0.05 data)
                "same"
        }
        test "average path length is scikit-learn's" {
            Expect.equal (IsolationForest.averagePathLength 1) 0.0 "n = 1"
            Expect.equal (IsolationForest.averagePathLength 2) 1.0 "n = 2"
            Expect.floatClose Accuracy.veryHigh (IsolationForest.averagePathLength 256) 10.244770920119917 "n = 256"
        }
        test "ewm(halflife=6) mean as pandas" {
            let smoothed = IsolationForest.smooth 6.0 [| 1.0; 2.0; nan; 4.0 |]
            let a = 0.5 ** (1.0 / 6.0)
            Expect.floatClose Accuracy.veryHigh smoothed.[1] ((a * 1.0 + 2.0) / (a + 1.0)) "second"
            Expect.floatClose Accuracy.veryHigh smoothed.[2] smoothed.[1] "NaN keeps the mean"

            Expect.floatClose
                Accuracy.veryHigh
                smoothed.[3]
                ((a ** 3.0 + 2.0 * a * a + 4.0) / (a ** 3.0 + a * a + 1.0))
                "after NaN"
        }
    ]
