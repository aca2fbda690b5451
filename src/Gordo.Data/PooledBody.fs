namespace Gordo.Data

open System
open System.Buffers
open System.Net.Http
open System.Threading
open System.Threading.Tasks

/// An HTTP reply's body read into an array rented from `ArrayPool<byte>.Shared`, given back on
/// `Dispose`. A client that reads many replies of 100 kB and more (InfluxDB's JSON, a server's
/// Parquet) would otherwise allocate each on the large-object heap, whose budget triggers
/// full (gen 2) collections: about a seventh of `gordo client predict`'s CPU (bench/client).
/// Read the reply with `HttpCompletionOption.ResponseHeadersRead`, so that the handler does not
/// buffer (and copy) it first.
[<Sealed>]
type internal PooledBody private (buffer: byte[], length: int) =
    let mutable rented = buffer

    /// The body (valid until `Dispose`).
    member _.Span: ReadOnlySpan<byte> = ReadOnlySpan(rented, 0, length)

    /// The body (valid until `Dispose`).
    member _.Memory: ReadOnlyMemory<byte> = ReadOnlyMemory(rented, 0, length)

    /// The body as a segment of the rented array (valid until `Dispose`).
    member _.Segment: ArraySegment<byte> = ArraySegment(rented, 0, length)

    /// A copy of the body.
    member _.ToArray() : byte[] =
        ReadOnlySpan(rented, 0, length).ToArray()

    /// Reads `content` to its end; `Content-Length`, when given, sizes the first array.
    static member ReadAsync(content: HttpContent, cancel: CancellationToken) : Task<PooledBody> =
        task {
            use! stream = content.ReadAsStreamAsync(cancel)
            let declared = content.Headers.ContentLength

            let first =
                if declared.HasValue then
                    int (min declared.Value 0x40000000L) + 1
                else
                    16384

            let mutable buffer = ArrayPool<byte>.Shared.Rent(max 4096 first)
            let mutable n = 0
            let mutable reading = true

            try
                while reading do
                    if n = buffer.Length then
                        let larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2)
                        Buffer.BlockCopy(buffer, 0, larger, 0, n)
                        ArrayPool<byte>.Shared.Return buffer
                        buffer <- larger

                    let! read = stream.ReadAsync(buffer.AsMemory(n), cancel)

                    if read = 0 then reading <- false else n <- n + read
            finally
                // Given back here only when the read failed (the body owns it otherwise).
                if reading then
                    ArrayPool<byte>.Shared.Return buffer

            return new PooledBody(buffer, n)
        }

    interface IDisposable with
        member _.Dispose() =
            if not (isNull rented) then
                ArrayPool<byte>.Shared.Return rented
                rented <- null
