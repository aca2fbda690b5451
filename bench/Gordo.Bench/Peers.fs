namespace Gordo.Bench

open System
open System.Globalization

/// The same work done by a peer: PyYAML's `yaml.safe_load` (what Gordo itself uses to read configs).
[<RequireQualifiedAccess>]
module Peers =
    let private script =
        """
import resource, sys, time
import yaml
loader = getattr(yaml, sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
start, cpu = time.perf_counter(), time.process_time()
data = yaml.load(text, Loader=loader)
elapsed, used = time.perf_counter() - start, time.process_time() - cpu
print(elapsed * 1000.0, used * 1000.0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

    /// True when `python3 -c "import yaml"` works.
    let pythonYamlAvailable () : bool =
        try
            (Measure.run "python3" [ "-c"; "import yaml" ]).ExitCode = 0
        with :? ComponentModel.Win32Exception ->
            false

    /// True when PyYAML was built with libyaml (CSafeLoader exists).
    let libyamlAvailable () : bool =
        (Measure.run "python3" [ "-c"; "import yaml; yaml.CSafeLoader" ]).ExitCode = 0

    /// One python3 run that parses a file with a PyYAML loader.
    type PeerRun = {
        /// Parse time inside the process (wall ms).
        ParseMs: float
        /// Parse CPU time inside the process (ms).
        ParseCpuMs: float
        /// Max RSS of the process (bytes).
        PeakBytes: int64
        /// The whole process: start python, import yaml, read, parse.
        Process: Measure.ProcessRun
    }

    /// Parses `file` with the given PyYAML loader (`SafeLoader` = yaml.safe_load, `CSafeLoader`)
    /// in a fresh python3 process.
    let parse (loader: string) (file: string) : Result<PeerRun, string> =
        let run = Measure.run "python3" [ "-c"; script; file; loader ]

        let number (text: string) =
            Double.Parse(text, CultureInfo.InvariantCulture)

        match run.ExitCode, run.Output.Trim().Split ' ' with
        | 0, [| ms; cpu; rss |] ->
            Ok {
                ParseMs = number ms
                ParseCpuMs = number cpu
                PeakBytes = int64 rss
                Process = run
            }
        | code, _ -> Error(sprintf "python3 (%s) exited with %d: %s" loader code run.Output)

    /// Several runs as a parse-only sample (wall, CPU, largest max RSS).
    let parseSample (runs: PeerRun list) : Sample = {
        Runs = runs |> List.map (fun r -> r.ParseMs)
        Cpu = runs |> List.map (fun r -> r.ParseCpuMs)
        PeakBytes = Some(runs |> List.map (fun r -> r.PeakBytes) |> List.max)
    }

    /// Several runs as a whole-process sample.
    let processSample (runs: PeerRun list) : Sample = {
        Runs = runs |> List.map (fun r -> r.Process.WallMs)
        Cpu = runs |> List.map (fun r -> r.Process.CpuMs)
        PeakBytes = None
    }
