/// Hostile mutations of real configs for the compiler front end (shared by the `Config fuzzing`
/// tests and `bench/Gordo.Fuzz.Bench`): each case is a conformance config with a few mutations
/// (bytes, lines, YAML structure, deep nesting, huge scalars, alias bombs); compiling it must
/// end, in time, with a Compilation (diagnostics are fine), never an exception.
module Gordo.Tests.Config.ConfigFuzz

open System
open System.IO
open System.Text
open System.Threading.Tasks
open FsCheck
open FsCheck.FSharp
open Gordo.Core.Config

/// How a nesting is written.
type Nesting =
    | FlowSequence
    | FlowMapping
    | BlockMapping
    | BlockSequence
    | Parentheses
    | UnaryMinus
    | Not

/// One mutation; positions are taken modulo the length of what they index.
type Mutation =
    | SetByte of position: int * value: byte
    | DeleteBytes of position: int * count: int
    | InsertText of position: int * text: string
    | DuplicateLine of line: int
    | DeleteLine of line: int
    | SwapLines of line: int * other: int
    | Reindent of line: int * spaces: int
    | Nest of line: int * kind: Nesting * depth: int
    | HugeScalar of line: int * size: int * asKey: bool
    | AliasBomb of levels: int * width: int

/// A conformance config and the mutations applied to it, in order.
type Case = {
    Seed: string
    Mutations: Mutation list
}

/// What compiling a case did.
type Outcome =
    | Compiled
    | Crashed of exn
    | Hung

/// The conformance configs (name, bytes).
let seeds (folder: string) : (string * byte[]) list =
    Directory.GetFiles folder
    |> Array.filter (fun f -> f.EndsWith ".yaml" || f.EndsWith ".yml")
    |> Array.sort
    |> Array.map (fun f -> Path.GetFileName f, File.ReadAllBytes f)
    |> List.ofArray

/// YAML and config fragments that break structure or probe limits.
let private snippets = [
    "{"
    "}"
    "["
    "]"
    ": "
    "- "
    "&a "
    "*a"
    "*undefined"
    "<<: *a\n"
    "<<: [*a, *a]\n"
    "!!str "
    "!!binary "
    "!!map "
    "!custom "
    "? "
    "|\n"
    ">-\n"
    "|+9\n"
    "---\n"
    "...\n"
    "%YAML 1.2\n"
    "%TAG ! tag:x,2000:\n"
    "\t"
    "'"
    "\""
    "\"\\u\""
    "#"
    "\u0000"
    "\uFEFF"
    "\r"
    "\u2028"
    "\ud83d\ude00"
    "null"
    "~"
    "0x1F"
    "1e400"
    "-.inf"
    ".nan"
    "2020-13-45T99:99:99+25:00"
    "99999999999999999999999999"
    "machines:\n"
    "machines: []\n"
    "machines: null\n"
    "globals: [1]\n"
    "row_filter: \"(((\"\n"
    "row_filter: \"`a` > 1 & \"\n"
    "row_filter: \"a ** 1e308 ** 1e308\"\n"
    "train_start_date: 0001-01-01T00:00:00+00:00\n"
    "train_end_date: 9999-12-31T23:59:59+14:00\n"
    "resolution: 0T\n"
    "resolution: 99999999999999999T\n"
    "interpolation_limit: -1H\n"
    "tags: [[[]]]\n"
    "model: {}\n"
    "model: {a: {b: {c: 1}}}\n"
    "n_components: -99999999999999999999\n"
    "epochs: 1e9\n"
    "memory: 99999999999999999999999Gi\n"
    "cpu: 0.000000000000000000001m\n"
]

let private wrap (position: int) (length: int) =
    if length = 0 then
        0
    else
        (position &&& Int32.MaxValue) % (length + 1)

let private nested (kind: Nesting) (depth: int) : string =
    match kind with
    | FlowSequence -> String('[', depth) + "x" + String(']', depth)
    | FlowMapping -> String.replicate depth "{a: " + "x" + String('}', depth)
    | BlockMapping ->
        // Indentation grows with the depth: 400 levels (past the 256 limit) is 160,000 spaces,
        // 20,000 would be 400 million.
        "\n"
        + (Seq.init (min depth 400) (fun i -> String(' ', 2 * (i + 1)) + "k:")
           |> String.concat "\n")
        + " x"
    | BlockSequence -> String.replicate depth "- " + "x"
    | Parentheses -> "\"" + String('(', depth) + "`a` > 1" + String(')', depth) + "\""
    | UnaryMinus -> "\"`a` > " + String('-', depth) + "1\""
    | Not -> "\"" + String.replicate depth "not " + "`a` > 1\""

let private bomb (levels: int) (width: int) : string =
    let sb = StringBuilder("x-bomb:\n")

    let items name =
        Seq.replicate width name |> String.concat ", "

    sb.Append("  l0: &l0 [").Append(items "x").Append("]\n") |> ignore

    for i in 1..levels do
        let previous = items ("*l" + string (i - 1))
        sb.Append($"  l%d{i}: &l%d{i} [").Append(previous).Append("]\n") |> ignore

    sb.ToString()

let private lines (text: string) = text.Split '\n' |> ResizeArray

let private onLines (text: string) (f: ResizeArray<string> -> unit) =
    let l = lines text
    f l
    String.Join('\n', l)

let private setLineValue (text: string) (line: int) (value: string) =
    onLines text (fun l ->
        let i = wrap line (l.Count - 1)
        let current = l.[i]

        l.[i] <-
            match current.IndexOf ':' with
            | -1 -> current + value
            | colon -> current.Substring(0, colon + 1) + " " + value)

/// Applies one mutation to the bytes of a config.
let apply (bytes: byte[]) (mutation: Mutation) : byte[] =
    let text () = Encoding.UTF8.GetString bytes
    let utf8 (s: string) = Encoding.UTF8.GetBytes s

    match mutation with
    | SetByte(p, v) when bytes.Length > 0 ->
        let copy = Array.copy bytes
        copy.[wrap p (bytes.Length - 1)] <- v
        copy
    | SetByte _ -> [| 0uy |]
    | DeleteBytes(p, n) ->
        let at = wrap p bytes.Length
        let n = min n (bytes.Length - at)
        Array.append bytes.[.. at - 1] bytes.[at + n ..]
    | InsertText(p, s) ->
        let at = wrap p bytes.Length
        Array.concat [ bytes.[.. at - 1]; utf8 s; bytes.[at..] ]
    | DuplicateLine n ->
        onLines (text ()) (fun l ->
            let i = wrap n (l.Count - 1)
            l.Insert(i, l.[i]))
        |> utf8
    | DeleteLine n -> onLines (text ()) (fun l -> l.RemoveAt(wrap n (l.Count - 1))) |> utf8
    | SwapLines(a, b) ->
        onLines (text ()) (fun l ->
            let i, j = wrap a (l.Count - 1), wrap b (l.Count - 1)
            let t = l.[i]
            l.[i] <- l.[j]
            l.[j] <- t)
        |> utf8
    | Reindent(n, spaces) ->
        onLines (text ()) (fun l ->
            let i = wrap n (l.Count - 1)
            l.[i] <- String(' ', spaces) + l.[i].TrimStart())
        |> utf8
    | Nest(n, kind, depth) -> setLineValue (text ()) n (nested kind depth) |> utf8
    | HugeScalar(n, size, asKey) ->
        let huge = String('x', size)

        if asKey then
            onLines (text ()) (fun l -> l.Insert(wrap n (l.Count - 1), huge + ": 1"))
        else
            setLineValue (text ()) n huge
        |> utf8
    | AliasBomb(levels, width) -> Array.append (utf8 (bomb levels width)) bytes

/// The bytes of a case.
let render (seedBytes: byte[]) (case: Case) : byte[] =
    case.Mutations |> List.fold apply seedBytes

/// Compiles the bytes on another thread; Hung when it does not end within `timeout` (the thread
/// is left running: a hang fails the run anyway).
let compile (timeout: TimeSpan) (bytes: byte[]) : Outcome =
    let work =
        Task.Run(fun () -> Compiler.compileBytes Compiler.defaultOptions "fuzz.yaml" bytes |> ignore)

    try
        if work.Wait timeout then Compiled else Hung
    with :? AggregateException as e ->
        Crashed(e.InnerException)

let private position = Gen.choose (0, Int32.MaxValue)

let private depth =
    Gen.frequency [
        3, Gen.choose (1, 64)
        2, Gen.choose (64, 2_000)
        1, Gen.choose (2_000, 20_000)
    ]

let private mutation: Gen<Mutation> =
    Gen.frequency [
        4, Gen.map2 (fun p v -> SetByte(p, v)) position (Gen.choose (0, 255) |> Gen.map byte)
        2, Gen.map2 (fun p n -> DeleteBytes(p, n)) position (Gen.choose (1, 200))
        5, Gen.map2 (fun p s -> InsertText(p, s)) position (Gen.elements snippets)
        2, Gen.map DuplicateLine position
        2, Gen.map DeleteLine position
        2, Gen.map2 (fun a b -> SwapLines(a, b)) position position
        2, Gen.map2 (fun n s -> Reindent(n, s)) position (Gen.choose (0, 12))
        2,
        Gen.map3
            (fun n k d -> Nest(n, k, d))
            position
            (Gen.elements [
                FlowSequence
                FlowMapping
                BlockMapping
                BlockSequence
                Parentheses
                UnaryMinus
                Not
            ])
            depth
        1,
        Gen.map3
            (fun n s k -> HugeScalar(n, s, k))
            position
            (Gen.frequency [ 3, Gen.choose (1_000, 100_000); 1, Gen.choose (100_000, 1_000_000) ])
            (Gen.elements [ false; true ])
        1, Gen.map2 (fun l w -> AliasBomb(l, w)) (Gen.choose (1, 12)) (Gen.choose (2, 12))
    ]

/// Cases over these seed names: a seed and one to four mutations.
let cases (seedNames: string list) : Gen<Case> =
    Gen.map2
        (fun seed mutations -> { Seed = seed; Mutations = mutations })
        (Gen.elements seedNames)
        (Gen.choose (1, 4) |> Gen.bind (fun n -> Gen.listOfLength n mutation))
