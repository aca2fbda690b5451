namespace Gordo.Server

open System
open System.Buffers

/// A growable byte buffer on the shared array pool (request bodies, rendered replies): no
/// large-object-heap garbage per request. `Dispose` returns the array to the pool.
[<Sealed>]
type PooledBuffer(capacity: int) =
    let pool = ArrayPool<byte>.Shared
    let mutable array = pool.Rent(max capacity 256)
    let mutable length = 0

    let ensure (hint: int) =
        let needed = length + max hint 1

        if needed > array.Length then
            let bigger = pool.Rent(max needed (array.Length * 2))
            Buffer.BlockCopy(array, 0, bigger, 0, length)
            pool.Return array
            array <- bigger

    /// How many bytes were written.
    member _.Length: int = length

    /// The bytes written so far (valid until the next write or `Dispose`).
    member _.Written: ReadOnlyMemory<byte> = ReadOnlyMemory(array, 0, length)

    /// The free space after the written bytes, at least `hint` bytes (grows the buffer), as
    /// part of the buffer's array (for writers that store by index).
    member _.FreeSegment(hint: int) : ArraySegment<byte> =
        ensure hint
        ArraySegment(array, length, array.Length - length)

    /// The free space after the written bytes, at least `hint` bytes (grows the buffer).
    member this.Free(hint: int) : Memory<byte> = this.FreeSegment(hint).AsMemory()

    /// Marks `count` more bytes of the free space as written.
    member _.Advance(count: int) : unit = length <- length + count

    interface IBufferWriter<byte> with
        member this.Advance(count) = this.Advance count
        member this.GetMemory(hint) = this.Free hint
        member this.GetSpan(hint) = this.Free(hint).Span

    interface IDisposable with
        member _.Dispose() =
            if not (isNull array) then
                pool.Return array
                array <- null

/// Appending raw bytes to a buffer writer (a `PooledBuffer` or a response pipe).
[<RequireQualifiedAccess>]
module BufferWriter =
    /// Appends `bytes`.
    let writeSpan (output: IBufferWriter<byte>) (bytes: ReadOnlySpan<byte>) : unit =
        bytes.CopyTo(output.GetSpan bytes.Length)
        output.Advance bytes.Length

    /// Appends `bytes`.
    let write (output: IBufferWriter<byte>) (bytes: byte[]) : unit = writeSpan output (ReadOnlySpan bytes)
