// Build script: dotnet fsi build.fsx [build|test|bench|pack|format]
//   build   compile the solution (Release, warnings are errors)
//   test    Fantomas check, build, every test project (F# Expecto and C# xunit), FSI example scripts;
//           ends with the line "N passed, N failed" and exits non-zero on any failure
//   bench   build, run the benchmarks in bench/ and rewrite bench/README.md's table
//           (`bench --quick` for CI-sized runs; `bench STEP ...` for some: see bench/run.fsx)
//   pack    NuGet packages of Gordo.Core and Gordo.Interop (the C# face) into artifacts/
//   format  format every F# source with Fantomas

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions

let root = __SOURCE_DIRECTORY__

let formatted =
    [ "src"; "tests"; "bench"; "examples"; "build.fsx" ]
    |> List.map (fun p -> Path.Combine(root, p))
    |> List.filter (fun p -> Directory.Exists p || File.Exists p)

/// Runs a process, echoing its output, and returns (exit code, captured stdout).
let run (exe: string) (args: string list) =
    let psi =
        ProcessStartInfo(exe, args, WorkingDirectory = root, RedirectStandardOutput = true)

    use proc = Process.Start psi
    let out = Text.StringBuilder()

    let rec pump () =
        match proc.StandardOutput.ReadLine() with
        | null -> ()
        | line ->
            Console.WriteLine line
            out.AppendLine line |> ignore
            pump ()

    pump ()
    proc.WaitForExit()
    proc.ExitCode, out.ToString()

let runOrFail exe args =
    let code, _ = run exe args

    if code <> 0 then
        eprintfn "build.fsx: '%s %s' failed with exit code %d" exe (String.concat " " args) code
        exit code

let build () =
    runOrFail "dotnet" [ "build"; "Gordo.sln"; "-c"; "Release"; "-warnaserror"; "-nologo"; "-v:q" ]

let format () =
    runOrFail "dotnet" [ "tool"; "restore" ]
    runOrFail "dotnet" ("fantomas" :: formatted)

let countMatch (pattern: string) (text: string) =
    Regex.Matches(text, pattern) |> Seq.sumBy (fun m -> int m.Groups.[1].Value)

type Tally = { Passed: int; Failed: int }

let expectoTally (code: int) (out: string) =
    let plain = Regex.Replace(out, @"\x1b\[[0-9;?]*[A-Za-z]", "")

    let line =
        Regex.Match(plain, @"(\d+) passed, (\d+) ignored, (\d+) failed, (\d+) errored")

    let group (i: int) =
        if line.Success then int line.Groups.[i].Value else 0

    let passed = group 1
    let failed = group 3 + group 4

    {
        Passed = passed
        Failed = (if code <> 0 && failed = 0 then 1 else failed)
    }

let dotnetTestTally (code: int) (out: string) =
    let passed = countMatch @"Passed:\s+(\d+)" out
    let failed = countMatch @"Failed:\s+(\d+)" out

    {
        Passed = passed
        Failed = (if code <> 0 && failed = 0 then 1 else failed)
    }

let scriptTally (name: string) (code: int) =
    if code = 0 then
        { Passed = 1; Failed = 0 }
    else
        eprintfn "script %s failed" name
        { Passed = 0; Failed = 1 }

let fantomasCheck () =
    runOrFail "dotnet" [ "tool"; "restore" ]
    let code, _ = run "dotnet" ("fantomas" :: "--check" :: formatted)

    if code <> 0 then
        eprintfn "Fantomas drift: run 'dotnet fsi build.fsx format'"

    scriptTally "fantomas --check" code

let testProjects () =
    let fsharp =
        let code, out =
            run "dotnet" [
                "run"
                "--no-build"
                "-c"
                "Release"
                "--project"
                "tests/Gordo.Tests"
                "--"
                "--summary"
            ]

        expectoTally code out

    let csharp =
        let code, out =
            run "dotnet" [
                "test"
                "tests/Gordo.Interop.Tests"
                "--no-build"
                "-c"
                "Release"
                "-nologo"
            ]

        dotnetTestTally code out

    [ fsharp; csharp ]

let scripts () =
    Directory.GetFiles(Path.Combine(root, "examples", "scripts"), "*.fsx")
    |> Array.sort
    |> Array.map (fun script ->
        let code, _ = run "dotnet" [ "fsi"; "--quiet"; script ]
        scriptTally (Path.GetFileName script) code)
    |> List.ofArray

let test () =
    let format = fantomasCheck ()
    build ()
    let tallies = format :: testProjects () @ scripts ()
    let passed = tallies |> List.sumBy (fun t -> t.Passed)
    let failed = tallies |> List.sumBy (fun t -> t.Failed)
    printfn "%d passed, %d failed" passed failed
    exit (if failed = 0 then 0 else 1)

/// Builds, then runs bench/run.fsx, which runs the benchmarks and rewrites bench/README.md's table.
let bench (options: string list) =
    build ()
    runOrFail "dotnet" ([ "fsi"; "bench/run.fsx" ] @ options)

let pack () =
    // Gordo.Interop depends on the Gordo.Core package (its ProjectReference becomes a package dependency).
    for project in [ "src/Gordo.Core"; "src/Gordo.Interop" ] do
        runOrFail "dotnet" [ "pack"; project; "-c"; "Release"; "-o"; "artifacts" ]

match fsi.CommandLineArgs |> Array.tail |> List.ofArray with
| []
| [ "build" ] -> build ()
| [ "test" ] -> test ()
| "bench" :: options -> bench options
| [ "pack" ] -> pack ()
| [ "format" ] -> format ()
| other ->
    eprintfn "unknown target %A; use build|test|bench|pack|format" other
    exit 2
