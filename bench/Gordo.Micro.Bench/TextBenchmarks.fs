/// Text kernels: shortest round-trip number text (the server's replies) and YAML reading and
/// compiling (the config compiler).
namespace Gordo.Micro.Bench

open System
open System.Globalization
open BenchmarkDotNet.Attributes
open Gordo.Core.Config
open Gordo.Core.Yaml
open Gordo.Server

/// 5,300 numbers as UTF-8 text (one reply of the server benchmark holds about that many):
/// ours against .NET's own shortest round-trip formatting.
[<MemoryDiagnoser>]
type ShortestDoubleBench() =
    let numbers = Array.init 5300 (fun i -> sin (float i) * 37.0 + 50.0)
    let digits = Array.zeroCreate<byte> 32

    /// .NET's `Double.TryFormat` into UTF-8 (shortest round-trip since .NET Core 3.0).
    [<Benchmark(Baseline = true)>]
    member _.DotNet() =
        let mutable total = 0

        for v in numbers do
            let mutable n = 0

            v.TryFormat(Span digits, &n, ReadOnlySpan<char>.Empty, CultureInfo.InvariantCulture)
            |> ignore

            total <- total + n

        total

    /// `ShortestDouble.format`.
    [<Benchmark>]
    member _.Ours() =
        let mutable total = 0

        for v in numbers do
            total <- total + ShortestDouble.format v (Span digits)

        total

/// Reading a 1,000-machine config (0.6 MB) into the positioned tree: the fast block-YAML reader
/// against YamlDotNet (the fallback for every other YAML).
[<MemoryDiagnoser>]
type YamlReadBench() =
    let text = Gordo.Bench.Generate.config 1000
    let map = Parse.fileMap "bench.yaml"

    /// YamlDotNet's parser events turned into the tree.
    [<Benchmark(Baseline = true)>]
    member _.YamlDotNet() =
        Parse.full "bench.yaml" map Parse.defaultLimits true text

    /// The reader configs take (the fast reader; YamlDotNet only where it gives up).
    [<Benchmark>]
    member _.Ours() =
        Parse.text "bench.yaml" map Parse.defaultLimits true text

/// The whole config compiler (parse, normalize, check) on the 10,000-machine config (5.9 MB), warm.
[<MemoryDiagnoser>]
type CompileBench() =
    let text = Gordo.Bench.Generate.config 10000

    /// `Compiler.compileText`; the result must have every machine and no diagnostic.
    [<Benchmark>]
    member _.Compile() =
        Compiler.compileText Compiler.defaultOptions "bench.yaml" text

    /// Fails the run when the generated config does not compile cleanly.
    [<GlobalSetup>]
    member this.Check() =
        let compilation = this.Compile()

        match compilation.Project with
        | Some project when project.Machines.Length = 10000 && compilation.Diagnostics.IsEmpty -> ()
        | _ -> failwithf "the generated config does not compile: %A" (List.truncate 5 compilation.Diagnostics)
