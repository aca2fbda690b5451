module Gordo.Tests.Language.ExpressionTests

open Expecto
open FsCheck
open FsCheck.FSharp
open Gordo.Core.Language

type private Expr = Expression.Expr
type private UnaryOp = Expression.UnaryOp
type private ArithOp = Expression.ArithOp
type private CompareOp = Expression.CompareOp

let private parsesTo (text: string) (expected: Expr) =
    test text { Expect.equal (Expression.parse text) (Ok expected) text }

let private failsAt (text: string) (offset: int) (fragment: string) =
    test (sprintf "rejects %s" text) {
        match Expression.parse text with
        | Ok e -> failtestf "expected an error for %s, got %A" text e
        | Error err ->
            Expect.equal err.Offset offset (sprintf "offset of the error in %s (%s)" text err.Message)
            Expect.stringContains err.Message fragment "message"
    }

let private name = Expr.Name
let private num = Expr.Number
let private cmp a op b = Expr.Compare(a, [ op, b ])

/// Fully parenthesised text of an expression (the inverse of parse for the generator below).
let rec private show (e: Expr) : string =
    match e with
    | Expr.Number n -> n.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
    | Expr.String s -> sprintf "'%s'" s
    | Expr.Bool b -> if b then "True" else "False"
    | Expr.Name n when n.Contains " " || n.Contains "-" -> sprintf "`%s`" n
    | Expr.Name n -> n
    | Expr.Index -> "index"
    | Expr.List items -> "[" + (items |> List.map show |> String.concat ", ") + "]"
    | Expr.Unary(UnaryOp.Not, a) -> sprintf "~(%s)" (show a)
    | Expr.Unary(UnaryOp.Negate, a) -> sprintf "-(%s)" (show a)
    | Expr.Unary(UnaryOp.Plus, a) -> sprintf "+(%s)" (show a)
    | Expr.Arith(op, a, b) ->
        let o =
            match op with
            | ArithOp.Add -> "+"
            | ArithOp.Subtract -> "-"
            | ArithOp.Multiply -> "*"
            | ArithOp.Divide -> "/"
            | ArithOp.FloorDivide -> "//"
            | ArithOp.Modulo -> "%"
            | ArithOp.Power -> "**"

        sprintf "(%s) %s (%s)" (show a) o (show b)
    | Expr.Compare(first, rest) ->
        let o op =
            match op with
            | CompareOp.Less -> "<"
            | CompareOp.LessEqual -> "<="
            | CompareOp.Greater -> ">"
            | CompareOp.GreaterEqual -> ">="
            | CompareOp.Equal -> "=="
            | CompareOp.NotEqual -> "!="
            | CompareOp.In -> "in"
            | CompareOp.NotIn -> "not in"

        sprintf "(%s)" (show first)
        + (rest
           |> List.map (fun (op, e) -> sprintf " %s (%s)" (o op) (show e))
           |> String.concat "")
    | Expr.And(a, b) -> sprintf "(%s) & (%s)" (show a) (show b)
    | Expr.Or(a, b) -> sprintf "(%s) or (%s)" (show a) (show b)

let private exprGen: Gen<Expr> =
    let leaf =
        Gen.oneof [
            Gen.choose (0, 1000) |> Gen.map (fun i -> Expr.Number(float i / 4.0))
            Gen.elements [ "a"; "Tag_1"; "GRA-TE -23-0733.PV"; "x y" ] |> Gen.map Expr.Name
            Gen.elements [ "2020-01-01 00:00:00+00:00"; "abc" ] |> Gen.map Expr.String
            Gen.elements [ Expr.Index; Expr.Bool true ]
        ]

    let rec sized (n: int) : Gen<Expr> =
        if n <= 0 then
            leaf
        else
            let sub = sized (n / 2)

            Gen.oneof [
                leaf
                Gen.map2 (fun a b -> Expr.And(a, b)) sub sub
                Gen.map2 (fun a b -> Expr.Or(a, b)) sub sub
                Gen.map (fun a -> Expr.Unary(UnaryOp.Not, a)) sub
                Gen.map2 (fun a b -> Expr.Arith(ArithOp.Subtract, a, b)) sub sub
                Gen.map3 (fun a b c -> Expr.Compare(a, [ CompareOp.Less, b; CompareOp.NotIn, c ])) sub sub sub
            ]

    Gen.sized sized

[<Tests>]
let tests =
    testList "Language.Expression" [
        parsesTo "`Tag 1` > 5" (cmp (name "Tag 1") CompareOp.Greater (num 5.))
        parsesTo "TAG_1 >= 0.5e1" (cmp (name "TAG_1") CompareOp.GreaterEqual (num 5.))
        parsesTo "1 < x < 2" (Expr.Compare(num 1., [ CompareOp.Less, name "x"; CompareOp.Less, num 2. ]))
        parsesTo
            "a > 1 & b < 2"
            (Expr.And(cmp (name "a") CompareOp.Greater (num 1.), cmp (name "b") CompareOp.Less (num 2.)))
        parsesTo "a | b & c" (Expr.Or(name "a", Expr.And(name "b", name "c")))
        parsesTo "not a and b" (Expr.And(Expr.Unary(UnaryOp.Not, name "a"), name "b"))
        parsesTo "~a > 1" (cmp (Expr.Unary(UnaryOp.Not, name "a")) CompareOp.Greater (num 1.))
        parsesTo "-2 ** 2" (Expr.Unary(UnaryOp.Negate, Expr.Arith(ArithOp.Power, num 2., num 2.)))
        parsesTo
            "a + b * c - d"
            (Expr.Arith(
                ArithOp.Subtract,
                Expr.Arith(ArithOp.Add, name "a", Expr.Arith(ArithOp.Multiply, name "b", name "c")),
                name "d"
            ))
        parsesTo "a // 2 % 3" (Expr.Arith(ArithOp.Modulo, Expr.Arith(ArithOp.FloorDivide, name "a", num 2.), num 3.))
        parsesTo
            "~('2020-04-08 04:00:00+00:00' < index < '2020-04-08 10:00:00+00:00')"
            (Expr.Unary(
                UnaryOp.Not,
                Expr.Compare(
                    Expr.String "2020-04-08 04:00:00+00:00",
                    [
                        CompareOp.Less, Expr.Index
                        CompareOp.Less, Expr.String "2020-04-08 10:00:00+00:00"
                    ]
                )
            ))
        parsesTo "a not in [1, 2]" (cmp (name "a") CompareOp.NotIn (Expr.List [ num 1.; num 2. ]))
        parsesTo "android and orange" (Expr.And(name "android", name "orange"))
        parsesTo "\"it's\" == 'a\\'b'" (cmp (Expr.String "it's") CompareOp.Equal (Expr.String "a'b"))
        parsesTo "  ( a )  " (name "a")
        failsAt "a >" 3 "expected a name, number, string or '('"
        failsAt "a > > 1" 4 "expected"
        failsAt "`GRA-TE -23" 11 "closing backtick"
        failsAt "(a > 1" 6 "')'"
        failsAt "a > 1 b" 6 "end of the expression"
        failsAt "x = 1" 2 "expected"
        failsAt "'abc" 4 "closing quote"
        failsAt "" 0 "expected a name"
        test "error message says what was found" {
            match Expression.parse "a > )" with
            | Error e -> Expect.stringContains e.Message "found ')'" e.Message
            | Ok _ -> failtest "should fail"
        }
        test "hostile nesting is an error at its offset, not a stack overflow" {
            let deep = [
                String.replicate 4000 "(" + "a" + String.replicate 4000 ")"
                String.replicate 10000 "-" + "a"
                String.replicate 10000 "~ " + "a"
                String.replicate 10000 "not " + "a"
                "a" + String.replicate 5000 " ** a"
                String.replicate 3000 "[" + String.replicate 3000 "]"
            ]

            for text in deep do
                match Expression.parse text with
                | Error e ->
                    Expect.stringContains e.Message "nests deeper than 100 levels" (text.Substring(0, 20))
                    Expect.isLessThan e.Offset 1000 "the offset where the limit is passed"
                | Ok _ -> failtestf "%s... should fail" (text.Substring(0, 20))
        }
        test "nesting up to the limit still parses; long flat chains are not nesting" {
            let ok = [
                String.replicate 99 "(" + "a" + String.replicate 99 ")"
                String.replicate 99 "-" + "a"
                String.concat " - " [ for i in 1..2000 -> $"x{i}" ]
                String.concat " and " [ for i in 1..500 -> $"(x{i} > -1e-5)" ]
                "`weird -- name` > -(-3) & \"not (((\" != tag"
            ]

            for text in ok do
                Expect.isOk (Expression.parse text) (text.Substring(0, min 40 text.Length))
        }
        test "names are distinct, in order, without index" {
            let e =
                Expression.parse "`B 1` > 1 & a < 2 | `B 1` == index & (c + a) > 0"
                |> Result.defaultWith (fun e -> failtestf "%A" e)

            Expect.equal (Expression.names e) [ "B 1"; "a"; "c" ] "names"
        }
        testProperty "show then parse is the identity"
        <| Prop.forAll (Arb.fromGen exprGen) (fun e -> Expression.parse (show e) = Ok e)
    ]
