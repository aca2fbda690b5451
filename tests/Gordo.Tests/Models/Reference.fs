module Gordo.Tests.Models.Reference

open System
open System.IO
open System.Text.Json
open Expecto
open Gordo.Core

/// tests/reference/models/<name>, found from the test binary upwards.
let path (name: string) : string =
    let rec up (dir: DirectoryInfo) =
        let candidate = Path.Combine(dir.FullName, "tests", "reference", "models", name)

        if File.Exists candidate then
            candidate
        elif isNull dir.Parent then
            failwithf "reference file %s not found" name
        else
            up dir.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let load (name: string) : JsonElement =
    use doc = JsonDocument.Parse(File.ReadAllText(path name))
    doc.RootElement.Clone()

let number (e: JsonElement) : float =
    if e.ValueKind = JsonValueKind.Null then
        nan
    else
        e.GetDouble()

let matrix (e: JsonElement) : float[,] =
    let rows =
        e.EnumerateArray()
        |> Seq.map (fun r -> r.EnumerateArray() |> Seq.map number |> Array.ofSeq)
        |> Array.ofSeq

    Array2D.init rows.Length (if rows.Length = 0 then 0 else rows.[0].Length) (fun i j -> rows.[i].[j])

let ints (e: JsonElement) : int[] =
    e.EnumerateArray() |> Seq.map (fun x -> x.GetInt32()) |> Array.ofSeq

let rec value (e: JsonElement) : Value =
    match e.ValueKind with
    | JsonValueKind.Null -> Value.Null
    | JsonValueKind.True -> Value.Bool true
    | JsonValueKind.False -> Value.Bool false
    | JsonValueKind.String -> Value.String(e.GetString())
    | JsonValueKind.Number ->
        match e.TryGetInt64() with
        | true, i when not (e.GetRawText().Contains '.') -> Value.Int i
        | _ -> Value.Float(e.GetDouble())
    | JsonValueKind.Array -> e.EnumerateArray() |> Seq.map value |> List.ofSeq |> Value.List
    | _ ->
        e.EnumerateObject()
        |> Seq.map (fun p -> p.Name, value p.Value)
        |> List.ofSeq
        |> Value.Map

/// Asserts |actual − expected| ≤ tol·max(|expected|, 1e-12·scale) element-wise (NaN matches NaN).
let close (tol: float) (actual: float[,]) (expected: float[,]) (what: string) =
    Expect.equal
        (Array2D.length1 actual, Array2D.length2 actual)
        (Array2D.length1 expected, Array2D.length2 expected)
        $"{what}: shape"

    let scale =
        expected
        |> Seq.cast<float>
        |> Seq.filter Double.IsFinite
        |> Seq.map abs
        |> Seq.fold max 0.0

    expected
    |> Array2D.iteri (fun i j e ->
        let a = actual.[i, j]

        if Double.IsNaN e then
            Expect.isTrue (Double.IsNaN a) $"{what}[{i},{j}]: expected NaN, got {a}"
        else
            let bound = tol * max (abs e) (1e-6 * scale)
            Expect.isTrue (abs (a - e) <= bound) $"{what}[{i},{j}]: expected {e:R}, got {a:R} (diff {abs (a - e):E2})")

/// float32 comparison: |actual − expected| ≤ tol·max(|expected|, largest |expected|).
let closeToScale (tol: float) (actual: float[,]) (expected: float[,]) (what: string) =
    let scale = expected |> Seq.cast<float> |> Seq.map abs |> Seq.fold max 0.0

    expected
    |> Array2D.iteri (fun i j e ->
        let a = actual.[i, j]
        Expect.isTrue (abs (a - e) <= tol * max (abs e) scale) $"{what}[{i},{j}]: expected {e:R}, got {a:R}")
