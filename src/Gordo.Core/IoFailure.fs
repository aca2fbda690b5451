namespace Gordo.Core

open System.IO

/// Recognising I/O failures that need their own message.
[<RequireQualifiedAccess>]
module internal IoFailure =
    /// True when `e` says the filesystem is full: ENOSPC (28) on Unix, ERROR_DISK_FULL (112) or
    /// ERROR_HANDLE_DISK_FULL (39) on Windows.
    let isDiskFull (e: exn) : bool =
        match e with
        | :? IOException as io ->
            match io.HResult with
            | 28
            | 0x80070070
            | 0x80070027 -> true
            | _ -> false
        | _ -> false

    /// True when `e` says the filesystem is mounted read-only (EROFS, 30, on Unix).
    let isReadOnly (e: exn) : bool =
        match e with
        | :? IOException as io -> io.HResult = 30
        | _ -> false
