namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Language
open Gordo.Core.Yaml

/// Checks of the small languages inside a dataset section: pandas offsets (`resolution`),
/// Timedelta strings (`interpolation_limit`) and pandas-eval expressions (`row_filter`,
/// `known_filter_periods`). Nothing is evaluated: checking a config fetches no data.
[<RequireQualifiedAccess>]
module internal DatasetLanguage =
    /// The reason part of a parser message ("invalid x 'y': reason" → "reason").
    let private reasonOf (message: string) =
        match message.IndexOf "': " with
        | i when message.StartsWith "invalid " && i > 0 -> message.Substring(i + 3)
        | _ -> message

    /// Problems with `resolution` and `interpolation_limit` (the limit must cover a bucket).
    let timing (dataset: Node) (resolution: string option) (limit: string option) : Diagnostic list =
        let at key =
            Node.tryGet key dataset |> Option.defaultValue dataset

        let resolutionSpan, p1 =
            match resolution |> Option.map Resolution.tryParseOffset with
            | Some(Error reason) ->
                None,
                [
                    Problem.at (at "resolution") (Problem.InvalidResolution(resolution.Value, reasonOf reason))
                ]
            | Some(Ok span) -> Some span, []
            | None -> None, []

        let limitSpan, p2 =
            match limit |> Option.map Resolution.tryParseTimedelta with
            | Some(Error reason) ->
                None,
                [
                    Problem.at
                        (at "interpolation_limit")
                        (Problem.InvalidInterpolationLimit(limit.Value, reasonOf reason))
                ]
            | Some(Ok span) -> Some span, []
            | None -> None, []

        let p3 =
            match resolutionSpan, limitSpan with
            | Some r, Some l when l < r -> [
                Problem.at
                    (at "interpolation_limit")
                    (Problem.InvalidInterpolationLimit(
                        limit.Value,
                        sprintf "it must be at least the resolution (%s)" resolution.Value
                    ))
              ]
            | _ -> []

        p1 @ p2 @ p3

    /// The position of a character of a one-line scalar (quoted scalars start one column later).
    let private positionIn (node: Node) (offset: int) : Position =
        match node.Value with
        | NodeValue.Scalar(text, ScalarStyle.Quoted) when Position.isKnown node.Position && not (text.Contains '\n') -> {
            node.Position with
                Column = node.Position.Column + 1 + offset
          }
        | NodeValue.Scalar(text, ScalarStyle.Plain) when Position.isKnown node.Position && not (text.Contains '\n') -> {
            node.Position with
                Column = node.Position.Column + offset
          }
        | _ -> node.Position

    let private expression (node: Node) : Diagnostic list =
        match node.Value with
        | NodeValue.Scalar(text, _) when text.Trim() <> "" ->
            match Expression.parse text with
            | Ok _ -> []
            | Error e -> [
                Problem.atPosition (positionIn node e.Offset) node.Path (Problem.InvalidExpression(text, e.Message))
              ]
        | _ -> []

    /// Syntax problems of every expression under `key` (a string or a list of strings).
    let expressions (dataset: Node) (key: string) : Diagnostic list =
        match Node.tryGet key dataset with
        | Some({ Value = NodeValue.Sequence items }) -> items |> List.collect expression
        | Some node -> expression node
        | None -> []
