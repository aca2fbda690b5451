namespace Gordo.Server

open System
open System.Buffers
open System.Runtime.InteropServices
open CommunityToolkit.HighPerformance.Buffers

/// Appending raw bytes to a buffer writer (a pooled `ArrayPoolBufferWriter` holding a request
/// body or a rendered reply, or a response pipe).
[<RequireQualifiedAccess>]
module internal BufferWriter =
    /// Appends `bytes`.
    let writeSpan (output: IBufferWriter<byte>) (bytes: ReadOnlySpan<byte>) : unit =
        bytes.CopyTo(output.GetSpan bytes.Length)
        output.Advance bytes.Length

    /// Appends `bytes`.
    let write (output: IBufferWriter<byte>) (bytes: byte[]) : unit = writeSpan output (ReadOnlySpan bytes)

    /// The free space after the written bytes, at least `hint` bytes (grows the buffer), as part
    /// of the buffer's array (for writers that store by index).
    let freeSegment (output: ArrayPoolBufferWriter<byte>) (hint: int) : ArraySegment<byte> =
        let free: ReadOnlyMemory<byte> = Memory.op_Implicit (output.GetMemory hint)

        match MemoryMarshal.TryGetArray free with
        | true, segment -> segment
        | _ -> invalidOp "an ArrayPoolBufferWriter's memory is an array"
