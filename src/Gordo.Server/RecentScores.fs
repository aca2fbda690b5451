namespace Gordo.Server

open System
open System.IO

/// Consecutive scored rows of a model, column by column (copies, never the reply's arrays).
[<NoEquality; NoComparison>]
type internal ScoredRows = {
    /// The rows' times (the request's time index).
    Times: DateTimeOffset[]
    /// `total-anomaly-scaled`.
    Scaled: float[]
    /// `total-anomaly-confidence` (NaN for a model without thresholds).
    Confidence: float[]
    /// `tag-anomaly-scaled`, one column per target tag.
    TagScaled: float[][]
    /// `model-input`, one column per input tag (for the data-quality flags of the page).
    Inputs: float[][]
}

/// Slicing and joining scored rows.
[<RequireQualifiedAccess>]
module internal ScoredRows =
    /// Rows `a` to `b - 1`, copied.
    let slice (a: int) (b: int) (r: ScoredRows) : ScoredRows = {
        Times = r.Times.[a .. b - 1]
        Scaled = r.Scaled.[a .. b - 1]
        Confidence = r.Confidence.[a .. b - 1]
        TagScaled = r.TagScaled |> Array.map (fun c -> c.[a .. b - 1])
        Inputs = r.Inputs |> Array.map (fun c -> c.[a .. b - 1])
    }

    /// The rows of several runs one after the other.
    let concat (targets: int) (inputs: int) (runs: ScoredRows list) : ScoredRows =
        let join (pick: ScoredRows -> 'T[]) = runs |> List.map pick |> Array.concat

        {
            Times = join _.Times
            Scaled = join _.Scaled
            Confidence = join _.Confidence
            TagScaled = Array.init targets (fun j -> join (fun r -> r.TagScaled.[j]))
            Inputs = Array.init inputs (fun j -> join (fun r -> r.Inputs.[j]))
        }

    /// The last `n` rows of an anomaly table's columns at `times` (None without
    /// `total-anomaly-scaled`): the target and input tag names and the rows.
    let ofColumns
        (n: int)
        (times: DateTimeOffset[])
        (columns: ((string * string) * float[]) list)
        : (string[] * string[] * ScoredRows) option =
        let rows = times.Length
        let n = min n rows
        let last (values: float[]) = values.[values.Length - n ..]
        let group (top: string) = columns |> List.filter (fun ((t, _), _) -> t = top)

        let single (top: string) =
            columns |> List.tryFind (fun ((t, _), _) -> t = top) |> Option.map snd

        match single "total-anomaly-scaled" with
        | Some scaled when scaled.Length = rows ->
            let tags = group "tag-anomaly-scaled"
            let inputs = group "model-input"

            Some(
                tags |> List.map (fst >> snd) |> Array.ofList,
                inputs |> List.map (fst >> snd) |> Array.ofList,
                {
                    Times = times.[rows - n ..]
                    Scaled = last scaled
                    Confidence =
                        single "total-anomaly-confidence"
                        |> Option.map last
                        |> Option.defaultWith (fun () -> Array.create n Double.NaN)
                    TagScaled = tags |> List.map (snd >> last) |> Array.ofList
                    Inputs = inputs |> List.map (snd >> last) |> Array.ofList
                }
            )
        | _ -> None

/// The latest scored rows of one model, at most `capacity`, in time order; thread-safe. A run of
/// rows replaces the kept rows from its first time on (a re-sent window is not counted twice); a
/// run that ends before the newest kept row is ignored (a backfill does not push the recent rows
/// out).
type internal RecentRing(capacity: int, targets: string[], inputs: string[]) =
    let gate = obj ()
    let runs = Collections.Generic.List<ScoredRows>()
    let mutable count = 0

    let removeLast () =
        count <- count - runs.[runs.Count - 1].Times.Length
        runs.RemoveAt(runs.Count - 1)

    /// Target tag names (`tag-anomaly-scaled`).
    member _.Targets: string[] = targets
    /// Input tag names (`model-input`).
    member _.Inputs: string[] = inputs

    /// An upper bound of the memory the ring holds when full, in bytes.
    member _.Bytes: int64 =
        int64 capacity * int64 (8 * (3 + targets.Length + inputs.Length)) + 1024L

    /// Adds rows in time order.
    member _.Add(rows: ScoredRows) : unit =
        let n = rows.Times.Length

        lock gate (fun () ->
            let newest () =
                let r = runs.[runs.Count - 1]
                r.Times.[r.Times.Length - 1]

            if n > 0 && not (count > 0 && rows.Times.[n - 1] < newest ()) then
                let first = rows.Times.[0]

                while runs.Count > 0 && runs.[runs.Count - 1].Times.[0] >= first do
                    removeLast ()

                if runs.Count > 0 && newest () >= first then
                    let r = runs.[runs.Count - 1]
                    let keep = Array.FindIndex(r.Times, fun t -> t >= first)
                    removeLast ()
                    runs.Add(ScoredRows.slice 0 keep r)
                    count <- count + keep

                runs.Add(if n > capacity then ScoredRows.slice (n - capacity) n rows else rows)
                count <- count + min n capacity

                while count - runs.[0].Times.Length >= capacity do
                    count <- count - runs.[0].Times.Length
                    runs.RemoveAt 0

                if count > capacity then
                    let r = runs.[0]
                    let drop = count - capacity
                    runs.[0] <- ScoredRows.slice drop r.Times.Length r
                    count <- capacity)

    /// The kept rows, oldest first.
    member _.Snapshot() : ScoredRows =
        lock gate (fun () -> ScoredRows.concat targets.Length inputs.Length (List.ofSeq runs))

/// The recent scored rows of every model, fed by the anomaly routes, shown by the project page
/// (issue 21). At most `rows` rows per model (`GORDO_SERVER_RECENT_ROWS`; 0 keeps none), for at
/// most `models` models and at most `MaxBytes` in all: the models scored least recently are
/// dropped first.
type internal RecentScores(rows: int, models: int) =
    let rings =
        Lru<string, RecentRing>(max 1 models, RecentScores.MaxBytes, (fun _ ring -> ring.Bytes))

    static let key (dir: string) (model: string) = Path.Combine(dir, model)

    /// The memory all rings may hold together (64 MB).
    static member MaxBytes: int64 = 64L * 1024L * 1024L

    /// Rows kept per model.
    member _.Rows: int = rows

    /// Keeps the rows of an anomaly table of a model of a revision directory (its columns at
    /// `times`); nothing for a table without `total-anomaly-scaled`.
    member _.Feed(dir: string, model: string, times: DateTimeOffset[], columns: ((string * string) * float[]) list) =
        if rows > 0 then
            match ScoredRows.ofColumns rows times columns with
            | Some(targets, inputs, scored) ->
                let k = key dir model
                let create _ = RecentRing(rows, targets, inputs)
                let ring = rings.GetOrAdd(k, create)

                let ring =
                    if ring.Targets = targets && ring.Inputs = inputs then
                        ring
                    else
                        rings.Remove k
                        rings.GetOrAdd(k, create)

                ring.Add scored
            | None -> ()

    /// The kept rows of a model (None: none since the server started, or dropped).
    member _.Recent(dir: string, model: string) : (string[] * string[] * ScoredRows) option =
        rings.TryPeek(key dir model)
        |> Option.map (fun ring -> ring.Targets, ring.Inputs, ring.Snapshot())
        |> Option.filter (fun (_, _, r) -> r.Times.Length > 0)
