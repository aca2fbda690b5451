module Gordo.Tests.Support

open System
open System.IO
open Gordo.Core
open Gordo.Core.Config

/// The repository root (the folder holding Gordo.sln).
let repoRoot =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then
            invalidOp "Gordo.sln not found above the test binary"
        elif File.Exists(Path.Combine(dir.FullName, "Gordo.sln")) then
            dir.FullName
        else
            up dir.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// The shared folder (specs, conformance corpus, schemas) beside the repository.
let sharedRoot = Path.GetFullPath(Path.Combine(repoRoot, "..", "shared"))

/// The conformance configs folder.
let conformanceConfigs = Path.Combine(sharedRoot, "conformance", "gordo-configs")

/// Compiles config text with default options.
let compile (text: string) : Compilation =
    Compiler.compileText Compiler.defaultOptions "test.yaml" text

/// Compiles config text with a default data provider.
let compileWith (provider: string) (text: string) : Compilation =
    Compiler.compileText
        {
            Compiler.defaultOptions with
                DefaultDataProvider = Some provider
        }
        "test.yaml"
        text

/// The codes of the diagnostics.
let codes (compilation: Compilation) : string list =
    compilation.Diagnostics |> List.map _.Code

/// The error codes only.
let errorCodes (compilation: Compilation) : string list =
    compilation.Diagnostics |> List.filter Diagnostic.isError |> List.map _.Code

/// A minimal valid machine entry (YAML, indented for a `machines:` list).
let machineYaml (name: string) =
    sprintf
        """  - name: %s
    dataset:
      tags: [TAG-1, TAG-2]
      train_start_date: 2020-01-01T00:00:00+00:00
      train_end_date: 2020-02-01T00:00:00+00:00
      data_provider: {type: RandomDataProvider}
"""
        name

/// A minimal valid config with the given machines and a global model.
let configYaml (names: string list) =
    "globals:\n  model: sklearn.decomposition.PCA\nmachines:\n"
    + (names |> List.map machineYaml |> String.concat "")
