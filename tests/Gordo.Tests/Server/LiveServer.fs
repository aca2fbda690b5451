module Gordo.Tests.Server.LiveServer

open System
open System.Diagnostics
open System.IO
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.Logging
open Gordo.Build
open Gordo.Server
open Gordo.Tests.Builder

/// A revision directory `444` with `pump-1` built by the real builder (DiffBasedAnomalyDetector
/// around MinMaxScaler + feedforward_hourglass, sample data) and `broken` (no metadata.json).
let builtModels: Lazy<string> =
    lazy
        (let root =
            Path.Combine(Path.GetTempPath(), "gordo-live-server", Guid.NewGuid().ToString("N"), "444")

         match ModelBuilderTests.build ModelBuilderTests.detectorModel "" (Some(Path.Combine(root, "pump-1"))) with
         | Ok _ -> ()
         | Error e -> failwithf "building the test model failed: %s" e.Message

         Directory.CreateDirectory(Path.Combine(root, "broken")) |> ignore
         root)

/// Starts Kestrel on a free loopback port over a collection directory with an adjusted
/// configuration; returns the base URL.
let startWith (adjust: ServerConfig -> ServerConfig) (dir: string) : string =
    let config =
        adjust {
            ServerFixture.config dir with
                ExpectedModels = [ "pump-1" ]
        }

    let app =
        App.create config (fun b ->
            b.WebHost.UseUrls "http://127.0.0.1:0" |> ignore
            b.Logging.ClearProviders() |> ignore)

    app.StartAsync().Wait()
    (app.Urls |> Seq.head).TrimEnd '/'

/// Starts Kestrel on a free loopback port over a collection directory; returns the base URL.
let start (dir: string) : string = startWith id dir

/// The shared live server over `builtModels`.
let url: Lazy<string> = lazy (start builtModels.Value)

/// The result of a finished process.
type Finished = {
    ExitCode: int
    Output: string
    Error: string
}

/// Runs a program to completion (killed after `timeoutSeconds`).
let run (program: string) (args: string list) (timeoutSeconds: int) : Finished =
    let info = ProcessStartInfo(program, args)
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    use p = Process.Start info
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit(timeoutSeconds * 1000)) then
        p.Kill true
        failwithf "%s did not finish within %d s" program timeoutSeconds

    {
        ExitCode = p.ExitCode
        Output = out.Result
        Error = err.Result
    }

/// The full path of a program on PATH (or an absolute path that exists).
let which (program: string) : string option =
    if Path.IsPathRooted program then
        Some program |> Option.filter File.Exists
    else
        (Environment.GetEnvironmentVariable "PATH").Split ':'
        |> Array.map (fun d -> Path.Combine(d, program))
        |> Array.tryFind File.Exists
