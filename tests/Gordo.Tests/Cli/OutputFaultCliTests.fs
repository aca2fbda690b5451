/// Bad output paths, failed writes and out-of-range counts: one clear line and an exit code,
/// never a .NET stack trace, and a failed write keeps the previous output.
module Gordo.Tests.Cli.OutputFaultCliTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Tests.Cli.GordoProcess

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-outputfault-%s{name}-" + Guid.NewGuid().ToString("N"))

/// No unhandled exception and no stack frame in the output.
let private noStackTrace (output: string) =
    Expect.isFalse (output.Contains "Unhandled exception") $"no unhandled exception: %s{output}"
    Expect.isFalse (output.Contains "   at ") $"no stack trace: %s{output}"

/// Exit 20 with one line on standard error that contains `message`.
let private unwritable (message: string) (code: int, stdout: string, stderr: string) =
    Expect.equal code 20 (stdout + stderr)
    Expect.stringContains stderr message "says what is wrong"
    Expect.equal (stderr.Trim().Split '\n').Length 1 $"one line: %s{stderr}"
    noStackTrace (stdout + stderr)

/// A usage error (exit 2) whose first line names `option` and the accepted range.
let private usage (option: string) (code: int, stdout: string, stderr: string) =
    Expect.equal code 2 (stdout + stderr)
    Expect.stringStarts stderr $"ERROR parsing '%s{option}': must be at least 1, but was" "names the option and range"
    noStackTrace (stdout + stderr)

/// The sample plant of 2 days in a fresh directory; its config.
let private sample () =
    let dir = temp "sample"
    let code, stdout, stderr = run [] [ "data"; "generate"; "-o"; dir; "--days"; "2" ]
    Expect.equal code 0 (stdout + stderr)
    Path.Combine(dir, "gordo-config.yaml")

/// `gordo workflow generate` of `config` into `output`.
let private workflowInto (config: string) (output: string) =
    run [] [
        "workflow"
        "generate"
        "--machine-config"
        config
        "--project-name"
        "p"
        "--output-file"
        output
    ]

/// The entries of `folder` left by atomic writes.
let private temporaries (folder: string) =
    Directory.GetFileSystemEntries folder
    |> Array.map Path.GetFileName
    |> Array.filter (fun n -> (AtomicPath.tryLeftover n).IsSome)

/// The bytes of every file in `folder`, by name.
let private contents (folder: string) =
    Directory.GetFiles folder
    |> Array.map (fun f -> Path.GetFileName f, File.ReadAllBytes f)
    |> Map.ofArray

let private badPaths =
    testList "bad output paths: exit 20 and one line" [
        test "dataset -o in a missing directory" {
            let path = Path.Combine(temp "missing", "dir", "x.parquet")

            run [] [ "dataset"; sample (); "-m"; "pump-1"; "-o"; path ]
            |> unwritable
                $"gordo dataset: cannot write to '%s{path}': the directory '%s{Path.GetDirectoryName path}' does not exist; create it or choose another --output"
        }
        test "dataset -o naming a directory" {
            let dir = temp "dir"
            Directory.CreateDirectory dir |> ignore

            run [] [ "dataset"; sample (); "-m"; "pump-1"; "-o"; dir ]
            |> unwritable $"gordo dataset: cannot write to '%s{dir}': it is a directory, not a file"
        }
        test "data generate -o naming a file, or a path under a file" {
            let file = temp "file"
            File.WriteAllText(file, "keep")

            run [] [ "data"; "generate"; "-o"; file; "--days"; "1" ]
            |> unwritable
                $"gordo data generate: cannot write to '%s{file}': it is a file, not a directory; choose another --output"

            run [] [ "data"; "generate"; "-o"; Path.Combine(file, "sub"); "--days"; "1" ]
            |> unwritable $"'%s{file}' is a file, not a directory"

            Expect.equal (File.ReadAllText file) "keep" "the file is untouched"
        }
        test "workflow generate --output-file in a missing directory" {
            let path = Path.Combine(temp "missing", "w.yaml")

            workflowInto (sample ()) path
            |> unwritable
                $"gordo workflow generate: cannot write to '%s{path}': the directory '%s{Path.GetDirectoryName path}' does not exist"
        }
        test "data generate and workflow generate into a read-only filesystem" {
            let config = sample ()
            let mount = temp "readonly"
            Tmpfs.mount mount "ro,size=64k"

            try
                run [] [ "data"; "generate"; "-o"; mount; "--days"; "1" ]
                |> unwritable $"cannot write to '%s{mount}': the file system is read-only"

                workflowInto config (Path.Combine(mount, "w.yaml"))
                |> unwritable "the file system is read-only; choose another --output-file"
            finally
                Tmpfs.unmount mount
        }
    ]

let private atomic =
    testList "a failed write keeps the previous output and leaves no temporary file" [
        test "data generate on a full disk" {
            let mount = temp "full"
            Tmpfs.mount mount "size=1024k"

            try
                let code, stdout, stderr = run [] [ "data"; "generate"; "-o"; mount; "--days"; "2" ]
                Expect.equal code 0 (stdout + stderr)
                let previous = contents mount

                run [] [ "data"; "generate"; "-o"; mount; "--days"; "10" ]
                |> unwritable $"cannot write to '%s{mount}': no space left on device"

                Expect.equal (contents mount) previous "the previous files"
                Expect.isEmpty (temporaries mount) "no temporary file"
            finally
                Tmpfs.unmount mount
        }
        test "workflow generate --output-file on a full disk" {
            let config = sample ()
            let mount = temp "full"
            Tmpfs.mount mount "size=64k"

            let generate () =
                workflowInto config (Path.Combine(mount, "w.yaml"))

            try
                let code, stdout, stderr = generate ()
                Expect.equal code 0 (stdout + stderr)
                let previous = contents mount
                generate () |> unwritable "no space left on device"
                Expect.equal (contents mount) previous "the previous workflow"
                Expect.isEmpty (temporaries mount) "no temporary file"
            finally
                Tmpfs.unmount mount
        }
        test "data generate removes what a killed run left" {
            let dir = Path.GetDirectoryName(sample ())
            let leftover = Path.Combine(dir, ".data.parquet.tmp-" + Guid.NewGuid().ToString "N")
            File.WriteAllText(leftover, "partial")
            let code, stdout, stderr = run [] [ "data"; "generate"; "-o"; dir; "--days"; "1" ]
            Expect.equal code 0 (stdout + stderr)
            Expect.isEmpty (temporaries dir) "no temporary file"
        }
    ]

let private counts =
    testList "counts below 1 are usage errors" [
        test "data generate --days 0 and -3" {
            for days in [ "0"; "-3" ] do
                let dir = temp "days"
                run [] [ "data"; "generate"; "-o"; dir; "--days"; days ] |> usage "--days"
                Expect.isFalse (Directory.Exists dir) "nothing written"
        }
        test "data generate --interval outside 1s..1D names the range; a good one says what it makes" {
            for interval in [ "1ms"; "2D" ] do
                let dir = temp "interval"

                let code, stdout, stderr =
                    run [] [ "data"; "generate"; "-o"; dir; "--interval"; interval ]

                Expect.equal code 1 (stdout + stderr)
                Expect.stringContains stderr $"--interval: '%s{interval}' must be from 1s to 1D" "the range"
                Expect.isFalse (Directory.Exists dir) "nothing written"

            let dir = temp "interval"

            let code, stdout, stderr =
                run [] [ "data"; "generate"; "-o"; dir; "--interval"; "1H"; "--days"; "2" ]

            Expect.equal code 0 (stdout + stderr)
            Expect.stringStarts stdout "generating 3 machines, 48 rows each (2 days every 1H)" "the work told up front"
        }
        test "local-build --parallel 0 and -2" {
            let config = sample ()

            for builds in [ "0"; "-2" ] do
                let out = temp "models"

                run [] [ "local-build"; config; "-o"; out; "--parallel"; builds ]
                |> usage "--parallel"

                Expect.isFalse (Directory.Exists out) "nothing built"
        }
    ]

[<Tests>]
let tests =
    testSequenced <| testList "Cli output faults" [ badPaths; atomic; counts ]
