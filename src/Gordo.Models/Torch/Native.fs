namespace Gordo.Models.Torch

open TorchSharp

/// Process-wide TorchSharp settings: threads and seeding (the native library loads on first use;
/// see build/TorchSharpNative.targets for how it is made loadable on Debian 12).
[<RequireQualifiedAccess>]
module Native =
    let private gate = obj ()
    let mutable private configured = false

    /// Uses `threads` intra-op threads (0 or less: all cores). Call before training.
    let setThreads (threads: int) : unit =
        lock gate (fun () ->
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
