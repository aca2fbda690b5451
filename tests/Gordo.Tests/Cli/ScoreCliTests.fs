module Gordo.Tests.Cli.ScoreCliTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open Gordo.Data
open Gordo.Cli
open Gordo.Build
open Gordo.Tests.Support
open Gordo.Tests.Builder.ModelBuilderTests

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-score-%s{name}-" + Guid.NewGuid().ToString("N"))

/// An anomaly detector and a plain pipeline, built once on the sample data.
let private models =
    lazy
        (let build model =
            let dir = temp "model"

            match
                ModelBuilder.build
                    (inputOf (configText sampleData.Value model ""))
                    (Some dir)
                    ignore
                    CancellationToken.None
            with
            | Ok _ -> dir
            | Error e -> failwithf "build failed: %s" e.Message

         build detectorModel, build pipelineModel)

let private gordo (args: string list) =
    let dll =
        Path.Combine(repoRoot, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo.dll")

    let psi =
        ProcessStartInfo("dotnet", "exec" :: dll :: args, RedirectStandardOutput = true, RedirectStandardError = true)

    use proc = Process.Start psi
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()
    proc.WaitForExit()
    proc.ExitCode, out.Result, err.Result

let private ok (r: Result<Frame, ScoreError>) =
    match r with
    | Ok f -> f
    | Error e -> failtestf "scoring failed (exit %d): %s" e.ExitCode e.Message

let private tags = SampleData.tagNames 0

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli predict and anomaly" [
        test "predict: model-input and model-output columns for every row" {
            let detector, _ = models.Value
            let frame = ScoreCommands.predict detector sampleData.Value |> ok
            let input = (ParquetIO.read sampleData.Value None |> Result.toOption).Value
            Expect.equal (Frame.length frame) (Frame.length input) "one row per input row (offset 0)"
            Expect.equal (Frame.timestamps frame) (Frame.timestamps input) "same index"

            let expected =
                (tags |> List.map (fun t -> "model-input|" + t))
                @ (tags |> List.map (fun t -> "model-output|" + t))

            Expect.equal (List.ofArray frame.Columns) expected "columns"
            // compared as text: NaN gaps in the sample data are not equal to themselves
            let text name f = Frame.column name f |> Array.map string
            Expect.equal (text ("model-input|" + tags.Head) frame) (text tags.Head input) "input copied"
        }
        test "anomaly: the HTTP API's columns, smooth-* only with all columns" {
            let detector, _ = models.Value
            let frame = ScoreCommands.anomaly detector sampleData.Value false false |> ok
            let columns = Set.ofArray frame.Columns

            for c in
                [
                    "total-anomaly-scaled"
                    "total-anomaly-unscaled"
                    "anomaly-confidence|" + tags.Head
                    "tag-anomaly-scaled|" + tags.Head
                    "model-output|" + tags.Head
                ] do
                Expect.isTrue (columns.Contains c) $"%s{c} in %A{frame.Columns}"

            Expect.isFalse (frame.Columns |> Array.exists _.StartsWith("smooth-")) "no smooth columns"
            let all = ScoreCommands.anomaly detector sampleData.Value true false |> ok
            Expect.isGreaterThanOrEqual all.Columns.Length frame.Columns.Length "all columns is a superset"
        }
        test "bad input: missing file (30), missing tags (2), not a detector (2), no model (30)" {
            let detector, pipeline = models.Value

            let exitOf r =
                match r with
                | Ok _ -> 0
                | Error(e: ScoreError) -> e.ExitCode

            Expect.equal (exitOf (ScoreCommands.predict detector (temp "none" + ".parquet"))) 30 "data file"
            let csv = temp "few" + ".csv"
            File.WriteAllText(csv, "timestamp,x\n2020-01-01 00:00:00+00:00,1\n")

            match ScoreCommands.predict detector csv with
            | Error e ->
                Expect.equal e.ExitCode 2 e.Message
                Expect.stringContains e.Message tags.Head "names the missing tag"
            | Ok _ -> failtest "should fail"

            Expect.equal (exitOf (ScoreCommands.anomaly pipeline sampleData.Value false false)) 2 "not a detector"
            Expect.equal (exitOf (ScoreCommands.predict (temp "nomodel") sampleData.Value)) 30 "no model"
            let empty = Directory.CreateTempSubdirectory "gordo-no-info-"

            Expect.equal
                (exitOf (ScoreCommands.predict empty.FullName sampleData.Value))
                30
                "a folder without info.json"

            empty.Delete()
        }
        test "predict -o naming a directory or in a missing one: exit 20 saying which" {
            let detector, _ = models.Value
            let dir = temp "dir"
            Directory.CreateDirectory dir |> ignore

            let code, _, err =
                gordo [ "predict"; detector; "--data"; sampleData.Value; "-o"; dir ]

            Expect.equal code 20 err
            Expect.stringContains err $"gordo: cannot write to '%s{dir}': it is a directory, not a file" "a directory"
            let missing = Path.Combine(temp "missing", "out.csv")

            let code, _, err =
                gordo [ "predict"; detector; "--data"; sampleData.Value; "-o"; missing ]

            Expect.equal code 20 err
            Expect.stringContains err "does not exist; create it or choose another --output" "a missing directory"
        }
        test "gordo anomaly/predict write Parquet and CSV files" {
            let detector, _ = models.Value
            let parquet = temp "out" + ".parquet"

            let code, _, err =
                gordo [ "anomaly"; detector; "--data"; sampleData.Value; "--output"; parquet ]

            Expect.equal code 0 err
            let back = (ParquetIO.read parquet None |> Result.toOption).Value
            Expect.contains back.Columns "total-anomaly-scaled" "parquet columns"
            let csv = temp "out" + ".csv"

            let code, _, err =
                gordo [ "predict"; detector; "--data"; sampleData.Value; "-o"; csv ]

            Expect.equal code 0 err
            Expect.stringStarts (File.ReadAllText csv) ("timestamp,model-input|" + tags.Head) "csv header"
            let code, stdout, _ = gordo [ "predict"; detector; "--data"; sampleData.Value ]
            Expect.equal code 0 "stdout"
            Expect.stringStarts stdout "timestamp," "CSV on standard output"
        }
    ]
