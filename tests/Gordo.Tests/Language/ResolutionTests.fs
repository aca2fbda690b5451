module Gordo.Tests.Language.ResolutionTests

open System
open Expecto
open Gordo.Core.Language

let private offsetOk (text: string) (expected: TimeSpan) =
    test (sprintf "offset %s" text) { Expect.equal (Resolution.tryParseOffset text) (Ok expected) text }

let private timedeltaOk (text: string) (expected: TimeSpan) =
    test (sprintf "timedelta %s" text) { Expect.equal (Resolution.tryParseTimedelta text) (Ok expected) text }

let private failsWith (parse: string -> Result<TimeSpan, string>) (kind: string) (text: string) (fragment: string) =
    test (sprintf "%s rejects '%s'" kind text) {
        match parse text with
        | Ok v -> failtestf "expected an error for '%s', got %O" text v
        | Error e ->
            Expect.stringContains e fragment "names the problem"
            Expect.stringContains e "such as" "gives an example"
    }

let private offsetFails = failsWith Resolution.tryParseOffset "offset"
let private timedeltaFails = failsWith Resolution.tryParseTimedelta "timedelta"

[<Tests>]
let tests =
    testList "Language.Resolution" [
        offsetOk "10T" (TimeSpan.FromMinutes 10.)
        offsetOk "2min" (TimeSpan.FromMinutes 2.)
        offsetOk "15min" (TimeSpan.FromMinutes 15.)
        offsetOk "T" (TimeSpan.FromMinutes 1.)
        offsetOk "1H" (TimeSpan.FromHours 1.)
        offsetOk "1h" (TimeSpan.FromHours 1.)
        offsetOk "30S" (TimeSpan.FromSeconds 30.)
        offsetOk "30s" (TimeSpan.FromSeconds 30.)
        offsetOk "1D" (TimeSpan.FromDays 1.)
        offsetOk "500ms" (TimeSpan.FromMilliseconds 500.)
        offsetOk "500L" (TimeSpan.FromMilliseconds 500.)
        offsetOk "1h30min" (TimeSpan.FromMinutes 90.)
        offsetOk "1.5H" (TimeSpan.FromMinutes 90.)
        offsetOk " 10T " (TimeSpan.FromMinutes 10.)
        offsetOk "100us" (TimeSpan.FromTicks 1000L)
        offsetFails "10X" "unknown unit 'X'"
        offsetFails "" "empty"
        offsetFails "0T" "positive"
        offsetFails "1W" "calendar"
        offsetFails "1M" "calendar"
        offsetFails "10" "unexpected"
        offsetFails "-10T" "unexpected"
        offsetFails "5N" "100 nanoseconds"
        timedeltaOk "48H" (TimeSpan.FromHours 48.)
        timedeltaOk "8H" (TimeSpan.FromHours 8.)
        timedeltaOk "1 days" (TimeSpan.FromDays 1.)
        timedeltaOk "1 day" (TimeSpan.FromDays 1.)
        timedeltaOk "30min" (TimeSpan.FromMinutes 30.)
        timedeltaOk "30T" (TimeSpan.FromMinutes 30.)
        timedeltaOk "1D2H" (TimeSpan.FromHours 26.)
        timedeltaOk "2 hours 30 minutes" (TimeSpan.FromMinutes 150.)
        timedeltaOk "1 days 02:00:00" (TimeSpan.FromHours 26.)
        timedeltaOk "00:30:00" (TimeSpan.FromMinutes 30.)
        timedeltaOk "-1H" (TimeSpan.FromHours -1.)
        timedeltaOk "1W" (TimeSpan.FromDays 7.)
        timedeltaOk "10s" (TimeSpan.FromSeconds 10.)
        timedeltaFails "48" "no unit"
        timedeltaFails "H" "no number"
        timedeltaFails "1M" "fixed length"
        timedeltaFails "5 parsecs" "unknown unit 'parsecs'"
        timedeltaFails "" "empty"
    ]
