namespace Gordo.Core.Yaml

open System
open System.Globalization
open System.Text.RegularExpressions

/// The typed value of a scalar, resolved with the YAML 1.1 rules of PyYAML (which Gordo uses):
/// `yes`/`no`/`on`/`off` are booleans, `1e5` is a string, unquoted timestamps are timestamps.
[<RequireQualifiedAccess>]
type Scalar =
    /// `~`, `null`, or nothing.
    | Null
    /// A boolean.
    | Bool of bool
    /// An integer.
    | Int of int64
    /// A floating-point number.
    | Float of float
    /// An unquoted ISO-8601 date or date-time; `hasZone` tells whether it carries an offset.
    | Timestamp of text: string * hasZone: bool
    /// Anything else, and every quoted scalar.
    | String of string

/// Scalar resolution.
[<RequireQualifiedAccess>]
module internal Scalar =
    let private nulls =
        System.Collections.Generic.HashSet [ ""; "~"; "null"; "Null"; "NULL" ]

    let private trues =
        System.Collections.Generic.HashSet [ "yes"; "Yes"; "YES"; "true"; "True"; "TRUE"; "on"; "On"; "ON" ]

    let private falses =
        System.Collections.Generic.HashSet [ "no"; "No"; "NO"; "false"; "False"; "FALSE"; "off"; "Off"; "OFF" ]

    let private floatPattern =
        Regex(@"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$")

    let private isDigit (c: char) = c >= '0' && c <= '9'

    let private isHex (c: char) =
        isDigit c || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')

    /// The index after a run of characters satisfying `test` from `start`.
    let private skip (test: char -> bool) (text: string) (start: int) =
        let mutable i = start

        while i < text.Length && test text.[i] do
            i <- i + 1

        i

    let private afterSign (text: string) =
        if text.Length > 0 && (text.[0] = '-' || text.[0] = '+') then
            1
        else
            0

    /// `[-+]?(0|[1-9][0-9_]*)`: YAML 1.1 decimal integers.
    let private isDecimal (text: string) =
        let i = afterSign text

        i < text.Length
        && (if text.[i] = '0' then
                i + 1 = text.Length
            else
                isDigit text.[i]
                && skip (fun c -> isDigit c || c = '_') text (i + 1) = text.Length)

    /// `[-+]?0x[0-9a-fA-F_]+` with at least one digit: YAML 1.1 hexadecimal integers (`0x_`,
    /// which PyYAML fails to convert, is a string here).
    let private isHexadecimal (text: string) =
        let i = afterSign text

        text.Length > i + 2
        && text.[i] = '0'
        && text.[i + 1] = 'x'
        && skip (fun c -> isHex c || c = '_') text (i + 2) = text.Length
        && text.Substring(i + 2).Replace("_", "") <> ""

    /// Exactly `count` digits at `start`, else -1; the index after them.
    let private digits (count: int) (text: string) (start: int) =
        if start + count <= text.Length && skip isDigit text start >= start + count then
            start + count
        else
            -1

    /// One or two digits at `start`, else -1; the index after them.
    let private oneOrTwoDigits (text: string) (start: int) =
        let stop = skip isDigit text start
        if stop = start || stop - start > 2 then -1 else stop

    /// The offset `Z`, `±h`, `±hh`, `±hhmm`, `±hmm` or `±h[h]:mm` ending the text.
    let private isZone (text: string) (start: int) =
        if start >= text.Length then
            false
        elif text.[start] = 'Z' then
            start + 1 = text.Length
        elif text.[start] = '-' || text.[start] = '+' then
            let stop = skip isDigit text (start + 1)
            let count = stop - start - 1

            (stop = text.Length && count >= 1 && count <= 4)
            || (count >= 1
                && count <= 2
                && stop < text.Length
                && text.[stop] = ':'
                && digits 2 text (stop + 1) = text.Length)
        else
            false

    /// The time part after the date (`T10:00:00.5+01:00`): Some hasZone when it matches.
    let private timePart (text: string) (start: int) : bool option =
        let separator =
            if text.[start] = 'T' || text.[start] = 't' then
                start + 1
            else
                skip (fun c -> c = ' ' || c = '\t') text start

        let hour =
            if separator = start then
                -1
            else
                oneOrTwoDigits text separator

        let seconds =
            if hour < 0 || hour >= text.Length || text.[hour] <> ':' then
                -1
            else
                let minute = digits 2 text (hour + 1)

                if minute < 0 || minute >= text.Length || text.[minute] <> ':' then
                    -1
                else
                    digits 2 text (minute + 1)

        if seconds < 0 then
            None
        else
            let fraction =
                if seconds < text.Length && text.[seconds] = '.' then
                    skip isDigit text (seconds + 1)
                else
                    seconds

            let zone = skip (fun c -> c = ' ' || c = '\t') text fraction

            if fraction = text.Length then Some false
            elif isZone text zone then Some true
            else None

    /// The YAML 1.1 timestamp forms: Some hasZone when the text is one.
    let private timestampShape (text: string) : bool option =
        let year = digits 4 text 0

        let month =
            if year > 0 && year < text.Length && text.[year] = '-' then
                oneOrTwoDigits text (year + 1)
            else
                -1

        let day =
            if month > 0 && month < text.Length && text.[month] = '-' then
                oneOrTwoDigits text (month + 1)
            else
                -1

        if day < 0 then None
        elif day = text.Length then Some false
        else timePart text day

    let private tryInt (text: string) =
        let clean = text.Replace("_", "")

        if isDecimal text then
            match Int64.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
            | true, value -> Some(Scalar.Int value)
            | _ -> Some(Scalar.Float(Double.Parse(clean, CultureInfo.InvariantCulture)))
        elif isHexadecimal text then
            let negative = clean.StartsWith "-"
            let digits = clean.TrimStart('-', '+').Substring 2

            let value =
                Int64.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture)

            Some(Scalar.Int(if negative then -value else value))
        else
            None

    let private tryFloat (text: string) =
        match (if text.Length <= 5 then text.ToLowerInvariant() else "") with
        | ".inf"
        | "+.inf" -> Some(Scalar.Float Double.PositiveInfinity)
        | "-.inf" -> Some(Scalar.Float Double.NegativeInfinity)
        | ".nan" -> Some(Scalar.Float Double.NaN)
        | _ when text.Contains '.' && floatPattern.IsMatch text ->
            // TryParse: the pattern also admits digit-less texts such as `-.` and `._`, which are strings.
            match Double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, value -> Some(Scalar.Float value)
            | _ -> None
        | _ -> None

    let private tryTimestamp (text: string) =
        timestampShape text |> Option.map (fun zone -> Scalar.Timestamp(text, zone))

    /// Numbers and timestamps start with a digit, a sign or a dot; anything else is a string
    /// (a cheap test that keeps the regular expressions off tag names and class paths).
    let private mayBeNumberOrDate (c: char) =
        Char.IsDigit c || c = '-' || c = '+' || c = '.'

    /// Resolves a scalar's text and style to its typed value.
    let resolve (text: string) (style: ScalarStyle) : Scalar =
        match style with
        | ScalarStyle.Quoted -> Scalar.String text
        | ScalarStyle.Plain when nulls.Contains text -> Scalar.Null
        | ScalarStyle.Plain when trues.Contains text -> Scalar.Bool true
        | ScalarStyle.Plain when falses.Contains text -> Scalar.Bool false
        | ScalarStyle.Plain when not (mayBeNumberOrDate text.[0]) -> Scalar.String text
        | ScalarStyle.Plain ->
            tryInt text
            |> Option.orElseWith (fun () -> tryTimestamp text)
            |> Option.orElseWith (fun () -> tryFloat text)
            |> Option.defaultValue (Scalar.String text)

    /// Whether `resolve text style` is `Null`, without resolving the rest.
    let isNull (text: string) (style: ScalarStyle) : bool =
        style = ScalarStyle.Plain && nulls.Contains text

    /// True when the text looks like a date or date-time (quoted or not).
    let looksLikeTimestamp (text: string) : bool = (timestampShape (text.Trim())).IsSome

    /// True when a date-time text carries a timezone offset (`Z`, `+01:00`, ...).
    let hasZone (text: string) : bool =
        timestampShape (text.Trim()) = Some true
