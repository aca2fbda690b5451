/// Pandas time strings as Gordo configs write them: fixed-frequency offset aliases
/// (`resolution: 10T`) and Timedelta strings (`interpolation_limit: 48H`).
[<RequireQualifiedAccess>]
module Gordo.Core.Language.Resolution

open System
open System.Globalization
open System.Text.RegularExpressions

/// One `<number><unit>` term of an offset or Timedelta string, e.g. (10.0, "T").
/// `Amount` is None when the unit stands alone (`T` means `1T` in an offset alias).
type private Term = { Amount: decimal option; Unit: string }

let private ticksPerNanosecond = 0.01m

let private fixedOffsetTicks (unitName: string) : decimal option =
    // pandas upper-cases every alias except `MS`/`ms`, then maps `MIN` to `T`.
    let key =
        if unitName = "ms" then
            "ms"
        else
            unitName.ToUpperInvariant()

    match key with
    | "D" -> Some(decimal TimeSpan.TicksPerDay)
    | "H" -> Some(decimal TimeSpan.TicksPerHour)
    | "T"
    | "MIN" -> Some(decimal TimeSpan.TicksPerMinute)
    | "S" -> Some(decimal TimeSpan.TicksPerSecond)
    | "L"
    | "ms" -> Some(decimal TimeSpan.TicksPerMillisecond)
    | "U"
    | "US" -> Some 10m
    | "N"
    | "NS" -> Some ticksPerNanosecond
    | _ -> None

let private timedeltaTicks (unitName: string) : decimal option =
    match
        (if unitName = "M" || unitName = "Y" then
             ""
         else
             unitName.ToLowerInvariant())
    with
    | "w" -> Some(7m * decimal TimeSpan.TicksPerDay)
    | "d"
    | "day"
    | "days" -> Some(decimal TimeSpan.TicksPerDay)
    | "h"
    | "hr"
    | "hour"
    | "hours" -> Some(decimal TimeSpan.TicksPerHour)
    | "m"
    | "t"
    | "min"
    | "minute"
    | "minutes" -> Some(decimal TimeSpan.TicksPerMinute)
    | "s"
    | "sec"
    | "second"
    | "seconds" -> Some(decimal TimeSpan.TicksPerSecond)
    | "ms"
    | "l"
    | "milli"
    | "millis"
    | "millisecond"
    | "milliseconds" -> Some(decimal TimeSpan.TicksPerMillisecond)
    | "us"
    | "u"
    | "µs"
    | "micro"
    | "micros"
    | "microsecond"
    | "microseconds" -> Some 10m
    | "ns"
    | "n"
    | "nano"
    | "nanos"
    | "nanosecond"
    | "nanoseconds" -> Some ticksPerNanosecond
    | _ -> None

let private termPattern =
    Regex(@"\G\s*,?\s*(\d+\.?\d*|\.\d+)?\s*([A-Za-zµ]+)", RegexOptions.CultureInvariant)

let private clockPattern =
    Regex(@"\G\s*,?\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", RegexOptions.CultureInvariant)

let private number (text: string) : decimal option =
    if String.IsNullOrEmpty text then
        None
    else
        Some(Decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))

/// Splits `text` into `<number><unit>` terms; the error names the offending position.
let private terms (text: string) : Result<Term list, string> =
    let rec loop (at: int) (acc: Term list) =
        if at >= text.Length || String.IsNullOrWhiteSpace(text.Substring at) then
            Ok(List.rev acc)
        else
            let m = termPattern.Match(text, at)

            if m.Success then
                let term = {
                    Amount = number m.Groups.[1].Value
                    Unit = m.Groups.[2].Value
                }

                loop (m.Index + m.Length) (term :: acc)
            else
                Error(sprintf "unexpected '%s' at character %d" (text.Substring at) (at + 1))

    loop 0 []

let private toTimeSpan (ticks: decimal) : Result<TimeSpan, string> =
    if ticks <> Decimal.Truncate ticks then
        Error "it is finer than 100 nanoseconds, the smallest step .NET represents"
    elif ticks > decimal TimeSpan.MaxValue.Ticks then
        Error "it is too large"
    else
        Ok(TimeSpan.FromTicks(int64 ticks))

let private offsetHint =
    "use a pandas fixed-frequency alias such as '10T', '10min', '1H', '30S', '500ms' or '1D'"

let private offsetUnitError (unitName: string) : string =
    match unitName.ToUpperInvariant() with
    | "W"
    | "M"
    | "MS"
    | "Q"
    | "A"
    | "Y"
    | "B"
    | "BH" when unitName <> "ms" ->
        sprintf "'%s' is a calendar frequency without a fixed length (write e.g. '7D' instead of 'W')" unitName
    | _ -> sprintf "unknown unit '%s'" unitName

let private sumTerms
    (lookup: string -> decimal option)
    (unitError: string -> string)
    (needNumber: bool)
    (ts: Term list)
    : Result<decimal, string> =
    let folder (acc: Result<decimal, string>) (t: Term) =
        match acc, lookup t.Unit, t.Amount with
        | Error e, _, _ -> Error e
        | Ok _, None, _ -> Error(unitError t.Unit)
        | Ok _, Some _, None when needNumber -> Error(sprintf "unit '%s' has no number before it" t.Unit)
        | Ok total, Some ticks, amount -> Ok(total + defaultArg amount 1m * ticks)

    ts |> List.fold folder (Ok 0m)

let private describe (kind: string) (text: string) (hint: string) (reason: string) : string =
    sprintf "invalid %s '%s': %s; %s" kind text reason hint

let private parseOffset (text: string) : Result<TimeSpan, string> =
    let text = if isNull text then "" else text.Trim()
    let fail = describe "resolution" text offsetHint

    if text = "" then
        Error(fail "it is empty")
    else
        match terms text with
        | Error e -> Error(fail e)
        | Ok ts ->
            match sumTerms fixedOffsetTicks offsetUnitError false ts with
            | Error e -> Error(fail e)
            | Ok ticks when ticks <= 0m -> Error(fail "it must be a positive length")
            | Ok ticks -> toTimeSpan ticks |> Result.mapError fail

let private timedeltaHint =
    "use a pandas Timedelta string such as '48H', '8H', '30min', '1 days' or '1D2H'"

let private timedeltaUnitError (unitName: string) : string =
    match unitName with
    | "M"
    | "Y"
    | "y" -> sprintf "'%s' (months/years) has no fixed length" unitName
    | _ -> sprintf "unknown unit '%s'" unitName

/// Splits a trailing `hh:mm:ss[.f]` clock part off `text` and returns it as terms.
let private clockTerm (text: string) : string * Term list =
    let m = Regex.Match(text, @"(\d+):(\d{2}):(\d{2}(?:\.\d+)?)\s*$")

    if not m.Success then
        text, []
    else
        let hms =
            [ m.Groups.[1].Value, "h"; m.Groups.[2].Value, "m"; m.Groups.[3].Value, "s" ]
            |> List.map (fun (n, u) -> { Amount = number n; Unit = u })

        text.Substring(0, m.Index), hms

let private parseTimedelta (text: string) : Result<TimeSpan, string> =
    let text = if isNull text then "" else text.Trim()
    let fail = describe "timedelta" text timedeltaHint
    let negative = text.StartsWith "-"
    let body = text.TrimStart('-', '+').Trim()
    let head, clock = clockTerm body

    if body = "" then
        Error(fail "it is empty")
    elif head.Trim() <> "" && Regex.IsMatch(head.Trim(), @"^\d+\.?\d*$") then
        Error(fail "the number has no unit")
    else
        match terms head with
        | Error e -> Error(fail e)
        | Ok ts ->
            match sumTerms timedeltaTicks timedeltaUnitError true (ts @ clock) with
            | Error e -> Error(fail e)
            | Ok ticks -> toTimeSpan (if negative then -ticks else ticks) |> Result.mapError fail

let private offsets = Gordo.Core.Memo.texts 1024 parseOffset
let private timedeltas = Gordo.Core.Memo.texts 1024 parseTimedelta

/// Parses a pandas fixed-frequency offset alias (`10T`, `2min`, `1H`, `1h`, `30S`, `1D`, `500ms`,
/// `T`, `1h30min`) into its length. Calendar frequencies (`W`, `M`, `MS`, ...) and non-positive
/// lengths are errors; the error text says what is wrong and gives an example.
let tryParseOffset (text: string) : Result<TimeSpan, string> = offsets text

/// Parses a pandas Timedelta string (`48H`, `8H`, `1 days`, `30min`, `1D2H`, `1 days 02:00:00`,
/// `-1H`) into a TimeSpan. `M` and `Y` are rejected as pandas does; the error says what is wrong
/// and gives an example.
let tryParseTimedelta (text: string) : Result<TimeSpan, string> = timedeltas text
