namespace Gordo.Server

open System
open System.Text

/// Python's `json.dumps` writes NaN and infinities as the bare tokens `NaN`, `Infinity` and
/// `-Infinity`, which strict JSON parsers reject. Gordo's clients send them (pandas data with
/// gaps), so a body that fails to parse is retried with those tokens quoted.
[<RequireQualifiedAccess>]
module internal PythonJson =
    let private tokens =
        [ "-Infinity"; "Infinity"; "NaN" ] |> List.map Encoding.ASCII.GetBytes

    let private tokenAt (bytes: byte[]) (i: int) : byte[] option =
        tokens
        |> List.tryFind (fun t -> i + t.Length <= bytes.Length && bytes.AsSpan(i, t.Length).SequenceEqual(t))

    /// The body with every bare `NaN`/`Infinity`/`-Infinity` outside strings quoted, or None
    /// when there is none.
    let quoteNonFinite (bytes: byte[]) : byte[] option =
        let out = ResizeArray<byte>(bytes.Length + 64)
        let mutable inString = false
        let mutable escaped = false
        let mutable changed = false
        let mutable i = 0

        while i < bytes.Length do
            let b = bytes.[i]

            match (if inString then None else tokenAt bytes i) with
            | Some token ->
                out.Add(byte '"')
                out.AddRange token
                out.Add(byte '"')
                changed <- true
                i <- i + token.Length
            | None ->
                if inString then
                    if escaped then
                        escaped <- false
                    elif b = byte '\\' then
                        escaped <- true
                    elif b = byte '"' then
                        inString <- false
                elif b = byte '"' then
                    inString <- true

                out.Add b
                i <- i + 1

        if changed then Some(out.ToArray()) else None
