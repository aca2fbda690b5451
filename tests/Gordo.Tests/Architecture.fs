/// The project graph of docs/architecture.md, checked against what each built assembly really
/// references (the compiler records only the assemblies a project uses).
module Gordo.Tests.Architecture

open System.Reflection
open Expecto

let private gordo = [
    "Gordo.Core"
    "Gordo.Data"
    "Gordo.Workflow"
    "Gordo.Models"
    "Gordo.Build"
    "Gordo.Report"
    "Gordo.Server"
]

let private below (name: string) =
    gordo |> List.skipWhile ((<>) name) |> List.tail

/// Packages that only the stages that need them may use.
let private heavy = [ "Parquet"; "Fluid"; "TorchSharp"; "Npgsql"; "Plotly"; "Microsoft.AspNetCore" ]

let private heavyExcept (allowed: string list) =
    heavy |> List.filter (fun h -> not (List.contains h allowed))

/// Each assembly and the name prefixes it may not reference.
let private forbidden: (string * string list) list = [
    "Gordo.Core", below "Gordo.Core" @ heavy
    "Gordo.Data", below "Gordo.Data" @ heavyExcept [ "Parquet" ]
    "Gordo.Workflow", below "Gordo.Workflow" @ "Gordo.Data" :: heavyExcept [ "Fluid" ]
    "Gordo.Models",
    [ "Gordo.Data"; "Gordo.Workflow"; "Gordo.Models.Torch" ]
    @ below "Gordo.Models"
    @ heavy
    "Gordo.Build",
    [ "Gordo.Workflow"; "Gordo.Models.Torch"; "Gordo.Report"; "Gordo.Server" ]
    @ heavyExcept [ "Parquet"; "Npgsql" ]
    "Gordo.Client",
    [
        "Gordo.Workflow"
        "Gordo.Models"
        "Gordo.Build"
        "Gordo.Report"
        "Gordo.Server"
    ]
    @ heavyExcept [ "Parquet" ]
    "Gordo.Server",
    [ "Gordo.Build"; "Gordo.Workflow"; "Gordo.Models.Torch"; "Gordo.Report" ]
    // Plotly: the project page serves the plotly.js embedded in Plotly.NET's assembly.
    @ heavyExcept [ "Parquet"; "Microsoft.AspNetCore"; "Plotly" ]
]

let private references (name: string) =
    Assembly.Load(name).GetReferencedAssemblies()
    |> Array.map (fun a -> a.Name)
    |> List.ofArray

let private isUnder (prefix: string) (reference: string) =
    reference = prefix || reference.StartsWith(prefix + ".")

[<Tests>]
let tests =
    testList "Architecture" [
        for name, banned in forbidden do
            test $"%s{name} references none of the projects and packages below it" {
                let offending =
                    references name
                    |> List.filter (fun r -> banned |> List.exists (fun b -> isUnder b r))

                Expect.isEmpty offending $"%s{name} may not reference these (docs/architecture.md)"
            }
    ]
