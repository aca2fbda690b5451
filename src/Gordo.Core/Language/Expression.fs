/// The pandas-eval boolean expression language of `row_filter` and `known_filter_periods`:
/// names (bare or backtick-quoted), numbers, strings (also timestamp strings), comparisons
/// (chained `a < x < b` too), `&`, `|`, `~`, `and`/`or`/`not`, `in`/`not in` with lists,
/// arithmetic, parentheses, `True`/`False` and `index`.
///
/// Precedence follows pandas, which rewrites `&`/`|` to `and`/`or` before parsing: from lowest,
/// `or`/`|`, `and`/`&`, `not`, comparisons, `+ -`, `* / // %`, unary `- + ~`, `**`.
[<RequireQualifiedAccess>]
module Gordo.Core.Language.Expression

open FParsec

/// A unary operator. `~` and `not` are both logical negation (they differ only in precedence).
[<RequireQualifiedAccess>]
type UnaryOp =
    /// `~x` or `not x`.
    | Not
    /// `-x`.
    | Negate
    /// `+x`.
    | Plus

/// An arithmetic operator.
[<RequireQualifiedAccess>]
type ArithOp =
    /// `+`
    | Add
    /// `-`
    | Subtract
    /// `*`
    | Multiply
    /// `/`
    | Divide
    /// `//`
    | FloorDivide
    /// `%`
    | Modulo
    /// `**`
    | Power

/// A comparison operator.
[<RequireQualifiedAccess>]
type CompareOp =
    /// `<`
    | Less
    /// `<=`
    | LessEqual
    /// `>`
    | Greater
    /// `>=`
    | GreaterEqual
    /// `==`
    | Equal
    /// `!=`
    | NotEqual
    /// `in`
    | In
    /// `not in`
    | NotIn

/// A parsed expression.
[<RequireQualifiedAccess>]
type Expr =
    /// A numeric literal.
    | Number of float
    /// A string literal (quotes removed, escapes resolved).
    | String of string
    /// `True` or `False`.
    | Bool of bool
    /// A column name, bare (`Tag_1`) or backtick-quoted (`` `GRA-TE -23-0733.PV` ``).
    | Name of string
    /// The frame's (timestamp) index.
    | Index
    /// A list literal `[a, b]` (right-hand side of `in`).
    | List of Expr list
    /// A unary operation.
    | Unary of UnaryOp * Expr
    /// An arithmetic operation.
    | Arith of ArithOp * Expr * Expr
    /// A comparison chain `first op1 e1 op2 e2 ...` meaning `first op1 e1 and e1 op2 e2 ...`.
    | Compare of first: Expr * rest: (CompareOp * Expr) list
    /// `a & b` or `a and b`.
    | And of Expr * Expr
    /// `a | b` or `a or b`.
    | Or of Expr * Expr

/// A syntax error: what is wrong and the 0-based character offset into the expression text.
type ExpressionError = {
    /// What is wrong, as FParsec reports it.
    Message: string
    /// 0-based character offset into the expression text.
    Offset: int
}

type private P<'T> = Parser<'T, unit>

let private ws: P<unit> = spaces

let private sym (s: string) : P<unit> = skipString s .>> ws

let private isIdStart (c: char) = isLetter c || c = '_'
let private isIdCont (c: char) = isLetter c || isDigit c || c = '_'

let private keyword (s: string) : P<unit> =
    attempt (skipString s .>> notFollowedBy (satisfy isIdCont)) .>> ws

let private reserved = set [ "and"; "or"; "not"; "in" ]

let private numberLit: P<Expr> =
    let options =
        NumberLiteralOptions.AllowFraction
        ||| NumberLiteralOptions.AllowExponent
        ||| NumberLiteralOptions.AllowFractionWOIntegerPart

    (numberLiteral options "number" |>> fun n -> Expr.Number(float n.String)) .>> ws

let private stringLit: P<Expr> =
    let escaped =
        pchar '\\' >>. anyChar
        |>> function
            | 'n' -> "\n"
            | 't' -> "\t"
            | c -> string c

    let quoted (q: char) =
        let plain = manySatisfy (fun c -> c <> q && c <> '\\' && c <> '\n')
        between (pchar q) (pchar q <?> "closing quote") (stringsSepBy plain escaped)

    (quoted '\'' <|> quoted '"') <?> "string" |>> Expr.String .>> ws

let private backtickName: P<Expr> =
    between (pchar '`') (pchar '`' <?> "closing backtick") (many1Satisfy (fun c -> c <> '`' && c <> '\n'))
    <?> "backtick-quoted name"
    |>> Expr.Name
    .>> ws

let private bareName: P<Expr> =
    let word = many1Satisfy2L isIdStart isIdCont "name"

    let classify (s: string) : P<Expr> =
        match s with
        | "True" -> preturn (Expr.Bool true)
        | "False" -> preturn (Expr.Bool false)
        | "index" -> preturn Expr.Index
        | k when reserved.Contains k -> fail (sprintf "'%s' is a keyword, not a value" k)
        | name -> preturn (Expr.Name name)

    attempt (word >>= classify) .>> ws

let private expr, private exprRef = createParserForwardedToRef<Expr, unit> ()

let private listLit: P<Expr> =
    between (sym "[") (sym "]" <?> "']'") (sepEndBy expr (sym ",")) |>> Expr.List

let private atom: P<Expr> =
    choiceL
        [
            numberLit
            stringLit
            backtickName
            bareName
            between (sym "(") (sym ")" <?> "')'") expr
            listLit
        ]
        "a name, number, string or '('"

let private unary, private unaryRef = createParserForwardedToRef<Expr, unit> ()

let private power: P<Expr> =
    atom .>>. opt (sym "**" >>. unary)
    |>> function
        | a, Some b -> Expr.Arith(ArithOp.Power, a, b)
        | a, None -> a

unaryRef.Value <-
    choice [
        sym "-" >>. unary |>> fun e -> Expr.Unary(UnaryOp.Negate, e)
        sym "+" >>. unary |>> fun e -> Expr.Unary(UnaryOp.Plus, e)
        sym "~" >>. unary |>> fun e -> Expr.Unary(UnaryOp.Not, e)
        power
    ]

let private binary (op: ArithOp) = fun a b -> Expr.Arith(op, a, b)

let private product: P<Expr> =
    let op =
        choice [
            attempt (sym "//") >>% binary ArithOp.FloorDivide
            sym "*" >>% binary ArithOp.Multiply
            sym "/" >>% binary ArithOp.Divide
            sym "%" >>% binary ArithOp.Modulo
        ]

    chainl1 unary (attempt op)

let private sum: P<Expr> =
    let op = (sym "+" >>% binary ArithOp.Add) <|> (sym "-" >>% binary ArithOp.Subtract)

    chainl1 product op

let private compareOp: P<CompareOp> =
    choice [
        sym "<=" >>% CompareOp.LessEqual
        sym "<" >>% CompareOp.Less
        sym ">=" >>% CompareOp.GreaterEqual
        sym ">" >>% CompareOp.Greater
        sym "==" >>% CompareOp.Equal
        sym "!=" >>% CompareOp.NotEqual
        keyword "in" >>% CompareOp.In
        attempt (keyword "not" >>. keyword "in") >>% CompareOp.NotIn
    ]
    <?> "comparison"

let private comparison: P<Expr> =
    sum .>>. many (compareOp .>>. sum)
    |>> function
        | e, [] -> e
        | e, rest -> Expr.Compare(e, rest)

let private negation, private negationRef =
    createParserForwardedToRef<Expr, unit> ()

negationRef.Value <-
    (keyword "not" >>. negation |>> fun e -> Expr.Unary(UnaryOp.Not, e))
    <|> comparison

let private conjunction: P<Expr> =
    chainl1 negation ((sym "&" <|> keyword "and") >>% fun a b -> Expr.And(a, b))

exprRef.Value <- chainl1 conjunction ((sym "|" <|> keyword "or") >>% fun a b -> Expr.Or(a, b))

let private whole: P<Expr> =
    ws >>. expr .>> (eof <?> "an operator or the end of the expression")

let private label (m: ErrorMessage) : string option =
    match m with
    | :? ErrorMessage.Expected as e -> Some e.Label
    | :? ErrorMessage.ExpectedString as e -> Some(sprintf "'%s'" e.String)
    | _ -> None

let private describe (messages: ErrorMessageList) : string =
    let all = ErrorMessageList.ToSortedArray messages |> List.ofArray
    let expected = all |> List.choose label |> List.distinct

    let others =
        all
        |> List.choose (function
            | :? ErrorMessage.Message as m -> Some m.String
            | :? ErrorMessage.Unexpected as u -> Some("unexpected " + u.Label)
            | _ -> None)

    match expected, others with
    | _, m :: _ -> m
    | [], [] -> "syntax error"
    | [ one ], _ -> "expected " + one
    | many, _ ->
        "expected "
        + String.concat ", " (List.take (many.Length - 1) many)
        + " or "
        + List.last many

let private found (text: string) (offset: int) : string =
    if offset >= text.Length then
        "the end of the expression"
    else
        sprintf "'%c'" text.[offset]

/// The deepest nesting the parser accepts: parentheses, brackets, prefix operators in a row and
/// `**` (right-associative) each recurse; thousands of them would overflow the stack.
let internal MaxNesting = 100

/// The offset where an expression first nests deeper than `MaxNesting`, if it does: bracket depth
/// plus the run of prefix operators (`-`, `+`, `~`, `not`) before the next operand, and the count
/// of `**`, outside quoted strings and backtick names.
let private tooDeep (text: string) : int option =
    let mutable depth = 0
    let mutable run = 0
    let mutable powers = 0
    let mutable quote = None
    let mutable found = None
    let mutable i = 0

    let word (at: int) (w: string) =
        System.String.CompareOrdinal(text, at, w, 0, w.Length) = 0
        && (at = 0 || not (isIdCont text.[at - 1]))
        && (at + w.Length >= text.Length || not (isIdCont text.[at + w.Length]))

    while found.IsNone && i < text.Length do
        let c = text.[i]

        match quote with
        | Some q ->
            if c = '\\' then
                i <- i + 1
            elif c = q then
                quote <- None
        | None ->
            match c with
            | '\''
            | '"'
            | '`' ->
                quote <- Some c
                run <- 0
            | '('
            | '[' -> depth <- depth + 1
            | ')'
            | ']' -> depth <- depth - 1
            | '-'
            | '+'
            | '~' -> run <- run + 1
            | '*' when i + 1 < text.Length && text.[i + 1] = '*' ->
                powers <- powers + 1
                i <- i + 1
            | _ when word i "not" ->
                run <- run + 1
                i <- i + 2
            | _ when isIdCont c -> run <- 0
            | _ -> ()

            if depth + run > MaxNesting || powers > MaxNesting then
                found <- Some i

        i <- i + 1

    found

let private run (text: string) : Result<Expr, ExpressionError> =
    match runParserOnString whole () "expression" text with
    | Success(e, _, _) -> Result.Ok e
    | Failure(_, err, _) ->
        let offset = int err.Position.Index

        Result.Error {
            Message = sprintf "%s, found %s" (describe err.Messages) (found text offset)
            Offset = offset
        }

/// Parses a pandas-eval expression; on failure returns what is wrong and where.
let parse (text: string) : Result<Expr, ExpressionError> =
    let text = if isNull text then "" else text

    match tooDeep text with
    | Some offset ->
        Result.Error {
            Message =
                sprintf
                    "the expression nests deeper than %d levels (parentheses, brackets, prefix operators or '**' in a row); simplify it"
                    MaxNesting
            Offset = offset
        }
    | None -> run text

/// The variable (column) names an expression uses, in order of first use, without `index`.
let names (e: Expr) : string list =
    let rec walk (e: Expr) : string seq =
        seq {
            match e with
            | Expr.Name n -> yield n
            | Expr.Number _
            | Expr.String _
            | Expr.Bool _
            | Expr.Index -> ()
            | Expr.List items -> yield! Seq.collect walk items
            | Expr.Unary(_, a) -> yield! walk a
            | Expr.Arith(_, a, b)
            | Expr.And(a, b)
            | Expr.Or(a, b) ->
                yield! walk a
                yield! walk b
            | Expr.Compare(first, rest) ->
                yield! walk first
                yield! rest |> Seq.collect (snd >> walk)
        }

    walk e |> Seq.distinct |> List.ofSeq
