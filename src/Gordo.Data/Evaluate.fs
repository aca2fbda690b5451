namespace Gordo.Data

open Gordo.Core

open System
open Gordo.Core.Language

/// Why an expression could not be evaluated on a frame.
[<RequireQualifiedAccess>]
type EvaluationError =
    /// The expression names a column the frame lacks.
    | UnknownColumn of name: string * available: string list
    /// The operands do not fit the operator (e.g. a number compared with text).
    | TypeMismatch of what: string
    /// The expression does not yield one boolean per row.
    | NotBoolean

    /// A one-line description.
    member this.Message: string =
        match this with
        | UnknownColumn(n, av) -> sprintf "unknown column '%s' (available: %s)" n (String.concat ", " av)
        | TypeMismatch w -> w
        | NotBoolean -> "the expression must give true/false per row, e.g. `Tag 1` > 0"

/// Evaluates pandas-eval expressions on a frame, row-wise, with numpy semantics (NaN compares
/// false, except `!=` which is true).
[<RequireQualifiedAccess>]
module internal Evaluate =

    type private Value =
        | Num of float
        | Nums of float[]
        | Bools of bool[]
        | Bool of bool
        | Text of string
        | Times of int64[]
        | Items of Value list

    let private describe (v: Value) : string =
        match v with
        | Num _
        | Nums _ -> "a number"
        | Bools _
        | Bool _ -> "a boolean"
        | Text t -> sprintf "the text '%s'" t
        | Times _ -> "the index (timestamps)"
        | Items _ -> "a list"

    let private asNums (n: int) (v: Value) : float[] option =
        match v with
        | Num x -> Some(Array.create n x)
        | Nums a -> Some a
        | Bool b -> Some(Array.create n (if b then 1.0 else 0.0))
        | Bools a -> Some(a |> Array.map (fun b -> if b then 1.0 else 0.0))
        | _ -> None

    let private asBools (n: int) (v: Value) : bool[] option =
        match v with
        | Bool b -> Some(Array.create n b)
        | Bools a -> Some a
        | _ -> None

    let private asTimes (n: int) (v: Value) : int64[] option =
        match v with
        | Times t -> Some t
        | Text s -> FrameIO.tryParseTimestamp s |> Option.map (fun t -> Array.create n t.UtcTicks)
        | _ -> None

    let private arith (op: Expression.ArithOp) : float -> float -> float =
        match op with
        | Expression.ArithOp.Add -> (+)
        | Expression.ArithOp.Subtract -> (-)
        | Expression.ArithOp.Multiply -> (*)
        | Expression.ArithOp.Divide -> (/)
        | Expression.ArithOp.FloorDivide -> fun a b -> Math.Floor(a / b)
        | Expression.ArithOp.Modulo -> fun a b -> a - b * Math.Floor(a / b)
        | Expression.ArithOp.Power -> fun a b -> Math.Pow(a, b)

    let private compare (op: Expression.CompareOp) (c: int) : bool =
        match op with
        | Expression.CompareOp.Less -> c < 0
        | Expression.CompareOp.LessEqual -> c <= 0
        | Expression.CompareOp.Greater -> c > 0
        | Expression.CompareOp.GreaterEqual -> c >= 0
        | Expression.CompareOp.Equal -> c = 0
        | _ -> c <> 0

    let private compareNums (op: Expression.CompareOp) (a: float) (b: float) : bool =
        if Double.IsNaN a || Double.IsNaN b then
            op = Expression.CompareOp.NotEqual
        else
            compare op (Operators.compare a b)

    let private mismatch (what: string) (a: Value) (b: Value) =
        Error(EvaluationError.TypeMismatch(sprintf "cannot %s %s and %s" what (describe a) (describe b)))

    let private membership (n: int) (op: Expression.CompareOp) (a: Value) (items: Value list) =
        let nums =
            items
            |> List.choose (function
                | Num x -> Some x
                | _ -> None)

        match asNums n a with
        | Some xs when nums.Length = items.Length ->
            let inside = xs |> Array.map (fun x -> List.contains x nums)

            Ok(
                Bools(
                    if op = Expression.CompareOp.In then
                        inside
                    else
                        Array.map not inside
                )
            )
        | _ -> mismatch "test membership of" a (Items items)

    let private comparePair
        (n: int)
        (op: Expression.CompareOp)
        (a: Value)
        (b: Value)
        : Result<bool[], EvaluationError> =
        match a, b with
        | _, Items items -> membership n op a items |> Result.bind (fun v -> Ok(asBools n v |> Option.get))
        | Times _, _
        | _, Times _ ->
            match asTimes n a, asTimes n b with
            | Some x, Some y -> Ok(Array.map2 (fun (p: int64) q -> compare op (p.CompareTo q)) x y)
            | _ -> mismatch "compare" a b
        | Text x, Text y -> Ok(Array.create n (compare op (String.CompareOrdinal(x, y))))
        | _ ->
            match asNums n a, asNums n b with
            | Some x, Some y -> Ok(Array.map2 (compareNums op) x y)
            | _ -> mismatch "compare" a b

    let private logical (n: int) (f: bool -> bool -> bool) (a: Value) (b: Value) : Result<Value, EvaluationError> =
        match asBools n a, asBools n b with
        | Some x, Some y -> Ok(Bools(Array.map2 f x y))
        | _ -> mismatch "combine with and/or" a b

    let rec private eval (f: Frame) (e: Expression.Expr) : Result<Value, EvaluationError> =
        let n = Frame.length f

        let both a b k =
            eval f a |> Result.bind (fun x -> eval f b |> Result.bind (k x))

        match e with
        | Expression.Expr.Number x -> Ok(Num x)
        | Expression.Expr.String s -> Ok(Text s)
        | Expression.Expr.Bool b -> Ok(Bool b)
        | Expression.Expr.Index -> Ok(Times f.Index)
        | Expression.Expr.Name name ->
            match Frame.tryColumn name f with
            | Some c -> Ok(Nums c)
            | None -> Error(EvaluationError.UnknownColumn(name, List.ofArray f.Columns))
        | Expression.Expr.List items ->
            items
            |> List.map (eval f)
            |> List.fold (fun acc r -> Result.bind (fun xs -> Result.map (fun x -> x :: xs) r) acc) (Ok [])
            |> Result.map (List.rev >> Items)
        | Expression.Expr.Unary(op, a) -> eval f a |> Result.bind (unary op)
        | Expression.Expr.Arith(op, a, b) ->
            both a b (fun x y ->
                match asNums n x, asNums n y with
                | Some p, Some q -> Ok(Nums(Array.map2 (arith op) p q))
                | _ -> mismatch "do arithmetic on" x y)
        | Expression.Expr.And(a, b) -> both a b (logical n (&&))
        | Expression.Expr.Or(a, b) -> both a b (logical n (||))
        | Expression.Expr.Compare(first, rest) -> chain f first rest

    and private unary (op: Expression.UnaryOp) (v: Value) : Result<Value, EvaluationError> =
        match op, v with
        | Expression.UnaryOp.Not, Bool b -> Ok(Bool(not b))
        | Expression.UnaryOp.Not, Bools a -> Ok(Bools(Array.map not a))
        | Expression.UnaryOp.Negate, Num x -> Ok(Num -x)
        | Expression.UnaryOp.Negate, Nums a -> Ok(Nums(Array.map (~-) a))
        | Expression.UnaryOp.Plus, (Num _ | Nums _) -> Ok v
        | _ -> Error(EvaluationError.TypeMismatch(sprintf "cannot apply %A to %s" op (describe v)))

    and private chain (f: Frame) (first: Expression.Expr) (rest: (Expression.CompareOp * Expression.Expr) list) =
        let n = Frame.length f

        let step (acc: Result<bool[] * Value, EvaluationError>) (op, e) =
            acc
            |> Result.bind (fun (mask, left) ->
                eval f e
                |> Result.bind (fun right ->
                    comparePair n op left right
                    |> Result.map (fun m -> Array.map2 (&&) mask m, right)))

        eval f first
        |> Result.bind (fun v -> List.fold step (Ok(Array.create n true, v)) rest)
        |> Result.map (fst >> Bools)

    /// Evaluates a boolean expression: one bool per row of the frame.
    let mask (f: Frame) (e: Expression.Expr) : Result<bool[], EvaluationError> =
        eval f e
        |> Result.bind (fun v ->
            match asBools (Frame.length f) v with
            | Some m -> Ok m
            | None -> Error EvaluationError.NotBoolean)
