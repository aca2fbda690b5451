namespace Gordo.Models.Artifacts

open System.IO
open System.Text
open Gordo.Models

/// The binary encoding of a model state (`state.bin`, see ARTIFACT-FORMAT.md): the ASCII magic
/// `GORDO-STATE`, a little-endian uint16 version, then one node:
/// tag byte 0 Empty | 1 Number f64 | 2 Vector i32 n, n×f64 | 3 Matrix i32 rows, i32 cols,
/// rows×cols f64 row-major | 4 Bytes i32 n, n bytes | 5 Text (7-bit-length-prefixed UTF-8) |
/// 6 Record i32 n, n×(name, node) | 7 List i32 n, n×node.
[<RequireQualifiedAccess>]
module internal StateFormat =
    /// The magic prefix.
    let magic: byte[] = Encoding.ASCII.GetBytes "GORDO-STATE"

    /// The format version written.
    let version: uint16 = 1us

    let rec private write (w: BinaryWriter) (state: State) =
        match state with
        | State.Empty -> w.Write 0uy
        | State.Number v ->
            w.Write 1uy
            w.Write v
        | State.Vector v ->
            w.Write 2uy
            w.Write v.Length
            v |> Array.iter w.Write
        | State.Matrix m ->
            w.Write 3uy
            w.Write(Matrix.rows m)
            w.Write(Matrix.cols m)
            m |> Array2D.iter w.Write
        | State.Bytes b ->
            w.Write 4uy
            w.Write b.Length
            w.Write b
        | State.Text t ->
            w.Write 5uy
            w.Write t
        | State.Record fields ->
            w.Write 6uy
            w.Write fields.Length

            for name, value in fields do
                w.Write name
                write w value
        | State.List items ->
            w.Write 7uy
            w.Write items.Length
            items |> List.iter (write w)

    let private count (r: BinaryReader) =
        let n = r.ReadInt32()

        if n < 0 || int64 n > r.BaseStream.Length then
            raise (InvalidDataException "state.bin: invalid length (corrupt file)")

        n

    let rec private read (r: BinaryReader) : State =
        match r.ReadByte() with
        | 0uy -> State.Empty
        | 1uy -> State.Number(r.ReadDouble())
        | 2uy -> State.Vector(Array.init (count r) (fun _ -> r.ReadDouble()))
        | 3uy ->
            let rows = count r
            let cols = count r
            let values = Array.init (rows * cols) (fun _ -> r.ReadDouble())
            State.Matrix(Array2D.init rows cols (fun i j -> values.[i * cols + j]))
        | 4uy -> State.Bytes(r.ReadBytes(count r))
        | 5uy -> State.Text(r.ReadString())
        | 6uy -> State.Record(List.init (count r) (fun _ -> let name = r.ReadString() in name, read r))
        | 7uy -> State.List(List.init (count r) (fun _ -> read r))
        | tag -> raise (InvalidDataException($"state.bin: unknown node tag %d{tag} (corrupt file)"))

    /// Encodes a state.
    let toBytes (state: State) : byte[] =
        use stream = new MemoryStream()
        use w = new BinaryWriter(stream, Encoding.UTF8)
        w.Write magic
        w.Write version
        write w state
        w.Flush()
        stream.ToArray()

    /// Decodes a state, checking magic and version.
    let ofBytes (bytes: byte[]) : State =
        use r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8)

        if bytes.Length < magic.Length + 2 || r.ReadBytes magic.Length <> magic then
            raise (InvalidDataException "state.bin is not a Gordo model state (bad magic)")

        let v = r.ReadUInt16()

        if v <> version then
            raise (InvalidDataException($"state.bin has format version %d{v}; this build reads version %d{version}"))

        try
            read r
        with :? EndOfStreamException ->
            raise (InvalidDataException "state.bin is truncated (corrupt file)")
