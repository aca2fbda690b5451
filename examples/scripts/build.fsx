// Build the models of a Gordo project config in FSI, with live progress, as `gordo local-build` does.
//   dotnet fsi examples/scripts/build.fsx   (once built: `dotnet fsi build.fsx examples` builds and runs every script)
// The project has one machine on generated CSV data and a model without a neural network, so the
// script is quick and needs no native libtorch; a second run is served from the build cache.

#r "nuget: MathNet.Numerics, 5.0.0"
#r "nuget: YamlDotNet, 18.1.0"
#r "nuget: FParsec, 1.1.1"
#r "nuget: Parquet.Net, 6.1.0"
#r "../../src/Gordo.Core/bin/Release/net10.0/Gordo.Core.dll"
#r "../../src/Gordo.Data/bin/Release/net10.0/Gordo.Data.dll"
#r "../../src/Gordo.Models/bin/Release/net10.0/Gordo.Models.dll"
#r "../../src/Gordo.Build/bin/Release/net10.0/Gordo.Build.dll"

open System
open System.Globalization
open System.IO
open System.Threading
open Gordo.Core.Config
open Gordo.Build

let work =
    Path.Combine(Path.GetTempPath(), "gordo-build-fsx-" + Guid.NewGuid().ToString("N"))

Directory.CreateDirectory work |> ignore

// Four days of hourly data for three tags.
let start = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)

let rows = [
    "time,A,B,C"
    for i in 0..96 do
        let x = sin (float i / 6.0)

        let t =
            start.AddHours(float i).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)

        String.Format(CultureInfo.InvariantCulture, "{0},{1},{2},{3}", t, x, 2.0 * x + 0.1 * cos (float i), 1.0 - x)
]

File.WriteAllLines(Path.Combine(work, "data.csv"), rows)

let config =
    $"""machines:
  - name: pump-1
    dataset:
      tags: [A, B, C]
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-01-05T00:00:00+00:00
      resolution: 1H
      data_provider:
        type: CSVDataProvider
        file_path: {Path.Combine(work, "data.csv")}
        timestamp_column: time
    model:
      gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
        base_estimator:
          sklearn.pipeline.Pipeline:
            steps:
              - sklearn.preprocessing.MinMaxScaler
              - sklearn.linear_model.LinearRegression
"""

// Check the config like the compiler does; stop on errors.
let compilation = Compiler.compileText Compiler.defaultOptions "project.yaml" config

for d in compilation.Diagnostics do
    printfn "%A %s" d.Severity d.Message

let inputs = BuildInput.ofCompilation compilation

if inputs.IsEmpty then
    failwith "the config has errors"

let settings = {
    ProjectBuilder.settings (Path.Combine(work, "models")) with
        RegisterDirectory = Some(Path.Combine(work, "registry"))
}

let show (event: ProjectEvent) =
    match event with
    | ProjectEvent.Machine(name, e) -> printfn "[%s] %A" name e
    | ProjectEvent.Finished { Name = name; Result = Ok built } ->
        printfn
            "[%s] done in %.2f s (from cache: %b): %A"
            name
            built.DurationSeconds
            built.FromCache
            built.OutputDirectory
    | ProjectEvent.Finished { Name = name; Result = Error e } -> printfn "[%s] FAILED: %s" name e.Message

let first = ProjectBuilder.build settings inputs show CancellationToken.None
let second = ProjectBuilder.build settings inputs show CancellationToken.None

match first, second with
| [ { Result = Ok built } ], [ { Result = Ok cached } ] when not built.FromCache && cached.FromCache ->
    let r2 =
        built.CrossValidation.Value.Scores |> List.find (fst >> (=) "r2-score") |> snd

    printfn "r2-score per fold: %A" r2
    Directory.Delete(work, true)
| _ -> failwith "expected one built machine, then a cache hit"
