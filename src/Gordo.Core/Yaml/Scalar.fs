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
module Scalar =
    let private nulls =
        System.Collections.Generic.HashSet [ ""; "~"; "null"; "Null"; "NULL" ]

    let private trues =
        System.Collections.Generic.HashSet [ "yes"; "Yes"; "YES"; "true"; "True"; "TRUE"; "on"; "On"; "ON" ]

    let private falses =
        System.Collections.Generic.HashSet [ "no"; "No"; "NO"; "false"; "False"; "FALSE"; "off"; "Off"; "OFF" ]

    let private intPattern = Regex(@"^[-+]?(0|[1-9][0-9_]*)$", RegexOptions.Compiled)
    let private hexPattern = Regex(@"^[-+]?0x[0-9a-fA-F_]+$", RegexOptions.Compiled)

    let private floatPattern =
        Regex(@"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$", RegexOptions.Compiled)

    /// The YAML 1.1 timestamp pattern; group `zone` is the offset, if any.
    let private timestampPattern =
        Regex(
            @"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}((?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(?<zone>Z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?$",
            RegexOptions.Compiled
        )

    let private tryInt (text: string) =
        let clean = text.Replace("_", "")

        if intPattern.IsMatch text then
            match Int64.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
            | true, value -> Some(Scalar.Int value)
            | _ -> Some(Scalar.Float(Double.Parse(clean, CultureInfo.InvariantCulture)))
        elif hexPattern.IsMatch text then
            let negative = clean.StartsWith "-"
            let digits = clean.TrimStart('-', '+').Substring 2

            let value =
                Int64.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture)

            Some(Scalar.Int(if negative then -value else value))
        else
            None

    let private tryFloat (text: string) =
        match text.ToLowerInvariant() with
        | ".inf"
        | "+.inf" -> Some(Scalar.Float Double.PositiveInfinity)
        | "-.inf" -> Some(Scalar.Float Double.NegativeInfinity)
        | ".nan" -> Some(Scalar.Float Double.NaN)
        | _ when floatPattern.IsMatch text ->
            // TryParse: the pattern also admits digit-less texts such as `-.` and `._`, which are strings.
            match Double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, value -> Some(Scalar.Float value)
            | _ -> None
        | _ -> None

    let private tryTimestamp (text: string) =
        let m = timestampPattern.Match text

        if m.Success then
            Some(Scalar.Timestamp(text, m.Groups.["zone"].Success))
        else
            None

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
            |> Option.orElseWith (fun () -> tryFloat text)
            |> Option.orElseWith (fun () -> tryTimestamp text)
            |> Option.defaultValue (Scalar.String text)

    /// True when the text looks like a date or date-time (quoted or not).
    let looksLikeTimestamp (text: string) : bool = timestampPattern.IsMatch(text.Trim())

    /// True when a date-time text carries a timezone offset (`Z`, `+01:00`, ...).
    let hasZone (text: string) : bool =
        let m = timestampPattern.Match(text.Trim())
        m.Success && m.Groups.["zone"].Success
