namespace Gordo.Data

open Gordo.Core

open System

/// A columnar time-series table: a strictly increasing index of instants (UTC ticks, 8 bytes a
/// row, like pandas' datetime64[ns]) and one `float[]` per column; NaN marks a missing value.
/// `Offset` is the time zone offset the data was written in; it matters only for display and for
/// aligning resampling buckets to local midnight (pandas `origin='start_day'`).
[<NoComparison; CustomEquality>]
type Frame = {
    /// UTC ticks, strictly increasing.
    Index: int64[]
    /// The offset from UTC timestamps are shown in.
    Offset: TimeSpan
    /// Column names, unique.
    Columns: string[]
    /// One array per column, each as long as `Index`.
    Data: float[][]
} with

    /// Structural equality where NaN equals NaN (as `DataFrame.equals` in pandas).
    override this.Equals(other: obj) =
        match other with
        | :? Frame as o ->
            let sameBits (a: float[]) (b: float[]) =
                a.Length = b.Length
                && Array.forall2 (fun (x: float) (y: float) -> x = y || (Double.IsNaN x && Double.IsNaN y)) a b

            this.Index = o.Index
            && this.Offset = o.Offset
            && this.Columns = o.Columns
            && Array.forall2 sameBits this.Data o.Data
        | _ -> false

    /// Hash of the shape and index.
    override this.GetHashCode() =
        hash (this.Index.Length, this.Columns, this.Offset)

/// Why a frame could not be built.
[<RequireQualifiedAccess>]
type FrameError =
    /// The timestamp at `Row` is not after the one before it.
    | Unsorted of row: int * timestamp: DateTimeOffset
    /// The timestamp at `Row` equals the one before it.
    | DuplicateTimestamp of row: int * timestamp: DateTimeOffset
    /// A column's length differs from the index length.
    | LengthMismatch of column: string * length: int * indexLength: int
    /// Two columns share a name.
    | DuplicateColumn of column: string

    /// A one-line description naming the row/column and how to fix it.
    member this.Message: string =
        match this with
        | Unsorted(row, ts) ->
            sprintf "timestamps are not sorted: row %d (%O) is before the row above it; sort the data by time" row ts
        | DuplicateTimestamp(row, ts) ->
            sprintf "duplicate timestamp %O at row %d; each timestamp may occur once per tag" ts row
        | LengthMismatch(c, n, m) -> sprintf "column '%s' has %d values but the index has %d" c n m
        | DuplicateColumn c -> sprintf "column '%s' occurs twice" c

/// Functions over frames.
[<RequireQualifiedAccess>]
module Frame =

    /// The instant of UTC ticks `t` shown at `offset`.
    let internal toTimestamp (offset: TimeSpan) (t: int64) : DateTimeOffset =
        DateTimeOffset(t, TimeSpan.Zero).ToOffset offset

    /// The name of column (tag, aggregation method) when several aggregation methods are used.
    let internal multiColumnName (tag: string) (aggregation: string) : string = tag + "|" + aggregation

    let private checkIndex (offset: TimeSpan) (index: int64[]) : Result<unit, FrameError> =
        let rec loop i =
            if i >= index.Length then
                Ok()
            elif index.[i] = index.[i - 1] then
                Error(FrameError.DuplicateTimestamp(i, toTimestamp offset index.[i]))
            elif index.[i] < index.[i - 1] then
                Error(FrameError.Unsorted(i, toTimestamp offset index.[i]))
            else
                loop (i + 1)

        loop 1

    let private checkColumns (n: int) (columns: (string * float[]) list) : Result<unit, FrameError> =
        let dup = columns |> List.countBy fst |> List.tryFind (fun (_, c) -> c > 1)

        match dup, columns |> List.tryFind (fun (_, v) -> v.Length <> n) with
        | Some(name, _), _ -> Error(FrameError.DuplicateColumn name)
        | None, Some(name, v) -> Error(FrameError.LengthMismatch(name, v.Length, n))
        | None, None -> Ok()

    /// Builds a frame, checking that the index is strictly increasing and the columns fit.
    let create (offset: TimeSpan) (index: int64[]) (columns: (string * float[]) list) : Result<Frame, FrameError> =
        checkIndex offset index
        |> Result.bind (fun () -> checkColumns index.Length columns)
        |> Result.map (fun () -> {
            Index = index
            Offset = offset
            Columns = columns |> List.map fst |> Array.ofList
            Data = columns |> List.map snd |> Array.ofList
        })

    /// Builds a frame from timestamps (their common offset is taken from the first one).
    let ofTimestamps (timestamps: DateTimeOffset[]) (columns: (string * float[]) list) : Result<Frame, FrameError> =
        let offset =
            if timestamps.Length = 0 then
                TimeSpan.Zero
            else
                timestamps.[0].Offset

        create offset (timestamps |> Array.map (fun t -> t.UtcTicks)) columns

    let private isStrictlyIncreasing (index: int64[]) =
        let mutable ok = true
        let mutable i = 1

        while ok && i < index.Length do
            ok <- index.[i - 1] < index.[i]
            i <- i + 1

        ok

    /// Rows in time order, equal timestamps in their given order.
    let private stableOrder (index: int64[]) : int[] =
        let order = Array.init index.Length id

        Array.Sort(
            order,
            Comparison(fun a b ->
                let c = index.[a].CompareTo index.[b]
                if c <> 0 then c else a.CompareTo b)
        )

        order

    /// Builds a frame from an unsorted series (sorted here; for duplicate timestamps the last
    /// wins). A series already in strictly increasing order (as providers mostly return them) is
    /// taken as it is, arrays included.
    let internal ofUnsorted (offset: TimeSpan) (name: string) (index: int64[]) (values: float[]) : Frame =
        if isStrictlyIncreasing index then
            {
                Index = index
                Offset = offset
                Columns = [| name |]
                Data = [| values |]
            }
        else
            let order = stableOrder index

            let keep =
                order
                |> Array.indexed
                |> Array.filter (fun (k, i) -> k = order.Length - 1 || index.[order.[k + 1]] <> index.[i])
                |> Array.map snd

            {
                Index = keep |> Array.map (fun i -> index.[i])
                Offset = offset
                Columns = [| name |]
                Data = [| keep |> Array.map (fun i -> values.[i]) |]
            }

    /// A frame with no rows and the given columns.
    let empty (columns: string list) : Frame = {
        Index = [||]
        Offset = TimeSpan.Zero
        Columns = Array.ofList columns
        Data = columns |> List.map (fun _ -> [||]) |> Array.ofList
    }

    /// Number of rows.
    let length (f: Frame) : int = f.Index.Length

    /// The index as timestamps at the frame's offset.
    let timestamps (f: Frame) : DateTimeOffset[] =
        f.Index |> Array.map (toTimestamp f.Offset)

    /// The values of a column, if the frame has it.
    let tryColumn (name: string) (f: Frame) : float[] option =
        Array.tryFindIndex ((=) name) f.Columns |> Option.map (fun i -> f.Data.[i])

    /// The values of a column; `invalidArg` when it is absent (a bug in the caller).
    let column (name: string) (f: Frame) : float[] =
        match tryColumn name f with
        | Some c -> c
        | None -> invalidArg "name" (sprintf "column '%s' is not among %A" name f.Columns)

    /// The named columns, in the given order.
    let select (names: string list) (f: Frame) : Frame = {
        f with
            Columns = Array.ofList names
            Data = names |> List.map (fun n -> column n f) |> Array.ofList
    }

    /// The frame without the named columns.
    let drop (names: string list) (f: Frame) : Frame =
        let keep =
            f.Columns |> Array.filter (fun c -> not (List.contains c names)) |> List.ofArray

        select keep f

    /// Renames every column with `rename`.
    let renameColumns (rename: string -> string) (f: Frame) : Frame = {
        f with
            Columns = Array.map rename f.Columns
    }

    /// The rows where `keep` is true.
    let filterRows (keep: bool[]) (f: Frame) : Frame =
        let count = keep |> Array.sumBy (fun k -> if k then 1 else 0)

        let pick (a: 'T[]) =
            let out = Array.zeroCreate count
            let mutable j = 0

            for i in 0 .. a.Length - 1 do
                if keep.[i] then
                    out.[j] <- a.[i]
                    j <- j + 1

            out

        {
            f with
                Index = pick f.Index
                Data = f.Data |> Array.map pick
        }

    /// Rows with `start <= t <= finish` (both inclusive, as pandas label slicing).
    let slice (start: DateTimeOffset) (finish: DateTimeOffset) (f: Frame) : Frame =
        let a, b = start.UtcTicks, finish.UtcTicks
        // The index is sorted: the rows form one contiguous range.
        let lower (x: int64) (strict: bool) =
            let mutable lo, hi = 0, f.Index.Length

            while lo < hi do
                let mid = (lo + hi) / 2
                let t = f.Index.[mid]

                if t < x || (strict && t = x) then
                    lo <- mid + 1
                else
                    hi <- mid

            lo

        let i, j = lower a false, lower b true

        if i = 0 && j = f.Index.Length then
            f
        else
            let n = max 0 (j - i)

            {
                f with
                    Index = Array.sub f.Index i n
                    Data = f.Data |> Array.map (fun c -> Array.sub c i n)
            }

    /// Which rows have a NaN in some column.
    let naRows (f: Frame) : bool[] =
        Array.init f.Index.Length (fun i -> f.Data |> Array.exists (fun c -> Double.IsNaN c.[i]))

    /// The frame without rows that hold a NaN (pandas `dropna()`).
    let dropNaRows (f: Frame) : Frame =
        if f.Data |> Array.forall (Array.forall (Double.IsNaN >> not)) then
            f
        else
            filterRows (naRows f |> Array.map not) f

    /// True when two indexes hold the same timestamps.
    let private sameIndex (a: int64[]) (b: int64[]) =
        obj.ReferenceEquals(a, b)
        || System.MemoryExtensions.SequenceEqual(System.ReadOnlySpan a, System.ReadOnlySpan b)

    /// `f` indexed by `index` when both hold the same timestamps, so that frames on one grid
    /// share one index array (frames are never written to after they are built).
    let internal shareIndex (index: int64[]) (f: Frame) : Frame =
        if not (obj.ReferenceEquals(index, f.Index)) && sameIndex index f.Index then
            { f with Index = index }
        else
            f

    /// For each frame, the row positions of the timestamps present in every frame.
    let private commonRows (frames: Frame[]) : int64[] * int[][] =
        let pos = Array.zeroCreate frames.Length
        let index = ResizeArray<int64>()
        let rows = frames |> Array.map (fun _ -> ResizeArray<int>())

        let rec advance (k: int) (t: int64) =
            let ix = frames.[k].Index

            while pos.[k] < ix.Length && ix.[pos.[k]] < t do
                pos.[k] <- pos.[k] + 1

            pos.[k] < ix.Length && ix.[pos.[k]] = t

        for r in 0 .. frames.[0].Index.Length - 1 do
            let t = frames.[0].Index.[r]
            pos.[0] <- r

            if Seq.forall (fun k -> advance k t) (seq { 1 .. frames.Length - 1 }) then
                index.Add t
                frames |> Array.iteri (fun k _ -> rows.[k].Add pos.[k])

        index.ToArray(), rows |> Array.map (fun r -> r.ToArray())

    /// Inner join on the index (pandas `join(how='inner')`): the timestamps every frame has, with
    /// all their columns side by side. Column names must be distinct across frames.
    let internal innerJoin (frames: Frame list) : Frame =
        match frames with
        | [] -> empty []
        | [ one ] -> one
        | first :: rest when rest |> List.forall (fun f -> sameIndex first.Index f.Index) ->
            // Frames on one grid (resampled tags): the columns are shared, not copied.
            {
                first with
                    Columns = frames |> Array.ofList |> Array.collect (fun f -> f.Columns)
                    Data = frames |> Array.ofList |> Array.collect (fun f -> f.Data)
            }
        | first :: _ ->
            let arr = Array.ofList frames
            let index, rows = commonRows arr

            let data =
                arr
                |> Array.mapi (fun k f -> f.Data |> Array.map (fun c -> rows.[k] |> Array.map (fun i -> c.[i])))
                |> Array.concat

            {
                Index = index
                Offset = first.Offset
                Columns = arr |> Array.collect (fun f -> f.Columns)
                Data = data
            }
