namespace Gordo.Build

open Gordo.Models

open System
open System.Globalization
open System.Security.Cryptography
open System.Text
open Gordo.Core

/// The build cache key of spec §4.6: SHA3-512 of Python's `json.dumps(..., sort_keys=True)` text
/// of the machine's name, expanded model definition, dataset, evaluation and builder version.
[<RequireQualifiedAccess>]
module internal CacheKey =
    let private escape (text: string) (out: StringBuilder) =
        out.Append '"' |> ignore

        for c in text do
            match c with
            | '"' -> out.Append "\\\"" |> ignore
            | '\\' -> out.Append "\\\\" |> ignore
            | '\n' -> out.Append "\\n" |> ignore
            | '\r' -> out.Append "\\r" |> ignore
            | '\t' -> out.Append "\\t" |> ignore
            | '\b' -> out.Append "\\b" |> ignore
            | '\f' -> out.Append "\\f" |> ignore
            | c when c < ' ' || c > '\u007f' -> out.Append("\\u").Append((int c).ToString("x4")) |> ignore
            | c -> out.Append c |> ignore

        out.Append '"' |> ignore

    /// Python's `repr(float)`: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16.
    let pythonFloat (x: float) : string =
        if Double.IsNaN x then
            "NaN"
        elif Double.IsInfinity x then
            (if x > 0.0 then "Infinity" else "-Infinity")
        elif x = 0.0 then
            (if 1.0 / x < 0.0 then "-0.0" else "0.0")
        else
            let shortest = abs(x).ToString("R", CultureInfo.InvariantCulture).Split('E')
            let mantissa = shortest.[0]
            let shift = if shortest.Length > 1 then int shortest.[1] else 0

            let point =
                if mantissa.Contains '.' then
                    mantissa.IndexOf '.'
                else
                    mantissa.Length

            let all = mantissa.Replace(".", "")
            let leading = all.Length - all.TrimStart('0').Length
            let exponent = point - 1 - leading + shift
            let digits = all.Trim('0')
            let sign = if x < 0.0 then "-" else ""

            if exponent >= 16 || exponent < -4 then
                let fraction = if digits.Length > 1 then "." + digits.Substring 1 else ""

                let e =
                    if exponent < 0 then
                        $"-%02d{-exponent}"
                    else
                        $"+%02d{exponent}"

                $"%s{sign}%s{digits.Substring(0, 1)}%s{fraction}e%s{e}"
            elif exponent < 0 then
                $"""%s{sign}0.%s{String('0', -exponent - 1)}%s{digits}"""
            elif digits.Length <= exponent + 1 then
                $"""%s{sign}%s{digits}%s{String('0', exponent + 1 - digits.Length)}.0"""
            else
                $"%s{sign}%s{digits.Substring(0, exponent + 1)}.%s{digits.Substring(exponent + 1)}"

    let rec private write (out: StringBuilder) (value: Value) =
        match value with
        | Value.Null -> out.Append "null" |> ignore
        | Value.Bool b -> out.Append(if b then "true" else "false") |> ignore
        | Value.Int i -> out.Append i |> ignore
        | Value.Float f -> out.Append(pythonFloat f) |> ignore
        | Value.String s -> escape s out
        | Value.List items ->
            out.Append '[' |> ignore

            items
            |> List.iteri (fun i item ->
                if i > 0 then
                    out.Append ", " |> ignore

                write out item)

            out.Append ']' |> ignore
        | Value.Map entries ->
            out.Append '{' |> ignore

            entries
            |> List.sortWith (fun (a, _) (b, _) -> String.CompareOrdinal(a, b))
            |> List.iteri (fun i (k, v) ->
                if i > 0 then
                    out.Append ", " |> ignore

                escape k out
                out.Append ": " |> ignore
                write out v)

            out.Append '}' |> ignore

    /// Python `json.dumps(value, sort_keys=True)` text (ASCII, default separators).
    let pythonJson (value: Value) : string =
        let out = StringBuilder()
        write out value
        out.ToString()

    /// SHA3-512 hex digest (lowercase); SHA-512 where the platform's crypto library lacks SHA-3.
    let digest (text: string) : string =
        let bytes = Encoding.ASCII.GetBytes text

        if SHA3_512.IsSupported then
            Convert.ToHexStringLower(SHA3_512.HashData bytes)
        else
            Convert.ToHexStringLower(SHA512.HashData bytes)

    /// The key document of spec §4.6 for a builder `version` (`major.minor.patch`; 0.0.0 and
    /// pre-releases are "unstable" and put the full version in the key).
    let document (name: string) (model: Value) (dataset: Value) (evaluation: Value) (version: string) : Value =
        let parts = version.Split('.', '-', '+')

        let number i =
            if parts.Length > i then
                fst (Int64.TryParse parts.[i])
            else
                false

        let part i =
            if number i then Int64.Parse parts.[i] else 0L

        let unstable =
            version.Contains '-' || version.StartsWith "0.0.0" || version.Contains "dev"

        Value.Map [
            "name", Value.String name
            "model_config", model
            "data_config", dataset
            "evaluation_config", evaluation
            "gordo-major-version", Value.Int(part 0)
            "gordo-minor-version", Value.Int(part 1)
            "gordo_version", Value.String(if unstable then version else "")
        ]

    /// The cache key of a build input whose model expands to `model` (the expanded definition).
    let ofInput (input: BuildInput) (model: Value) : string =
        document input.Machine.Name model input.Dataset input.Evaluation BuildMetadata.builderVersion
        |> pythonJson
        |> digest
