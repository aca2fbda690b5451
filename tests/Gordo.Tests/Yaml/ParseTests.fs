module Gordo.Tests.Yaml.ParseTests

open System.Diagnostics
open Expecto
open Gordo.Core
open Gordo.Core.Yaml

let private parse (text: string) =
    Parse.text "t.yaml" (Parse.fileMap "t.yaml") Parse.defaultLimits true text

let private root text =
    match parse text with
    | Ok(Some node, _) -> node
    | other -> failtestf "expected a document, got %A" other

let private error text =
    match parse text with
    | Error d -> d
    | other -> failtestf "expected an error, got %A" other

/// The first repeated key of a list, by a plain quadratic scan: (index of the repeat, index of the first).
let private firstRepeat (keys: string list) =
    let keys = List.toArray keys

    seq {
        for i in 1 .. keys.Length - 1 do
            for j in 0 .. i - 1 do
                if keys.[j] = keys.[i] then
                    yield i, j
    }
    |> Seq.tryHead

/// Small and large mappings (the index starts past eight keys), block and flow, often with repeats.
let private duplicateKeysAgree (keys: string list) (flow: bool) =
    let text =
        if flow then
            keys
            |> List.mapi (fun i k -> $"%s{k}: %d{i}")
            |> String.concat ",\n  "
            |> sprintf "{\n  %s\n}\n"
        else
            keys |> List.mapi (fun i k -> $"%s{k}: %d{i}\n") |> String.concat ""

    let line i = if flow then i + 2 else i + 1

    match firstRepeat keys, parse text with
    | Some(i, j), Error d ->
        d.Code = "GORDO0005"
        && d.Position.Line = line i
        && d.Message.Contains $"line %d{line j}"
    | None, Ok(Some node, _) ->
        match node.Value with
        | NodeValue.Mapping entries -> entries |> List.map (fun e -> e.Key) = keys
        | _ -> false
    | None, Ok(None, _) -> List.isEmpty keys
    | _ -> false

[<Tests>]
let tests =
    testList "Yaml.Parse" [
        test "every node keeps line, column and YAML path" {
            let doc = root "machines:\n  - name: a\n    dataset:\n      tags: [x, y]\n"
            let tag = doc |> Node.tryGet "machines" |> Option.get

            match tag.Value with
            | NodeValue.Sequence [ machine ] ->
                let tags =
                    machine
                    |> Node.tryGet "dataset"
                    |> Option.bind (Node.tryGet "tags")
                    |> Option.get

                match tags.Value with
                | NodeValue.Sequence [ _; y ] ->
                    Expect.equal y.Path "machines[0].dataset.tags[1]" "path"
                    Expect.equal (y.Position.Line, y.Position.Column) (4, 17) "position"
                | _ -> failtest "tags"
            | _ -> failtest "machines"
        }

        test "duplicate keys are an error at the second key, naming the first line" {
            let d = error "a: 1\nb: 2\na: 3\n"
            Expect.equal d.Code "GORDO0005" "code"
            Expect.equal d.Position.Line 3 "line"
            Expect.stringContains d.Message "line 1" "first line"
        }

        testProperty
            "duplicate keys are found as a plain scan finds them, in small and large mappings"
            (fun (picks: FsCheck.NonNegativeInt list) (flow: bool) ->
                let keys =
                    picks |> List.truncate 40 |> List.map (fun p -> "k" + string (p.Get % 45))

                duplicateKeysAgree keys flow)

        test "syntax errors carry a position" {
            let d = error "a: [1, 2\nb: 3\n"
            Expect.equal d.Code "GORDO0001" "code"
            Expect.isGreaterThan d.Position.Line 0 "line"
            Expect.isFalse (d.Message.Contains "YamlDotNet") "no library internals"
        }

        test "tabs in indentation are a syntax error, not a crash" {
            let d = error "a:\n\tb: 1\n"
            Expect.equal d.Code "GORDO0001" "code"
        }

        test "an alias bomb stops quickly with a clear error" {
            let lines = [
                yield "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"
                for i in 1..12 do
                    yield
                        sprintf
                            "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]"
                            i
                            i
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
                            (i - 1)
            ]

            let watch = Stopwatch.StartNew()
            let d = error (String.concat "\n" lines)
            Expect.equal d.Code "GORDO0007" "too many nodes"
            Expect.isLessThan watch.Elapsed.TotalSeconds 5.0 "bounded"
        }

        test "deep nesting stops at the depth limit" {
            let text = String.replicate 5000 "[" + String.replicate 5000 "]"
            let d = error text
            Expect.equal d.Code "GORDO0006" "too deep"
        }

        test "several documents in one file are rejected" {
            let d = error "a: 1\n---\nb: 2\n"
            Expect.equal d.Code "GORDO0009" "code"
        }

        test "merge keys fill missing keys" {
            let doc = root "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n"
            let m = doc |> Node.tryGet "m" |> Option.get |> Value.ofNode
            Expect.equal m (Value.Map [ "y", Value.Int 3L; "x", Value.Int 1L ]) "merged"
        }

        test "unquoted timestamps without timezone are reported; quoted ones are strings" {
            match parse "a: 2020-01-01T00:00:00\nb: '2020-01-01T00:00:00'\nc: 2020-01-01T00:00:00Z\n" with
            | Ok(_, [ d ]) ->
                Expect.equal d.Code "GORDO0011" "code"
                Expect.equal d.Path "a" "path"
            | other -> failtestf "expected one diagnostic, got %A" other
        }
    ]
