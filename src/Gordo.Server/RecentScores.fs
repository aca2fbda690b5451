namespace Gordo.Server

open System
open System.IO

/// Consecutive scored rows of a model, column by column (a ring's copy, oldest first).
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

// (the rings copy rows in; see RecentRing)

/// The columns of an anomaly table that a ring keeps (the table's own arrays, not copies).
[<NoEquality; NoComparison>]
type internal ScoredColumns = {
    /// The request's times: the rows' times are its last `Scaled.Length` (a model with a
    /// lookback window scores fewer rows than it was sent).
    Times: DateTimeOffset[]
    /// `total-anomaly-scaled`.
    Scaled: float[]
    /// `total-anomaly-confidence`, if the model has thresholds.
    Confidence: float[] option
    /// `tag-anomaly-scaled`: target tag names and columns.
    Targets: string[] * float[][]
    /// `model-input`: input tag names and columns.
    Inputs: string[] * float[][]
}

/// Finding the kept columns in an anomaly table.
[<RequireQualifiedAccess>]
module internal ScoredColumns =
    /// The columns of an anomaly table whose rows are the last of `times` (None without
    /// `total-anomaly-scaled`, or with more rows than times).
    let ofTable (times: DateTimeOffset[]) (columns: ((string * string) * float[]) list) : ScoredColumns option =
        let group (top: string) =
            let found = columns |> List.filter (fun ((t, _), _) -> t = top)
            found |> List.map (fst >> snd) |> Array.ofList, found |> List.map snd |> Array.ofList

        let single (top: string) =
            columns |> List.tryFind (fun ((t, _), _) -> t = top) |> Option.map snd

        match single "total-anomaly-scaled" with
        | Some scaled when scaled.Length <= times.Length ->
            Some {
                Times = times
                Scaled = scaled
                Confidence = single "total-anomaly-confidence"
                Targets = group "tag-anomaly-scaled"
                Inputs = group "model-input"
            }
        | _ -> None

/// The latest scored rows of one model, at most `capacity`, in time order; thread-safe. A
/// circular buffer allocated once: adding rows copies their values in and allocates nothing, so
/// the prediction path makes no objects that outlive the request. Rows replace the kept rows
/// from their first time on (a re-sent window is not counted twice); rows that end before the
/// newest kept row are ignored (a backfill does not push the recent rows out).
type internal RecentRing(capacity: int, targets: string[], inputs: string[]) =
    let gate = obj ()
    let times = Array.zeroCreate<DateTimeOffset> capacity
    let scaled = Array.zeroCreate<float> capacity
    let confidence = Array.zeroCreate<float> capacity

    let tagScaled =
        Array.init targets.Length (fun _ -> Array.zeroCreate<float> capacity)

    let inputValues =
        Array.init inputs.Length (fun _ -> Array.zeroCreate<float> capacity)

    let mutable head = 0
    let mutable count = 0

    let slot (k: int) = (head + k) % capacity

    let copy (target: float[][]) (source: float[][]) (k: int) (i: int) =
        for j in 0 .. target.Length - 1 do
            target.[j].[k] <- source.[j].[i]

    /// Target tag names (`tag-anomaly-scaled`).
    member _.Targets: string[] = targets
    /// Input tag names (`model-input`).
    member _.Inputs: string[] = inputs

    /// The memory the ring holds (allocated when created), in bytes.
    member _.Bytes: int64 =
        int64 capacity * int64 (8 * (4 + targets.Length + inputs.Length)) + 1024L

    /// Adds the rows of an anomaly table with the ring's tags, in time order.
    member _.Add(table: ScoredColumns) : unit =
        let n = table.Scaled.Length
        let offset = table.Times.Length - n

        lock gate (fun () ->
            // (UtcTicks: F#'s `<` on DateTimeOffset would box both sides)
            if
                n > 0
                && not (
                    count > 0
                    && table.Times.[offset + n - 1].UtcTicks < times.[slot (count - 1)].UtcTicks
                )
            then
                let first = table.Times.[offset].UtcTicks

                while count > 0 && times.[slot (count - 1)].UtcTicks >= first do
                    count <- count - 1

                for i in max 0 (n - capacity) .. n - 1 do
                    if count = capacity then
                        head <- slot 1
                        count <- count - 1

                    let k = slot count
                    times.[k] <- table.Times.[offset + i]
                    scaled.[k] <- table.Scaled.[i]

                    confidence.[k] <-
                        match table.Confidence with
                        | Some c -> c.[i]
                        | None -> Double.NaN

                    copy tagScaled (snd table.Targets) k i
                    copy inputValues (snd table.Inputs) k i
                    count <- count + 1)

    /// The kept rows, oldest first (copies).
    member _.Snapshot() : ScoredRows =
        lock gate (fun () ->
            let ordered (values: 'T[]) =
                Array.init count (fun k -> values.[slot k])

            {
                Times = ordered times
                Scaled = ordered scaled
                Confidence = ordered confidence
                TagScaled = tagScaled |> Array.map ordered
                Inputs = inputValues |> Array.map ordered
            })

/// The recent scored rows of every model, fed by the anomaly routes, shown by the project page
/// (issue 21). At most `rows` rows per model (`GORDO_SERVER_RECENT_ROWS`; 0 keeps none), for at
/// most `models` models and at most `MaxBytes` in all: the models scored least recently are
/// dropped first. Memory: 8 × (4 + target tags + input tags) bytes per row of a ring, allocated
/// when the model's first anomaly request arrives.
type internal RecentScores(rows: int, models: int) =
    let rings =
        Lru<string, RecentRing>(max 1 models, RecentScores.MaxBytes, (fun _ ring -> ring.Bytes))

    static let key (dir: string) (model: string) = Path.Combine(dir, model)

    static let same (a: string[]) (b: string[]) =
        a.Length = b.Length
        && Array.forall2 (fun (x: string) y -> String.Equals(x, y)) a b

    /// The memory all rings may hold together (64 MB).
    static member MaxBytes: int64 = 64L * 1024L * 1024L

    /// Rows kept per model.
    member _.Rows: int = rows

    /// Keeps the rows of an anomaly table of a model of a revision directory (its columns at
    /// `times`); nothing for a table without `total-anomaly-scaled`.
    member _.Feed(dir: string, model: string, times: DateTimeOffset[], columns: ((string * string) * float[]) list) =
        if rows > 0 then
            match ScoredColumns.ofTable times columns with
            | Some table ->
                let targets, inputs = fst table.Targets, fst table.Inputs
                let k = key dir model
                let create _ = RecentRing(rows, targets, inputs)
                let ring = rings.GetOrAdd(k, create)

                let ring =
                    if same ring.Targets targets && same ring.Inputs inputs then
                        ring
                    else
                        rings.Remove k
                        rings.GetOrAdd(k, create)

                ring.Add table
            | None -> ()

    /// The kept rows of a model (None: none since the server started, or dropped).
    member _.Recent(dir: string, model: string) : (string[] * string[] * ScoredRows) option =
        rings.TryPeek(key dir model)
        |> Option.map (fun ring -> ring.Targets, ring.Inputs, ring.Snapshot())
        |> Option.filter (fun (_, _, r) -> r.Times.Length > 0)
