module Gordo.Tests.Data.ProviderTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data

let private utc (s: string) =
    DateTimeOffset.Parse(s, Globalization.CultureInfo.InvariantCulture)

let private start, finish = utc "2020-01-01T00:00:00Z", utc "2020-01-02T00:00:00Z"
let private tag n = { Name = n; Fields = [] }

let private load (p: IDataProvider) (tags: string list) =
    p.LoadAsync(start, finish, List.map tag tags, CancellationToken.None).GetAwaiter().GetResult()

let private tempDir () =
    let d =
        Path.Combine(Path.GetTempPath(), "gordo-tests-" + Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory d |> ignore
    d

let private write (dir: string) (name: string) (text: string) =
    let p = Path.Combine(dir, name)
    File.WriteAllText(p, text)
    p

let private provider (kind: string) (args: (string * Value) list) =
    DataProviderRegistry.create { Type = kind; Arguments = args }
    |> Result.defaultWith (fun e -> failwith e.Message)

let private wideCsv =
    "time,A,B\n2019-12-31T23:00:00+00:00,1,2\n2020-01-01T00:00:00Z,1.5,\n2020-01-01T06:00:00+00:00,2,3\n2020-01-03T00:00:00Z,9,9\n"

[<Tests>]
let tests =
    testList "Data.Providers" [
        test "random provider is deterministic and independent of tag order" {
            let p = provider "RandomDataProvider" []
            let a = load p [ "x"; "y" ] |> Result.defaultWith (fun e -> failwith e.Message)
            let b = load p [ "y"; "x" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal a.[0] b.[1] "x is the same"
            Expect.notEqual a.[0].Index a.[1].Index "x and y differ"

            for f in a do
                Expect.isTrue (Frame.length f >= 90 && Frame.length f <= 300) "size in [min, max] less duplicates"

                Expect.isTrue
                    (f.Index |> Array.forall (fun t -> t >= start.UtcTicks && t <= finish.UtcTicks))
                    "in range"
        }
        test "CSV provider: named timestamp column, slice, NaN cells dropped" {
            let dir = tempDir ()
            let path = write dir "d.csv" wideCsv

            let p =
                provider "CSVDataProvider" [ "file_path", Value.String path; "timestamp_column", Value.String "time" ]

            let frames = load p [ "A"; "B" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal frames.[0].Data.[0] [| 1.5; 2.0 |] "A within the range"
            Expect.equal frames.[1].Data.[0] [| 3.0 |] "B without the empty cell"
        }
        test "CSV provider: a tag without a column comes back empty" {
            let dir = tempDir ()

            let p =
                provider "CSVDataProvider" [ "file_path", Value.String(write dir "d.csv" wideCsv) ]

            let frames = load p [ "C" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal (Frame.length frames.[0]) 0 "empty"
        }
        test "bad files give errors naming file, row and cause" {
            let dir = tempDir ()

            let cases = [
                "time,A\n2020-01-01T00:00:00Z,abc\n", "row 2, column 'A': 'abc' is not a number"
                "time,A\nyesterday,1\n", "'yesterday' is not a timestamp"
                "time,A\n2020-01-01T01:00:00Z,1\n2020-01-01T00:00:00Z,2\n", "not sorted"
                "time,A\n2020-01-01T00:00:00Z,1\n2020-01-01T00:00:00Z,2\n", "duplicate timestamp"
            ]

            for text, expected in cases do
                let p =
                    provider "CSVDataProvider" [ "file_path", Value.String(write dir "bad.csv" text) ]

                match load p [ "A" ] with
                | Error e -> Expect.stringContains e.Message expected text
                | Ok _ -> failtestf "expected an error for %s" text

            match load (provider "CSVDataProvider" [ "file_path", Value.String "/nonexistent.csv" ]) [ "A" ] with
            | Error e -> Expect.stringContains e.Message "/nonexistent.csv: file not found" "missing file"
            | Ok _ -> failtest "missing file"
        }
        test "Parquet round trip keeps index, columns and NaN" {
            let dir = tempDir ()

            let f =
                FrameIO.readCsv (write dir "d.csv" wideCsv) ',' (Some "time")
                |> Result.defaultWith (fun e -> failwith e.Message)

            let path = Path.Combine(dir, "d.parquet")
            ParquetIO.write path f

            let back =
                ParquetIO.read path None |> Result.defaultWith (fun e -> failwith e.Message)

            Expect.equal back { f with Offset = TimeSpan.Zero } "same frame"
        }
        test "a CSV row with more fields than the header is an error naming the line (as pandas)" {
            let dir = tempDir ()

            let csv =
                write dir "extra.csv" "time,A\n2020-01-01T00:00:00Z,1\n2020-01-01T01:00:00Z,2,7\n"

            match FrameIO.readCsv csv ',' (Some "time") with
            | Error e -> Expect.stringContains e.Message "line 3 has 3 fields but the header has 2" "named"
            | Ok _ -> failtest "an extra field was read silently"

            let short = write dir "short.csv" "time,A,B\n2020-01-01T00:00:00Z,1\n"

            let f =
                FrameIO.readCsv short ',' (Some "time")
                |> Result.defaultWith (fun e -> failwith e.Message)

            Expect.isTrue (Double.IsNaN f.Data.[1].[0]) "a short row's missing cell is NaN"
        }
        test "unreadable Parquet is a clear error" {
            let dir = tempDir ()

            match ParquetIO.read (write dir "x.parquet" "not parquet") None with
            | Error(FileError.Unreadable(p, _)) -> Expect.stringContains p "x.parquet" "names the file"
            | other -> failtestf "unexpected %A" other
        }
        test "file provider: a directory of wide Parquet files is concatenated per tag" {
            let dir = tempDir ()

            let f =
                FrameIO.readCsv (write dir "d.csv" wideCsv) ',' (Some "time")
                |> Result.defaultWith (fun e -> failwith e.Message)

            File.Delete(Path.Combine(dir, "d.csv"))
            ParquetIO.write (Path.Combine(dir, "part1.parquet")) (Frame.filterRows [| true; true; false; false |] f)
            ParquetIO.write (Path.Combine(dir, "part2.parquet")) (Frame.filterRows [| false; false; true; true |] f)
            let p = provider "FileDataProvider" [ "path", Value.String dir ]
            let frames = load p [ "A"; "B" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal frames.[0].Data.[0] [| 1.5; 2.0 |] "A from both files"
            Expect.equal frames.[1].Data.[0] [| 3.0 |] "B"
        }
        test "file provider: long CSV layout" {
            let dir = tempDir ()

            write
                dir
                "long.csv"
                "tag,timestamp,value\nA,2020-01-01T02:00:00Z,2\nB,2020-01-01T01:00:00Z,5\nA,2020-01-01T01:00:00Z,1\n"
            |> ignore

            let p =
                provider "FileDataProvider" [ "path", Value.String dir; "layout", Value.String "long" ]

            let frames = load p [ "A"; "B" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal frames.[0].Data.[0] [| 1.0; 2.0 |] "A sorted"
            Expect.equal frames.[1].Data.[0] [| 5.0 |] "B"
        }
        test "unknown provider type" {
            match
                DataProviderRegistry.create {
                    Type = "NopeProvider"
                    Arguments = []
                }
            with
            | Error e -> Expect.stringContains e.Message "unknown data provider 'NopeProvider'" "message"
            | Ok _ -> failtest "should fail"
        }
        test "Gordo's provider aliases resolve" {
            let p = provider "gordo_dataset.data_provider.providers.RandomDataProvider" []
            Expect.equal p.TypeName RandomDataProvider.TypeName "alias"
        }
    ]
