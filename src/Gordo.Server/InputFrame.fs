namespace Gordo.Server

open System
open System.Globalization
open System.Text.Json
open Gordo.Models

/// Row labels of an input table.
[<RequireQualifiedAccess>]
type internal RowLabels =
    /// Integer labels.
    | Ints of int64[]
    /// Timestamps; `naive` when the text carried no offset (rendered without one).
    | Times of DateTimeOffset[] * naive: bool

/// A table parsed from a request (pandas `dataframe_from_dict`, spec §5.4).
type internal InputTable = {
    /// Column names (two-level columns joined for messages).
    Columns: string[]
    /// True for `{top: {sub: {row: v}}}` input.
    MultiLevel: bool
    /// Row labels, sorted.
    Rows: RowLabels
    /// Values, rows × columns (null → NaN).
    Values: Matrix
}

/// Parsing request JSON into tables and checking their columns.
[<RequireQualifiedAccess>]
module internal InputFrame =
    /// Ends the request with a 400 `{"message": ...}` reply.
    let bad (message: string) : 'T =
        Reply.fail (Reply.jsonError 400 "message" message)

    let private number (where: unit -> string) (e: JsonElement) : float =
        match e.ValueKind with
        | JsonValueKind.Number -> e.GetDouble()
        | JsonValueKind.Null -> nan
        | JsonValueKind.True -> 1.0
        | JsonValueKind.False -> 0.0
        | JsonValueKind.String ->
            match Double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, v -> v
            | _ -> bad $"%s{where ()}: '%s{e.GetString()}' is not a number"
        | _ -> bad $"%s{where ()}: expected a number, got %A{e.ValueKind}"

    let private slowTimestamp (text: string) : (DateTimeOffset * bool) option =
        if text.Length < 10 || text.[4] <> '-' then
            None
        else
            match DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) with
            | true, t when t.Kind = DateTimeKind.Unspecified -> Some(DateTimeOffset(t, TimeSpan.Zero), true)
            | true, _ ->
                match DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture) with
                | true, o -> Some(o, false)
                | _ -> None
            | _ -> None

    let private timestamp (text: string) : (DateTimeOffset * bool) option =
        match RowTimestamp.tryParse text with
        | ValueSome(struct (t, naive)) -> Some(t, naive)
        | ValueNone -> slowTimestamp text

    /// Row labels from their text: all timestamps, else all integers (else a 400 reply).
    let labels (texts: string[]) : RowLabels =
        let times = texts |> Array.map timestamp

        if texts.Length > 0 && times |> Array.forall Option.isSome then
            let parsed = times |> Array.map Option.get
            RowLabels.Times(parsed |> Array.map fst, parsed |> Array.forall snd)
        else
            texts
            |> Array.map (fun t ->
                match Int64.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture) with
                | true, v -> v
                | _ -> bad $"row label '%s{t}' is neither an ISO-8601 timestamp nor an integer")
            |> RowLabels.Ints

    let private ascending (labels: RowLabels) : bool =
        let inOrder (count: int) (atLeastPrevious: int -> bool) =
            let mutable i = 1

            while i < count && atLeastPrevious i do
                i <- i + 1

            i >= count

        match labels with
        | RowLabels.Ints ints -> inOrder ints.Length (fun i -> ints.[i - 1] <= ints.[i])
        | RowLabels.Times(ts, _) -> inOrder ts.Length (fun i -> ts.[i - 1].UtcTicks <= ts.[i].UtcTicks)

    let private reorder (labels: RowLabels) (values: Matrix) : RowLabels * Matrix =
        let order =
            match labels with
            | RowLabels.Ints ints -> Array.sortWith (fun a b -> compare ints.[a] ints.[b]) [| 0 .. ints.Length - 1 |]
            | RowLabels.Times(ts, _) -> Array.sortWith (fun a b -> compare ts.[a] ts.[b]) [| 0 .. ts.Length - 1 |]

        let labels =
            match labels with
            | RowLabels.Ints ints -> RowLabels.Ints(order |> Array.map (fun i -> ints.[i]))
            | RowLabels.Times(ts, naive) -> RowLabels.Times(order |> Array.map (fun i -> ts.[i]), naive)

        labels, Array2D.init order.Length (Array2D.length2 values) (fun i j -> values.[order.[i], j])

    /// A table of a values matrix (rows × columns), sorted by row label (stable).
    let ofMatrix (columns: string[]) (multi: bool) (labels: RowLabels) (values: Matrix) : InputTable =
        let labels, values =
            if ascending labels then
                labels, values
            else
                reorder labels values

        {
            Columns = columns
            MultiLevel = multi
            Rows = labels
            Values = values
        }

    /// A table of rows (each one value per column), sorted by row label (stable).
    let sorted (columns: string[]) (multi: bool) (labels: RowLabels) (rows: float[][]) : InputTable =
        ofMatrix columns multi labels (Array2D.init rows.Length columns.Length (fun i j -> rows.[i].[j]))

    let private ofRows (name: string) (items: JsonElement[]) : InputTable =
        let width = items.[0].GetArrayLength()

        let rows =
            items
            |> Array.mapi (fun i row ->
                if row.ValueKind <> JsonValueKind.Array || row.GetArrayLength() <> width then
                    bad $"%s{name}: row %d{i} is not a list of %d{width} values like row 0"

                [| for v in row.EnumerateArray() -> number (fun () -> $"%s{name}[%d{i}]") v |])

        sorted (Array.init width string) false (RowLabels.Ints(Array.init rows.Length int64)) rows

    let private ofRecords (name: string) (items: JsonElement[]) : InputTable =
        let columns =
            items
            |> Seq.collect (fun r ->
                if r.ValueKind <> JsonValueKind.Object then
                    bad $"%s{name}: every record must be an object"

                r.EnumerateObject() |> Seq.map (fun p -> p.Name))
            |> Seq.distinct
            |> Array.ofSeq

        let rows =
            items
            |> Array.mapi (fun i r ->
                columns
                |> Array.map (fun c ->
                    match r.TryGetProperty c with
                    | true, v -> number (fun () -> $"%s{name}[%d{i}].%s{c}") v
                    | _ -> nan))

        sorted columns false (RowLabels.Ints(Array.init rows.Length int64)) rows

    let private ofColumnLists (name: string) (props: JsonProperty[]) : InputTable =
        let length = props.[0].Value.GetArrayLength()

        let columns =
            props
            |> Array.map (fun p ->
                if p.Value.ValueKind <> JsonValueKind.Array || p.Value.GetArrayLength() <> length then
                    bad $"%s{name}: column '%s{p.Name}' must be a list of %d{length} values like the first column"

                [|
                    for v in p.Value.EnumerateArray() -> number (fun () -> $"%s{name}.%s{p.Name}") v
                |])

        let rows = Array.init length (fun i -> columns |> Array.map (fun c -> c.[i]))
        sorted (props |> Array.map _.Name) false (RowLabels.Ints(Array.init length int64)) rows

    let private ofDict (name: string) (props: JsonProperty[]) : InputTable =
        let multi =
            props
            |> Array.exists (fun p ->
                p.Value.EnumerateObject()
                |> Seq.exists (fun r -> r.Value.ValueKind = JsonValueKind.Object))

        if multi then
            let names = [|
                for p in props do
                    for s in p.Value.EnumerateObject() -> $"('%s{p.Name}', '%s{s.Name}')"
            |]

            {
                Columns = names
                MultiLevel = true
                Rows = RowLabels.Ints [||]
                Values = Array2D.zeroCreate 0 names.Length
            }
        else
            let cells =
                props |> Array.map (fun p -> [| for r in p.Value.EnumerateObject() -> r |])

            let first = cells.[0] |> Array.map _.Name

            let aligned =
                cells
                |> Array.forall (fun c ->
                    c.Length = first.Length
                    && Array.forall2 (fun (a: JsonProperty) (n: string) -> a.NameEquals n) c first)

            let keys =
                if aligned then
                    first
                else
                    cells |> Seq.concat |> Seq.map _.Name |> Seq.distinct |> Array.ofSeq

            let at (j: int) (i: int) : JsonElement option =
                if aligned then
                    Some cells.[j].[i].Value
                else
                    match props.[j].Value.TryGetProperty keys.[i] with
                    | true, v -> Some v
                    | _ -> None

            let rows =
                Array.init keys.Length (fun i ->
                    Array.init props.Length (fun j ->
                        match at j i with
                        | Some v -> number (fun () -> $"%s{name}.%s{props.[j].Name}.%s{keys.[i]}") v
                        | None -> nan))

            sorted (props |> Array.map _.Name) false (labels keys) rows

    /// Parses `X` or `y` in any form of spec §5.4 (the 400 reply names what is wrong).
    let parse (name: string) (e: JsonElement) : InputTable =
        match e.ValueKind with
        | JsonValueKind.Array when e.GetArrayLength() = 0 -> bad $"\"%s{name}\" is empty; send at least one row"
        | JsonValueKind.Array ->
            let items = [| for i in e.EnumerateArray() -> i |]

            if items.[0].ValueKind = JsonValueKind.Array then
                ofRows name items
            else
                ofRecords name items
        | JsonValueKind.Object ->
            let props = [| for p in e.EnumerateObject() -> p |]

            if props.Length = 0 then
                bad $"\"%s{name}\" is empty; send at least one column"
            elif props.[0].Value.ValueKind = JsonValueKind.Array then
                ofColumnLists name props
            elif props |> Array.forall (fun p -> p.Value.ValueKind = JsonValueKind.Object) then
                ofDict name props
            else
                bad $"\"%s{name}\": mixed column forms; use {{column: [values]}} or {{column: {{row: value}}}}"
        | kind -> bad $"\"%s{name}\" must be a list of rows or an object of columns, got %A{kind}"

    let private pyList (names: string[]) =
        "[" + (names |> Array.map (fun n -> $"'%s{n}'") |> String.concat ", ") + "]"

    /// Checks a table's columns against the expected tag names: select by name, else rename
    /// positionally when the count matches, else a 400 reply (spec §5.4).
    let verify (expected: string[]) (table: InputTable) : InputTable =
        if table.MultiLevel then
            bad $"Server does not support multi-level dataframes at this time: %s{pyList table.Columns}"

        let index = table.Columns |> Array.mapi (fun i c -> c, i) |> dict

        if expected |> Array.forall index.ContainsKey then
            let picks = expected |> Array.map (fun c -> index.[c])

            let inOrder =
                picks.Length = table.Columns.Length
                && picks |> Array.forall2 (=) [| 0 .. picks.Length - 1 |]

            {
                table with
                    Columns = expected
                    Values =
                        if inOrder then
                            table.Values
                        else
                            Matrix.takeColumns picks table.Values
            }
        elif expected.Length = table.Columns.Length then
            { table with Columns = expected }
        else
            bad (
                $"Unexpected features: was expecting %s{pyList expected} length of %d{expected.Length}, "
                + $"but got %s{pyList table.Columns} length of %d{table.Columns.Length}"
            )

    /// A 400 reply (scikit-learn's ValueError) naming the first NaN or infinite value.
    let requireFinite (name: string) (table: InputTable) : InputTable =
        let values = table.Values

        for i in 0 .. Array2D.length1 values - 1 do
            for j in 0 .. Array2D.length2 values - 1 do
                if not (Double.IsFinite values.[i, j]) then
                    Reply.fail (
                        Reply.jsonError
                            400
                            "error"
                            $"ValueError: Input contains NaN, infinity or a value too large for dtype('float64'): \"%s{name}\" row %d{i}, column '%s{table.Columns.[j]}' is %g{values.[i, j]}; send finite numbers"
                    )

        table
