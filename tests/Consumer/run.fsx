// The consumer test: what a C# user does with the packed packages, nothing else of this repository.
//   dotnet fsi tests/Consumer/run.fsx FEED
// FEED holds the packages of `build.fsx pack`. In a temp folder, with an empty NuGet cache of its
// own (NUGET_PACKAGES) and a nuget.config that adds FEED to the machine's sources, it makes two
// `dotnet new console` apps, adds packages (no ProjectReference), copies Program.cs beside this
// script into them, builds with warnings as errors and runs them:
//   full      Gordo.Interop + Gordo.Models.Torch: validate, build Dense and LSTM, score, host, call, workflow
//   validate  Gordo.Interop only: validate and workflow; its bin/ must stay under 60 MB
// Exits non-zero on the first failure; prints each step's time.

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions

let feed = Path.GetFullPath fsi.CommandLineArgs.[1]
let program = Path.Combine(__SOURCE_DIRECTORY__, "Program.cs")
let root = Path.Combine(Path.GetTempPath(), $"gordo-consumer-{Guid.NewGuid():N}")
let cache = Path.Combine(root, "nuget-packages")
let binBudgetMegabytes = 60.0

let fail (message: string) =
    eprintfn "consumer: %s" message
    exit 1

/// The version of the packed Gordo.Interop (the one every package shares).
let version =
    Directory.GetFiles(feed, "Gordo.Interop.*.nupkg")
    |> Array.map Path.GetFileName
    |> Array.tryPick (fun name ->
        let m = Regex.Match(name, @"^Gordo\.Interop\.(\d+\.\d+\.\d+.*)\.nupkg$")
        if m.Success then Some m.Groups.[1].Value else None)
    |> Option.defaultWith (fun () -> fail $"no Gordo.Interop package in {feed}")

/// Runs dotnet in `dir` with the consumer's own cache; returns stdout, failing on a non-zero exit.
let dotnet (dir: string) (args: string list) =
    let psi =
        ProcessStartInfo("dotnet", args, WorkingDirectory = dir, RedirectStandardOutput = true)

    psi.Environment.["NUGET_PACKAGES"] <- cache
    psi.Environment.["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    psi.Environment.["DOTNET_NOLOGO"] <- "1"
    let command = String.concat " " args
    let watch = Stopwatch.StartNew()
    use proc = Process.Start psi
    let out = proc.StandardOutput.ReadToEnd()
    proc.WaitForExit()
    printfn "  dotnet %s: %.0f s" command watch.Elapsed.TotalSeconds

    if proc.ExitCode <> 0 then
        printfn "%s" out
        fail $"'dotnet {command}' in {dir} failed with exit code {proc.ExitCode}"

    out

/// The machine's sources stay (no <clear/>); the packed folder is one more.
let nugetConfig =
    $"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="gordo-packed" value="{feed}" />
  </packageSources>
</configuration>
"""

let megabytes (dir: string) =
    Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
    |> Array.sumBy (fun f -> FileInfo(f).Length)
    |> fun bytes -> float bytes / 1024.0 / 1024.0

/// Makes, builds and runs one app; returns its stdout and the size of its bin/ in MB.
let app (name: string) (packages: string list) =
    printfn "consumer app %s (%s)" name (String.concat ", " packages)
    let dir = Path.Combine(root, name)
    Directory.CreateDirectory dir |> ignore

    dotnet dir [ "new"; "console"; "--framework"; "net10.0"; "--no-restore" ]
    |> ignore

    File.WriteAllText(Path.Combine(dir, "nuget.config"), nugetConfig)
    File.Copy(program, Path.Combine(dir, "Program.cs"), true)

    for package in packages do
        dotnet dir [ "add"; "package"; package; "--version"; version ] |> ignore

    dotnet dir [ "build"; "-c"; "Release"; "-warnaserror"; "-nologo"; "-v:q" ]
    |> ignore

    let bin = Path.Combine(dir, "bin", "Release", "net10.0")

    let out =
        dotnet dir [
            "exec"
            Path.Combine(bin, $"{name}.dll")
            name
            Path.Combine(root, $"{name}-work")
        ]

    printfn "%s" (out.TrimEnd())

    if not (out.Contains "consumer: ok") then
        fail $"{name} did not finish"

    out, megabytes bin

let full, fullMegabytes = app "full" [ "Gordo.Interop"; "Gordo.Models.Torch" ]

// TorchSharp's native load trace must not reach the app's stdout.
if Regex.IsMatch(full, "TorchSharp|LoadNativeBackend|libtorch", RegexOptions.IgnoreCase) then
    fail "TorchSharp wrote to stdout"

let _, validateMegabytes = app "validate" [ "Gordo.Interop" ]

printfn
    "bin/: full %.0f MB, validate-and-workflow %.1f MB (budget %.0f MB)"
    fullMegabytes
    validateMegabytes
    binBudgetMegabytes

if validateMegabytes > binBudgetMegabytes then
    fail $"the validate-and-workflow app's bin/ is {validateMegabytes:F1} MB, over {binBudgetMegabytes} MB"

Directory.Delete(root, true)
printfn "consumer: passed"
