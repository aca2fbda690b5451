module Gordo.Tests.Server.TimestampTextTests

open System
open System.Globalization
open Expecto
open Gordo.Server

/// .NET's own formatting of the pandas texts, the reference for the byte writer.
let reference (separator: char) (naive: bool) (t: DateTimeOffset) =
    let f (format: string) =
        t.ToString(format, CultureInfo.InvariantCulture)

    f $"yyyy-MM-dd'%c{separator}'HH:mm:ss"
    + (if t.Ticks % TimeSpan.TicksPerSecond = 0L then
           ""
       else
           f ".ffffff")
    + (if naive then "" else f "zzz")

let private written (separator: char) (naive: bool) (t: DateTimeOffset) =
    let bytes = Array.zeroCreate<byte> (TimestampText.length naive t)
    TimestampText.write separator naive t (Span bytes)
    Text.Encoding.ASCII.GetString bytes

let private randomTimes (count: int) =
    let random = Random 11
    let minTicks, maxTicks = DateTime(1, 1, 2).Ticks, DateTime(9999, 12, 30).Ticks

    [
        for k in 1..count do
            let ticks = minTicks + random.NextInt64(maxTicks - minTicks)
            // Whole seconds, whole microseconds and raw ticks, so every fraction branch is hit.
            let ticks =
                match k % 3 with
                | 0 -> ticks - ticks % TimeSpan.TicksPerSecond
                | 1 -> ticks - ticks % 10L
                | _ -> ticks

            let offset = TimeSpan.FromMinutes(float (random.Next(-14 * 60, 14 * 60 + 1)))
            DateTimeOffset(ticks, offset)
    ]

[<Tests>]
let tests =
    testList "Server.TimestampText" [
        test "row keys and isoformat texts equal .NET's custom formats, naive or with any offset" {
            for t in randomTimes 20000 do
                for separator in [ ' '; 'T' ] do
                    for naive in [ true; false ] do
                        Expect.equal (written separator naive t) (reference separator naive t) (string t)
        }
        test "edges: year 1, negative half-hour offsets, the last tick of a second" {
            let times = [
                DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero)
                DateTimeOffset(2020, 2, 29, 23, 59, 59, TimeSpan.FromMinutes -570.0).AddTicks 9_999_999L
                DateTimeOffset(2019, 12, 31, 12, 0, 0, TimeSpan.FromMinutes 345.0).AddTicks 1L
            ]

            for t in times do
                Expect.equal (written 'T' false t) (reference 'T' false t) (string t)

            Expect.equal (written ' ' false times.[1]) "2020-02-29 23:59:59.999999-09:30" "spelled out"
        }
    ]
