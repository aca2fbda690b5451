namespace Gordo.Models.Anomaly

open System
open Gordo.Models

/// The result of `anomaly(X, y)` (spec §3.3): two-level column names and float columns, plus the
/// `start`/`end` timestamps (ISO strings, None without a datetime index).
type AnomalyFrame = {
    /// `start` per row.
    Start: string option[]
    /// `end` per row (start + frequency).
    End: string option[]
    /// (top-level, second-level) name and values, in spec order after start/end.
    Columns: ((string * string) * float[]) list
}

/// Building anomaly frames.
[<RequireQualifiedAccess>]
module Frame =
    /// pandas `Timestamp.isoformat()`.
    let internal isoformat (t: DateTimeOffset) : string =
        let fraction =
            if t.Ticks % TimeSpan.TicksPerSecond = 0L then
                ""
            else
                t.ToString(".ffffff")

        t.ToString("yyyy-MM-dd'T'HH:mm:ss") + fraction + t.ToString("zzz")

    /// `(top, name)` columns of a matrix.
    let internal block (top: string) (names: string[]) (m: Matrix) : ((string * string) * float[]) list = [
        for j in 0 .. Matrix.cols m - 1 -> (top, names.[j]), Matrix.column j m
    ]

    /// `(top, name)` columns of column arrays (the arrays themselves, not copies).
    let internal blockOfColumns
        (top: string)
        (names: string[])
        (columns: float[][])
        : ((string * string) * float[]) list =
        [ for j in 0 .. columns.Length - 1 -> (top, names.[j]), columns.[j] ]

    /// Names of the model-output columns: target names when the count matches, else "0", "1", ...
    let internal outputNames (targetNames: string[]) (count: int) : string[] =
        if targetNames.Length = count then
            targetNames
        else
            Array.init count string

    /// Start/end columns of the last `rows` index entries.
    let internal times (index: DateTimeOffset[] option) (frequency: TimeSpan option) (rows: int) =
        match index with
        | Some idx ->
            let last = idx.[idx.Length - rows ..]
            let start = last |> Array.map (isoformat >> Some)

            let finish =
                match frequency with
                | Some f -> last |> Array.map (fun t -> Some(isoformat (t + f)))
                | None -> Array.create rows None

            start, finish
        | None -> Array.create rows None, Array.create rows None

    /// The column named (top, sub), if present.
    let tryColumn (top: string) (sub: string) (frame: AnomalyFrame) : float[] option =
        frame.Columns |> List.tryFind (fst >> (=) (top, sub)) |> Option.map snd
