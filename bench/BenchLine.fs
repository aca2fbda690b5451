/// The figures a bench program hands to bench/run.fsx, which builds bench/README.md's table:
/// tab-separated lines `##bench  ours|peer  KEY  TEXT  VALUE  UNIT  NOTE` on standard output.
/// Ours and the peer with the same KEY make one row; UNIT is `s`, `B` or a rate such as `req/s`.
[<RequireQualifiedAccess>]
module BenchLine

open System

let private emit (role: string) (key: string) (text: string) (value: float) (unit: string) (note: string) =
    let clean (s: string) = s.Replace('\t', ' ').Replace('\n', ' ')

    Console.Out.WriteLine(
        String.Join(
            "\t",
            [|
                "##bench"
                role
                key
                clean text
                value.ToString("R", Globalization.CultureInfo.InvariantCulture)
                unit
                clean note
            |]
        )
    )

/// Our figure for row KEY, described by `what`.
let ours (key: string) (what: string) (value: float) (unit: string) (note: string) : unit =
    emit "ours" key what value unit note

/// The peer's figure for row KEY, with the peer's name.
let peer (key: string) (name: string) (value: float) (unit: string) (note: string) : unit =
    emit "peer" key name value unit note
