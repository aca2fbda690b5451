// Runs the benchmarks and rewrites the table in bench/README.md (between the bench-table markers).
//   dotnet fsi bench/run.fsx [--quick] [STEP ...]     (build first: dotnet fsi build.fsx build)
// STEP is one of the step names below (default: all). --quick runs CI-sized versions.
// Every bench program prints its figures as tab-separated `##bench` lines:
//   ##bench  ours|peer  KEY  TEXT  VALUE  UNIT  [NOTE]
// (TEXT: what, for ours; the peer's name, for a peer). Ours and the peer with the same KEY make one
// row. A full run rewrites the table; a run of some steps replaces the rows it measured. The
// table is written after each step.

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Text.RegularExpressions

let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, ".."))
let args = fsi.CommandLineArgs |> Array.tail |> List.ofArray
let quick = args |> List.contains "--quick"
let chosen = args |> List.filter ((<>) "--quick")

/// One command of a step: shown as `Shown`, run as `Exe Args` with `Env`; `Adapt` turns its
/// output into `##bench` lines (identity for programs that print them).
type Command = {
    Shown: string
    Exe: string
    Args: string list
    Env: (string * string) list
    Adapt: string -> string list
}

type Step = { Name: string; Commands: Command list }

let benchLines (output: string) =
    output.Split '\n'
    |> Array.filter (fun l -> l.StartsWith "##bench\t")
    |> List.ofArray

let project (name: string) (extra: string list) (env: (string * string) list) =
    let shownEnv = env |> List.map (fun (k, v) -> $"{k}={v} ") |> String.concat ""

    let shownArgs =
        if extra.IsEmpty then
            ""
        else
            " -- " + String.concat " " extra

    {
        Shown = $"{shownEnv}dotnet run -c Release --project bench/{name}{shownArgs}"
        Exe = "dotnet"
        Args =
            [ "run"; "--no-build"; "-c"; "Release"; "--project"; $"bench/{name}"; "--" ]
            @ extra
        Env = env
        Adapt = benchLines
    }

/// The scripts use the `gordo` that `build.fsx bench` built (run.fsx expects a built tree).
let builtGordo =
    Path.Combine(root, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo")

let script (path: string) (extra: string list) (scriptEnv: (string * string) list) =
    let shownEnv = scriptEnv |> List.map (fun (k, v) -> $"{k}={v} ") |> String.concat ""

    let env = ("GORDO_BENCH_GORDO", builtGordo) :: scriptEnv

    {
        Shown = String.concat " " ($"{shownEnv}{path}" :: extra)
        Exe = "bash"
        Args = path :: extra
        Env = env
        Adapt = benchLines
    }

/// bench/peers/models_peer.py predict prints `pytorch-predict-median-us <microseconds>`.
let predictPeer = {
    Shown = "python3 bench/peers/models_peer.py predict"
    Exe = "/usr/bin/python3"
    Args = [ "bench/peers/models_peer.py"; "predict" ]
    Env = []
    Adapt =
        fun output ->
            match output.Trim().Split('\n') |> Array.last |> (fun l -> l.Split ' ') with
            | [| "pytorch-predict-median-us"; us |] ->
                let seconds = Double.Parse(us, CultureInfo.InvariantCulture) / 1e6
                [ $"##bench\tpeer\tpredict\tPyTorch (eval, no_grad)\t{seconds:R}\ts\t" ]
            | _ -> []
}

let steps = [
    {
        Name = "micro"
        Commands = [
            project "Gordo.Micro.Bench" (if quick then [ "--quick" ] else []) []
            predictPeer
        ]
    }
    {
        Name = "config"
        Commands = [
            project
                "Gordo.Bench"
                (if quick then
                     [ "--machines"; "2000"; "--no-publish" ]
                 else
                     [ "--machines"; "10000" ])
                []
        ]
    }
    {
        Name = "data"
        Commands = [
            project "Gordo.Bench.Data" [] (if quick then [ ("GORDO_BENCH_TAGS", "20") ] else [])
        ]
    }
    {
        Name = "models"
        Commands = [
            project
                "Gordo.Models.Bench"
                [ "pca"; "train"; "forest" ]
                (if quick then
                     [ "GORDO_BENCH_ROUNDS", "1"; "GORDO_BENCH_EPOCHS", "1" ]
                 else
                     [ "GORDO_BENCH_ROUNDS", "3"; "GORDO_BENCH_EPOCHS", "10" ])
        ]
    }
    {
        Name = "builder"
        Commands = [ project "Gordo.Builder.Bench" [] [] ]
    }
    {
        Name = "store"
        Commands = [ project "Gordo.ModelStore.Bench" [ (if quick then "200" else "1000") ] [] ]
    }
    {
        Name = "server"
        Commands = [
            (if quick then
                 script "bench/server/run.sh" [ "3" ] [ ("GORDO_BENCH_WARMUP", "8") ]
             else
                 script "bench/server/run.sh" [ "10" ] [])
        ]
    }
    {
        Name = "workflow"
        Commands = [ script "bench/workflow/run.sh" [ (if quick then "2000" else "10000") ] [] ]
    }
    {
        // Needs the InfluxDB of .ci/setup.d/40-influxdb.sh (GORDO_TEST_INFLUX_URI).
        Name = "client"
        Commands = [
            script "bench/client/run.sh" [ (if quick then "10" else "30") ] []
            script "bench/client/run.sh" [ (if quick then "10" else "30") ] [ ("MODEL", "autoencoder") ]
        ]
    }
    {
        // The sample plant of examples/config.yaml, then the same on other seeds: 7 was used to
        // choose the example's settings, 23 never was (docs/events.md).
        Name = "events"
        Commands = [
            project "Gordo.Events.Bench" [] []
            project "Gordo.Events.Bench" [ "--seed"; "7" ] []
            project "Gordo.Events.Bench" [ "--seed"; "23" ] []
        ]
    }
    {
        Name = "deploy"
        Commands = [
            script "bench/deploy/run.sh" (if quick then [ "2000"; "10" ] else [ "10000"; "50" ]) []
        ]
    }
]

/// CPU clock ticks: all processors busy (from /proc/stat), and this process's reaped children.
let busyTicks () =
    let cpu = File.ReadAllLines "/proc/stat" |> Array.head

    let f =
        cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        |> Array.tail
        |> Array.map int64
    // user nice system idle iowait irq softirq steal
    f.[0] + f.[1] + f.[2] + f.[5] + f.[6] + f.[7]

let childTicks () =
    let stat = File.ReadAllText "/proc/self/stat"
    let fields = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
    // after the name: state is field 3, cutime field 16, cstime field 17
    int64 fields.[13] + int64 fields.[14]

let loadAverage () =
    (File.ReadAllText "/proc/loadavg").Split(' ').[0]

/// What else used the machine while a command ran.
type Load = {
    Before: string
    After: string
    /// Cores used by other processes on average (all busy time less ours).
    Others: float
}

let run (command: Command) : string * Load =
    printfn "== %s" command.Shown

    let psi =
        ProcessStartInfo(command.Exe, command.Args, WorkingDirectory = root, RedirectStandardOutput = true)

    for k, v in command.Env do
        psi.Environment.[k] <- v

    let before, busy0, ours0 = loadAverage (), busyTicks (), childTicks ()
    let watch = Stopwatch.StartNew()
    use proc = Process.Start psi
    let out = Text.StringBuilder()

    let rec pump () =
        match proc.StandardOutput.ReadLine() with
        | null -> ()
        | line ->
            Console.WriteLine line
            out.AppendLine line |> ignore
            pump ()

    pump ()
    proc.WaitForExit()
    let seconds = watch.Elapsed.TotalSeconds

    let others =
        float ((busyTicks () - busy0) - (childTicks () - ours0)) / 100.0 / seconds

    if proc.ExitCode <> 0 then
        eprintfn "bench/run.fsx: '%s' exited with %d" command.Shown proc.ExitCode

    out.ToString(),
    {
        Before = before
        After = loadAverage ()
        Others = max 0.0 others
    }

/// One parsed `##bench` line.
type Figure = {
    Role: string
    Key: string
    Text: string
    Value: float
    Unit: string
    Note: string
    Command: string
    Load: Load
}

let parse (command: string) (load: Load) (line: string) =
    match line.Split '\t' with
    | [| _; role; key; text; value; unit; note |] ->
        Some {
            Role = role
            Key = key
            Text = text
            Value = Double.Parse(value, CultureInfo.InvariantCulture)
            Unit = unit
            Note = note
            Command = command
            Load = load
        }
    | _ ->
        eprintfn "bench/run.fsx: malformed line %s" line
        None

let number (v: float) =
    if v >= 100.0 then
        v.ToString("N0", CultureInfo.InvariantCulture)
    elif v >= 10.0 then
        v.ToString("0.0", CultureInfo.InvariantCulture)
    else
        v.ToString("0.00", CultureInfo.InvariantCulture)

let show (f: Figure) =
    let text =
        match f.Unit with
        | "s" when f.Value < 1e-6 -> number (f.Value * 1e9) + " ns"
        | "s" when f.Value < 1e-3 -> number (f.Value * 1e6) + " µs"
        | "s" when f.Value < 1.0 -> number (f.Value * 1e3) + " ms"
        | "s" -> number f.Value + " s"
        | "B" when f.Value >= 1048576.0 -> number (f.Value / 1048576.0) + " MB"
        | "B" -> number (f.Value / 1024.0) + " KB"
        | unit -> number f.Value + " " + unit

    if f.Note = "" then text else $"{text} ({f.Note})"

/// How many times better ours is (> 1: ours faster, smaller, or more requests).
let ratio (ours: Figure) (peer: Figure) =
    if ours.Unit <> peer.Unit || ours.Value <= 0.0 || peer.Value <= 0.0 then
        ""
    elif ours.Unit.EndsWith "/s" then
        number (ours.Value / peer.Value) + "×"
    else
        number (peer.Value / ours.Value) + "×"

/// Another process used half a core or more on average: the figure is marked.
let loaded (l: Load) = l.Others >= 0.5

let loadCell (l: Load) =
    let text = $"load {l.Before}→{l.After}, others {l.Others:F1} cores"
    if loaded l then $"**under load**: {text}" else text

let commit =
    let git (a: string list) =
        let psi =
            ProcessStartInfo("git", a, WorkingDirectory = root, RedirectStandardOutput = true)

        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEnd().Trim()
        p.WaitForExit()
        out

    let head = git [ "rev-parse"; "--short"; "HEAD" ]
    // The table itself does not count: run.fsx rewrites it after each step.
    let dirty =
        git [
            "status"
            "--porcelain"
            "--untracked-files=no"
            "--"
            "."
            ":!bench/README.md"
        ]

    if dirty = "" then head else head + " (modified)"

let row (ours: Figure option) (peer: Figure option) =
    let main = Option.orElse peer ours |> Option.get
    let mark = if loaded main.Load then " †" else ""
    let what = ours |> Option.map (fun o -> o.Text) |> Option.defaultValue main.Key

    let command =
        match ours, peer with
        | Some o, Some p when o.Command <> p.Command -> $"`{o.Command}`; peer: `{p.Command}`"
        | _ -> $"`{main.Command}`"

    let oursCell =
        ours |> Option.map (fun o -> show o + mark) |> Option.defaultValue "–"

    let peerCell =
        peer |> Option.map (fun p -> $"{p.Text}: {show p}") |> Option.defaultValue "–"

    let ratioCell =
        match ours, peer with
        | Some o, Some p -> ratio o p
        | _ -> ""

    $"| {what} | {command} | {oursCell} | {peerCell} | {ratioCell} | {loadCell main.Load} | {commit} |"

let header = [
    "| what | command | ours | peer | ratio | machine load | commit |"
    "|---|---|---|---|---|---|---|"
]

let readme = Path.Combine(root, "bench", "README.md")
let startMark, endMark = "<!-- bench-table:start -->", "<!-- bench-table:end -->"

/// The rows of the current table, by their first cell.
let oldRows () =
    let text = File.ReadAllText readme

    let body =
        Regex.Match(text, Regex.Escape startMark + "(.*?)" + Regex.Escape endMark, RegexOptions.Singleline)

    body.Groups.[1].Value.Split('\n')
    |> Array.filter (fun l -> l.StartsWith "| " && not (l.StartsWith "| what |"))
    |> Array.map (fun l -> l.Split('|').[1].Trim(), l)
    |> List.ofArray

let write (rows: string list) =
    let table = String.concat "\n" (header @ rows)
    let text = File.ReadAllText readme
    let i, j = text.IndexOf startMark, text.IndexOf endMark

    if i < 0 || j < i then
        failwith "bench/README.md has no bench-table markers"

    let updated =
        text.Substring(0, i + startMark.Length) + "\n" + table + "\n" + text.Substring j

    File.WriteAllText(readme, updated)

let selected =
    if chosen.IsEmpty then
        steps
    else
        match chosen |> List.filter (fun c -> steps |> List.forall (fun s -> s.Name <> c)) with
        | [] -> steps |> List.filter (fun s -> List.contains s.Name chosen)
        | unknown ->
            eprintfn "unknown step(s) %A; steps: %s" unknown (steps |> List.map (fun s -> s.Name) |> String.concat " ")
            exit 2

/// The table's rows for some figures: ours and the peer with the same key make one row.
let rowsOf (figures: Figure list) = [
    for key in figures |> List.map (fun f -> f.Key) |> List.distinct do
        let pick role =
            figures |> List.tryFindBack (fun f -> f.Key = key && f.Role = role)

        let ours, peer = pick "ours", pick "peer"
        let what = ours |> Option.map (fun o -> o.Text) |> Option.defaultValue key
        what, row ours peer
]

/// Replaces the rows with the same first cell, appends the others.
let merge (fresh: (string * string) list) =
    let byWhat = dict fresh
    let old = oldRows ()

    let kept =
        old
        |> List.map (fun (what, line) -> if byWhat.ContainsKey what then byWhat.[what] else line)

    let added =
        fresh
        |> List.filter (fun (what, _) -> old |> List.forall (fun (w, _) -> w <> what))

    write (kept @ List.map snd added)

// A run of every step starts a new table; the table is written after each step, so an
// interrupted run keeps what it measured.
if chosen.IsEmpty then
    write []

for step in selected do
    let figures = [
        for command in step.Commands do
            let output, load = run command
            yield! command.Adapt output |> List.choose (parse command.Shown load)
    ]

    let rows = rowsOf figures
    merge rows
    printfn "bench/README.md: %d rows from step %s" rows.Length step.Name
