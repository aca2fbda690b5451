module Gordo.Tests.Config.ConformanceTests

open System.IO
open System.Text.RegularExpressions
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

/// One row of conformance/gordo-configs/INDEX.md.
type Row = {
    File: string
    Expected: string
} with

    /// Valid as a workflow config (fragments and Model resources are not).
    member row.Valid =
        row.Expected.StartsWith "valid"
        && not (row.Expected.Contains "invalid as a top-level")

    /// The machine count INDEX.md states, if any ("valid (3 machines)").
    member row.MachineCount =
        let m = Regex.Match(row.Expected, @"valid \((\d+) machines\)")
        if m.Success then Some(int m.Groups.[1].Value) else None

    /// True when INDEX.md says the file becomes valid with --default-data-provider.
    member row.ValidWithDefaultProvider =
        row.Expected.Contains "valid with `--default-data-provider"

let rows () : Row list =
    let prefix = "tests__gordo__workflow__test_workflow_generator__data__"

    File.ReadAllLines(Path.Combine(conformanceConfigs, "INDEX.md"))
    |> Array.choose (fun line ->
        let m = Regex.Match(line, @"^\| `([^`]+)` \|[^|]*\| ([^|]*) \|")

        if m.Success then
            Some {
                File = m.Groups.[1].Value.Replace("…__", prefix)
                Expected = m.Groups.[2].Value.Trim()
            }
        else
            None)
    |> List.ofArray

let private compileFile provider (row: Row) =
    Compiler.compileFile
        {
            ProjectName = Some "test-proj-name"
            DefaultDataProvider = provider
        }
        (Path.Combine(conformanceConfigs, row.File))

let private rowTest (row: Row) =
    test row.File {
        let compilation = compileFile None row

        if row.Valid then
            Expect.isEmpty (errorCodes compilation) (sprintf "%s should be valid: %A" row.File compilation.Diagnostics)

            match row.MachineCount, compilation.Project with
            | Some n, Some project -> Expect.equal project.Machines.Length n "machine count"
            | _ -> ()
        else
            Expect.isNonEmpty (errorCodes compilation) (sprintf "%s should be rejected" row.File)

        if row.ValidWithDefaultProvider then
            let fixedUp = compileFile (Some "RandomDataProvider") row
            Expect.isEmpty (errorCodes fixedUp) "valid with --default-data-provider"
    }

[<Tests>]
let tests =
    testList "Conformance (INDEX.md)" [
        test "INDEX.md lists every config in the folder" {
            let listed = rows () |> List.map _.File |> set

            let present =
                Directory.GetFiles(conformanceConfigs, "*.y*ml")
                |> Array.map Path.GetFileName
                |> set

            Expect.equal listed present "same files"
        }
        yield! rows () |> List.map rowTest
        test "allowed timestamps: three machines named machine-1..3, all dates read" {
            let row = rows () |> List.find (fun r -> r.File.EndsWith "allowed-timestamps.yml")
            let project = (compileFile None row).Project |> Option.get
            Expect.equal (project.Machines |> List.map _.Name) [ "machine-1"; "machine-2"; "machine-3" ] "names"
        }
        test "datasource: RandomDataProvider normalises to its full path with min/max sizes" {
            let row =
                rows () |> List.find (fun r -> r.File.EndsWith "config-test-datasource.yml")

            let project = (compileFile None row).Project |> Option.get

            for machine in project.Machines do
                Expect.equal
                    machine.Dataset.DataProvider.Type
                    "gordo_core.data_providers.providers.RandomDataProvider"
                    "type"

                Expect.contains machine.Dataset.DataProvider.Arguments ("max_size", Value.Int 300L) "max_size"
                Expect.contains machine.Dataset.DataProvider.Arguments ("min_size", Value.Int 100L) "min_size"
        }
        test "quotes: tag names with / \" and ' survive" {
            let row = rows () |> List.find (fun r -> r.File.EndsWith "config-test-quotes.yml")
            let project = (compileFile None row).Project |> Option.get
            let tags = project.Machines.Head.Dataset.TagList
            Expect.equal tags [ Tag.Name "CT/1"; Tag.Name "CT\"2"; Tag.Name "CT'3" ] "tags"
        }
        test "runtime resources: influx limits bumped to requests (321M/321M) for 2 machines" {
            let row =
                rows ()
                |> List.find (fun r -> r.File.EndsWith "config-test-runtime-resource.yaml")

            let project = (compileFile None row).Project |> Option.get
            let influx = project.Machines.Head.Runtime.Influx.Resources
            Expect.equal (influx.Requests.Memory, influx.Limits.Memory) (Some 321L, Some 321L) "memory"
            Expect.equal (influx.Requests.Cpu, influx.Limits.Cpu) (Some 520L, Some 10040L) "cpu from machine count"
            Expect.equal project.Machines.Head.Runtime.Builder.Resources.Limits.Memory (Some 121L) "builder"
        }
        test "missing timezone: rejected for the timezone with file:line:col inside the block string" {
            let row = rows () |> List.find (fun r -> r.File.EndsWith "missing-timezone.yml")

            let d =
                (compileFile None row).Diagnostics |> List.find (fun d -> d.Code = "GORDO0107")

            Expect.equal (d.Position.Line, d.Position.Column) (10, 23) "position in the outer file"
        }
        test "controller example with a default provider: only legacy-path warnings remain" {
            let row =
                rows () |> List.find (fun r -> r.File = "gordo-controller__example-gordo.yaml")

            let compilation = compileFile (Some "RandomDataProvider") row
            Expect.equal (codes compilation |> List.distinct) [ "GORDO0203" ] "legacy warnings only"
            Expect.equal (compilation.Project |> Option.map _.Machines.Length) (Some 9) "9 machines"
        }
    ]
