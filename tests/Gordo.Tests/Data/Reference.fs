/// Loads tests/reference/data/reference.json (made by make_reference.py with pandas 1.5).
module Gordo.Tests.Data.Reference

open System
open System.IO
open System.Text.Json
open Gordo.Data

let private path =
    Path.Combine(AppContext.BaseDirectory, "reference", "data", "reference.json")

/// The parsed reference document.
let doc = lazy (JsonDocument.Parse(File.ReadAllText path).RootElement)

let floats (e: JsonElement) : float[] = [|
    for x in e.EnumerateArray() ->
        if x.ValueKind = JsonValueKind.Null then
            nan
        else
            x.GetDouble()
|]

/// pandas ns epoch values to .NET UTC ticks.
let ticks (e: JsonElement) : int64[] = [|
    for x in e.EnumerateArray() -> DateTime.UnixEpoch.Ticks + x.GetInt64() / 100L
|]

let strings (e: JsonElement) : string list = [ for x in e.EnumerateArray() -> x.GetString() ]

/// A frame as written by `frame_json`.
let frame (e: JsonElement) : Frame =
    let columns = strings (e.GetProperty "columns")
    let data = [ for c in e.GetProperty("data").EnumerateArray() -> floats c ]

    match Frame.create TimeSpan.Zero (ticks (e.GetProperty "index")) (List.zip columns data) with
    | Ok f -> f
    | Error err -> failwith err.Message

/// The input series of every tag, as one-column frames.
let tags () : (string * Frame) list = [
    for p in doc.Value.GetProperty("tags").EnumerateObject() ->
        let offset =
            TimeSpan.FromMinutes(float (p.Value.GetProperty("offsetMinutes").GetInt32()))

        let f =
            Frame.create offset (ticks (p.Value.GetProperty "index")) [ p.Name, floats (p.Value.GetProperty "values") ]

        p.Name,
        (match f with
         | Ok f -> f
         | Error e -> failwith e.Message)
]

let timestamp (name: string) : DateTimeOffset =
    DateTimeOffset.Parse(doc.Value.GetProperty(name).GetString(), Globalization.CultureInfo.InvariantCulture)

/// Asserts two frames are equal up to a relative tolerance (index and columns exactly).
let expectClose (actual: Frame) (expected: Frame) (what: string) =
    Expecto.Expect.equal actual.Index expected.Index (what + ": index")
    Expecto.Expect.equal actual.Columns expected.Columns (what + ": columns")

    Array.iteri2
        (fun k (a: float[]) (b: float[]) ->
            Array.iteri2
                (fun i (x: float) (y: float) ->
                    let ok = (Double.IsNaN x && Double.IsNaN y) || abs (x - y) <= 1e-9 * max 1.0 (abs y)

                    if not ok then
                        Expecto.Tests.failtestf "%s: column %s row %d: %.17g <> %.17g" what actual.Columns.[k] i x y)
                a
                b)
        actual.Data
        expected.Data
