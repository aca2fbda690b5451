/// Small tmpfs mounts for the full-disk and read-only output tests (they need root, as CI has).
module Gordo.Tests.Cli.Tmpfs

open System.Diagnostics
open System.IO
open Expecto

/// Runs a system command; exit code and stderr.
let private system (exe: string) (args: string list) =
    use p =
        Process.Start(ProcessStartInfo(exe, args, RedirectStandardError = true, RedirectStandardOutput = true))

    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, err

/// Mounts a tmpfs with `options` (such as `size=2048k` or `ro,size=64k`) at `dir`.
let mount (dir: string) (options: string) =
    Directory.CreateDirectory dir |> ignore

    match system "mount" [ "-t"; "tmpfs"; "-o"; options; "tmpfs"; dir ] with
    | 0, _ -> ()
    | code, err ->
        failtestf
            "this test mounts a tmpfs and needs root (CAP_SYS_ADMIN): 'mount -t tmpfs' exited %d: %s. Run the tests as root (CI does)."
            code
            err

/// Changes the size of the tmpfs mounted at `dir`.
let resize (dir: string) (kilobytes: int64) =
    match system "mount" [ "-o"; $"remount,size=%d{kilobytes}k"; dir ] with
    | 0, _ -> ()
    | code, err -> failtestf "remounting the tmpfs at %s exited %d: %s" dir code err

/// Unmounts `dir`, lazily when it is busy.
let unmount (dir: string) =
    match system "umount" [ dir ] with
    | 0, _ -> ()
    | _ -> system "umount" [ "-l"; dir ] |> ignore
