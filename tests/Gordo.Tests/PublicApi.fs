/// Pins the public surface of every packable assembly: the generated API text must equal the
/// approved file next to this test. A deliberate change is accepted by running the tests with
/// GORDO_ACCEPT_API=1 and committing the approved files (the diff is the review).
module Gordo.Tests.PublicApi

open System
open System.IO
open System.Reflection
open Expecto
open PublicApiGenerator

let private packable = [
    "Gordo.Core"
    "Gordo.Data"
    "Gordo.Workflow"
    "Gordo.Models"
    "Gordo.Models.Torch"
    "Gordo.Build"
    "Gordo.Report"
    "Gordo.Server"
    "Gordo.Client"
    "Gordo.Interop"
]

let private approvedDir =
    Path.Combine(Support.repoRoot, "tests", "Gordo.Tests", "PublicApi")

let private options = ApiGeneratorOptions(IncludeAssemblyAttributes = false)

let private normalise (text: string) =
    text.Replace("\r\n", "\n").TrimEnd() + "\n"

let private check (name: string) =
    let actual = Assembly.Load(name).GeneratePublicApi options |> normalise
    let approved = Path.Combine(approvedDir, name + ".approved.txt")

    if Environment.GetEnvironmentVariable "GORDO_ACCEPT_API" = "1" then
        Directory.CreateDirectory approvedDir |> ignore
        File.WriteAllText(approved, actual)

    let expected =
        if File.Exists approved then
            normalise (File.ReadAllText approved)
        else
            ""

    if actual <> expected then
        let received = Path.ChangeExtension(approved, null) + ".received.txt"
        File.WriteAllText(received, actual)

        failtestf
            "%s's public API changed: compare %s with %s; if the change is deliberate, run the tests with GORDO_ACCEPT_API=1 and commit the approved file"
            name
            approved
            received

[<Tests>]
let tests =
    testList "PublicApi" [
        for name in packable do
            test $"%s{name} exposes exactly its approved surface" { check name }
    ]
