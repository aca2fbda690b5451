namespace Gordo.Models.Torch

open TorchSharp

/// Process-wide TorchSharp settings: threads and seeding (the native library loads on first use;
/// see build/TorchSharpNative.targets for how it is made loadable on Debian 12).
[<RequireQualifiedAccess>]
module Native =
    [<System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")>]
    extern int private setenv(string name, string value, int overwrite)

    let private gate = obj ()
    let mutable private configured = false
    let mutable private environmentSet = false

    /// libtorch's OpenMP threads busy-wait by default; on a shared or busy machine that makes
    /// every parallel region wait for a scheduler slice (hundreds of ms per training step here).
    /// PASSIVE waiting (unless the user set OMP_WAIT_POLICY) must be in the native environment
    /// before libtorch loads.
    let private prepareEnvironment () =
        if not environmentSet then
            environmentSet <- true

            if
                isNull (System.Environment.GetEnvironmentVariable "OMP_WAIT_POLICY")
                && not (System.OperatingSystem.IsWindows())
            then
                setenv ("OMP_WAIT_POLICY", "PASSIVE", 0) |> ignore

    /// Uses `threads` intra-op threads (0 or less: all cores). Call before training.
    let setThreads (threads: int) : unit =
        lock gate (fun () ->
            prepareEnvironment ()

            let n =
                if threads <= 0 then
                    System.Environment.ProcessorCount
                else
                    threads

            torch.set_num_threads n
            configured <- true)

    /// Makes sure TorchSharp is loaded and its thread count set (default: all cores).
    let ensure () : unit =
        if not configured then
            setThreads 0

    /// Seeds libtorch's generator so initialisation and shuffling are reproducible.
    let seed (value: int) : unit =
        ensure ()
        torch.manual_seed (int64 value) |> ignore
