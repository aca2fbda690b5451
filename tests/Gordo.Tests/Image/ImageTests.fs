/// The container image (Dockerfile), entered the way a workflow's containers run it, by
/// .ci/image/test.sh: as the image's non-root user `gordo --version`, `validate`, `local-build`
/// (Dense, PCA and LSTM models), `run-server` with a prediction per model and `/metrics`, and the
/// script steps' tools. Building the image takes minutes, so .ci/setup.d/70-image.sh builds it
/// once (`dotnet fsi build.fsx image`) and exports GORDO_TEST_IMAGE, its reference; without that
/// variable the test is skipped. The script needs root and podman.
module Gordo.Tests.Image.ImageTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Gordo.Tests.Support

let private image = Environment.GetEnvironmentVariable "GORDO_TEST_IMAGE"

/// Runs .ci/image/test.sh, stopping it after ten minutes; the exit code and all output.
let private runScript (port: int) =
    let script = Path.Combine(repoRoot, ".ci", "image", "test.sh")

    let psi =
        ProcessStartInfo(
            "bash",
            [ script; image; string port ],
            RedirectStandardOutput = true,
            RedirectStandardError = true
        )

    use proc = Process.Start psi
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()

    if not (proc.WaitForExit(TimeSpan.FromMinutes 10.0)) then
        proc.Kill true

    proc.WaitForExit()
    proc.ExitCode, out.Result + err.Result

[<Tests>]
let tests =
    testList "Image" [
        test "as its non-root user the image validates, builds, serves, predicts and exports metrics" {
            if String.IsNullOrEmpty image then
                skiptest
                    "GORDO_TEST_IMAGE is not set: source .ci/setup.d/70-image.sh (as root, with podman) to build the image"

            let code, output = runScript (Gordo.Tests.Cli.RunServerCliTests.freePort ())
            Expect.equal code 0 output
            Expect.stringContains output $"image test: %s{image} passed" "the script ran to its end"
            Expect.stringContains output "POST lstm-1/prediction: 200" "the LSTM model (libtorch) served"
        }
    ]
