namespace Gordo.Models.Composition

open Gordo.Core
open Gordo.Models
open Gordo.Models.Preprocessing

/// How a ColumnTransformer entry names its columns.
[<RequireQualifiedAccess>]
type internal ColumnSelector =
    /// Integer positions.
    | Indices of int[]
    /// Column names (the input must have names, as a DataFrame in scikit-learn).
    | Names of string[]

/// Resolving column selectors against an input's width and names.
[<RequireQualifiedAccess>]
module internal ColumnSelector =
    let private invalid (value: Value) =
        ModelDefinitionException(
            $"ColumnTransformer: columns must be integer indices or column names, all of one kind; got %A{value}"
        )

    /// The selector of a definition's `columns` value (a scalar is one column).
    let ofValue (value: Value) : ColumnSelector =
        let items =
            match value with
            | Value.List items -> items
            | scalar -> [ scalar ]

        let ints =
            items
            |> List.choose (function
                | Value.Int i -> Some(int i)
                | _ -> None)

        let strings =
            items
            |> List.choose (function
                | Value.String s -> Some s
                | _ -> None)

        if ints.Length = items.Length then
            ColumnSelector.Indices(Array.ofList ints)
        elif strings.Length = items.Length then
            ColumnSelector.Names(Array.ofList strings)
        else
            raise (invalid value)

    /// The positions of the selected columns in an input of `width` columns named `names`
    /// (empty when the input has no names).
    let resolve (names: string[]) (width: int) (selector: ColumnSelector) : int[] =
        match selector with
        | ColumnSelector.Indices indices ->
            match indices |> Array.tryFind (fun i -> i < -width || i >= width) with
            | Some i ->
                raise (
                    ModelInputException($"ColumnTransformer: column index %d{i} is out of range for %d{width} columns")
                )
            | None -> indices |> Array.map (fun i -> if i < 0 then width + i else i)
        | ColumnSelector.Names wanted when names.Length = 0 ->
            raise (
                ModelInputException(
                    $"ColumnTransformer: columns %A{wanted} are given by name, but the input has no column names; "
                    + "give integer indices, or fit with named columns (the builder names them by tag)"
                )
            )
        | ColumnSelector.Names wanted when names.Length <> width ->
            raise (
                ModelInputException(
                    $"ColumnTransformer: columns %A{wanted} are given by name, but the input has %d{width} columns "
                    + $"and %d{names.Length} column names"
                )
            )
        | ColumnSelector.Names wanted ->
            wanted
            |> Array.map (fun name ->
                match Array.tryFindIndex ((=) name) names with
                | Some i -> i
                | None ->
                    let known = String.concat ", " names

                    raise (
                        ModelInputException(
                            $"ColumnTransformer: '%s{name}' is not a column of the input (columns: %s{known})"
                        )
                    ))

/// scikit-learn ColumnTransformer: each `[name, transformer, columns]` entry transforms its
/// columns (integer indices, or names when the input has column names, see `BindColumnNames`);
/// the remaining columns are dropped or passed through (`remainder`: `drop`, `passthrough` or a
/// transformer). Columns are resolved to positions at fit and kept in the fitted state, so a
/// loaded model transforms unnamed input in the fitted column order.
type internal ColumnTransformer(args: (string * Arg) list) =
    inherit Estimator("sklearn.compose._column_transformer.ColumnTransformer", args)
    let mutable names: string[] = [||]
    let mutable resolved: int[] list = []
    let mutable remainderColumns: int[] = null
    let mutable width = -1

    let entries =
        match Args.get "transformers" args with
        | Arg.Items items ->
            items
            |> List.map (function
                | Arg.Items [ Arg.Plain _; Arg.Model e; Arg.Plain cols ] -> e, ColumnSelector.ofValue cols
                | other ->
                    raise (
                        ModelDefinitionException(
                            $"ColumnTransformer: expected [name, transformer, columns], got %A{other}"
                        )
                    ))
        | Arg.Plain(Value.List []) -> []
        | other -> raise (ModelDefinitionException($"ColumnTransformer: invalid transformers %A{other}"))

    let remainder =
        match Args.get "remainder" args with
        | Arg.Model e -> e
        | Arg.Plain(Value.String s) -> LiteralStep s :> Estimator
        | _ -> LiteralStep "drop" :> Estimator

    let remaining (columns: int[] list) (n: int) =
        let used = columns |> List.collect List.ofArray |> set
        [| 0 .. n - 1 |] |> Array.filter (used.Contains >> not)

    /// Resolves every entry for an input of `n` columns.
    let resolveAll (n: int) =
        entries |> List.map (snd >> ColumnSelector.resolve names n)

    /// The column names the input was bound with (empty: unnamed input).
    member _.ColumnNames: string[] = names

    override _.IsFitted = not (isNull remainderColumns)
    override _.CanTransform = true

    override _.BindColumnNames given =
        names <- given
        // Nested transformers see DataFrame slices in scikit-learn: bind them to their columns'
        // names. Columns that do not resolve are reported by `Fit`, with the input at hand.
        let columns =
            try
                Some(resolveAll given.Length)
            with :? ModelInputException ->
                None

        match columns with
        | Some columns ->
            for (e, _), cols in List.zip entries columns do
                e.BindColumnNames(cols |> Array.map (fun i -> given.[i]))

            remainder.BindColumnNames(remaining columns given.Length |> Array.map (fun i -> given.[i]))
        | None -> ()

    override _.Fit(x, y) =
        width <- Matrix.cols x
        resolved <- resolveAll width
        remainderColumns <- remaining resolved width

        for (e, _), cols in List.zip entries resolved do
            e.Fit(Matrix.takeColumns cols x, y)

        remainder.Fit(Matrix.takeColumns remainderColumns x, y)

    override this.Transform x =
        Check.fitted "ColumnTransformer" this.IsFitted

        if width >= 0 then
            Check.features "ColumnTransformer" width x

        (List.map2 (fun (e: Estimator, _) cols -> e.Transform(Matrix.takeColumns cols x)) entries resolved)
        @ [ remainder.Transform(Matrix.takeColumns remainderColumns x) ]
        |> Matrix.hstack

    override this.Clone() =
        let copy = ColumnTransformer(Args.clone this.Args)
        copy.BindColumnNames names
        copy

    override _.SaveState() =
        State.Record [
            "remainder_columns", State.Vector(remainderColumns |> Array.map float)
            "columns", State.List(resolved |> List.map (Array.map float >> State.Vector))
            "n_features_in", State.Number(float width)
            "parts", State.List((entries |> List.map (fst >> _.SaveState())) @ [ remainder.SaveState() ])
        ]

    override _.LoadState state =
        let has field =
            match state with
            | State.Record fields -> fields |> List.exists (fst >> (=) field)
            | _ -> false

        remainderColumns <- State.vector "remainder_columns" state |> Array.map int

        width <-
            if has "n_features_in" then
                int (State.number "n_features_in" state)
            else
                -1

        resolved <-
            if has "columns" then
                State.items (State.field "columns" state)
                |> List.map (function
                    | State.Vector v -> Array.map int v
                    | _ -> raise (System.IO.InvalidDataException "ColumnTransformer: corrupt column state"))
            else
                // States written before columns were resolved at fit: entries are integer indices.
                entries |> List.map (snd >> ColumnSelector.resolve [||] System.Int32.MaxValue)

        let states = State.items (State.field "parts" state)
        List.iter2 (fun (e: Estimator) st -> e.LoadState st) ((entries |> List.map fst) @ [ remainder ]) states
