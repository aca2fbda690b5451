namespace Gordo.Workflow

open Gordo.Core

open System
open System.Globalization
open System.Text.Json.Nodes
open System.Text.RegularExpressions

/// Typing of plain (unquoted) YAML scalars as the YAML 1.2 core schema does (what the Kubernetes
/// API server and Argo read); quoted and block scalars stay strings.
[<RequireQualifiedAccess>]
module internal YamlScalar =

    let private intPattern = Regex(@"^[-+]?[0-9]+$", RegexOptions.Compiled)

    let private floatPattern =
        Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.Compiled)

    let private hexPattern = Regex(@"^0x[0-9a-fA-F]{1,15}$", RegexOptions.Compiled)

    let private octalPattern = Regex(@"^0o[0-7]{1,20}$", RegexOptions.Compiled)

    let private number (text: string) : JsonNode =
        match Int64.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) with
        | true, l -> JsonValue.Create l
        | _ -> JsonValue.Create(Double.Parse(text, CultureInfo.InvariantCulture))

    /// The JSON value of a plain (unquoted) scalar.
    let plain (text: string) : JsonNode =
        match text with
        | ""
        | "~"
        | "null"
        | "Null"
        | "NULL" -> null
        | "true"
        | "True"
        | "TRUE" -> JsonValue.Create true
        | "false"
        | "False"
        | "FALSE" -> JsonValue.Create false
        | t when t.Length > 0 && (Char.IsDigit t[0] || t[0] = '-' || t[0] = '+' || t[0] = '.') ->
            if intPattern.IsMatch t || floatPattern.IsMatch t then
                number t
            elif hexPattern.IsMatch t then
                JsonValue.Create(Convert.ToInt64(t.Substring 2, 16))
            elif octalPattern.IsMatch t then
                JsonValue.Create(Convert.ToInt64(t.Substring 2, 8))
            else
                JsonValue.Create t
        | t -> JsonValue.Create t
