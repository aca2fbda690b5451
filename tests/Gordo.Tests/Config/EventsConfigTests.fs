module Gordo.Tests.Config.EventsConfigTests

open System
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Tests.Support

/// Two machines (a, b) with `globals.events` and machine a's own `events` (empty: none).
let private config (globalEvents: string) (machineEvents: string) =
    let globals =
        if globalEvents = "" then
            ""
        else
            $"  events: %s{globalEvents}\n"

    let machines = machineYaml "a" + machineYaml "b"

    let machines =
        if machineEvents = "" then
            machines
        else
            machines.Replace("  - name: a\n", $"  - name: a\n    events: %s{machineEvents}\n")

    "globals:\n  model: sklearn.decomposition.PCA\n"
    + globals
    + "machines:\n"
    + machines

let private eventsOf (compilation: Compilation) =
    match compilation.Project with
    | Some p -> p.Machines |> List.map _.Events
    | None -> failtestf "no project: %A" compilation.Diagnostics

let private single (code: string) (compilation: Compilation) =
    let found = compilation.Diagnostics |> List.filter (fun d -> d.Code = code)
    Expect.equal found.Length 1 (sprintf "one %s in %A" code compilation.Diagnostics)
    found.Head

[<Tests>]
let tests =
    testList "Config.Events" [
        test "no section anywhere: no settings (the model uses the defaults)" {
            Expect.equal (eventsOf (compile (config "" ""))) [ None; None ] "none"
        }
        test "machine over globals, key by key, defaults for the rest" {
            let found =
                eventsOf (compile (config "{on: 2, merge_gap: 1H, top_tags: 4}" "{on: 3.5, min_duration: 10min}"))

            let globals = {
                Events.defaults with
                    On = 2.0
                    MergeGap = TimeSpan.FromHours 1.0
                    TopTags = 4
            }

            Expect.equal
                found
                [
                    Some {
                        globals with
                            On = 3.5
                            MinDuration = TimeSpan.FromMinutes 10.0
                    }
                    Some globals
                ]
                "a merges its own over the globals; b takes the globals"
        }
        test "a machine's section alone" {
            Expect.equal
                (eventsOf (compile (config "" "{off: 0.5, merge_gap: 0s}")))
                [
                    Some {
                        Events.defaults with
                            Off = 0.5
                            MergeGap = TimeSpan.Zero
                    }
                    None
                ]
                "only a"
        }
        test "unknown keys warn with a did-you-mean" {
            let compilation = compile (config "" "{min_duraton: 1H}")
            let d = single "GORDO0118" compilation
            Expect.equal d.Severity Severity.Warning "warning"
            Expect.equal d.Hint (Some "did you mean 'min_duration'?") "suggestion"
            Expect.equal d.Path "machines[0].events.min_duraton" "path"
            Expect.isSome compilation.Project "a warning does not stop the build"
        }
        test "wrong types are errors at the value" {
            let d = single "GORDO0100" (compile (config "" "{on: high}"))
            Expect.equal d.Path "machines[0].events.on" "path"
            single "GORDO0100" (compile (config "" "{top_tags: 2.5}")) |> ignore
            single "GORDO0100" (compile (config "[1, 2]" "")) |> ignore
        }
        test "off above on is an error with a hint" {
            let compilation = compile (config "{on: 1.2}" "{off: 1.5}")
            let d = single "GORDO0138" compilation
            Expect.equal d.Severity Severity.Error "error"
            Expect.equal d.Path "machines[0].events.off" "at off"
            Expect.isSome d.Hint "hint"
            Expect.isNone compilation.Project "no project"
        }
        test "negative, malformed and calendar durations, and bad numbers, are errors" {
            for section, key in
                [
                    "{min_duration: -30min}", "min_duration"
                    "{merge_gap: 2M}", "merge_gap"
                    "{merge_gap: 120}", "merge_gap"
                    "{on: 0}", "on"
                    "{off: -1}", "off"
                    "{top_tags: 0}", "top_tags"
                ] do
                let compilation = compile (config "" section)
                Expect.contains (codes compilation) "GORDO0137" section
                let d = single "GORDO0137" compilation
                Expect.equal d.Path $"machines[0].events.%s{key}" section
                Expect.stringContains d.Message $"events.%s{key}" "names the key"
                Expect.isSome d.Hint "hint"
        }
        test "a problem in globals.events is reported" {
            Expect.contains (errorCodes (compile (config "{min_duration: soon}" ""))) "GORDO0137" "globals"
        }
        test "config normalize prints the merged section" {
            let compilation = compile (config "{on: 2}" "{off: 0.5}")
            let printed = Print.normalized compilation.Normalized.Value

            let machines =
                match Value.tryGet "machines" printed with
                | Some(Value.List ms) -> ms
                | other -> failtestf "machines: %A" other

            Expect.equal
                (machines |> List.map (Value.tryGet "events"))
                [
                    Some(Value.Map [ "on", Value.Int 2L; "off", Value.Float 0.5 ])
                    Some(Value.Map [ "on", Value.Int 2L ])
                ]
                "merged per machine"
        }
        test "the workflow's machine payload carries the section only when there is one" {
            let compilation = compile (config "" "{top_tags: 1}")
            let project = compilation.Project.Value

            let payloads =
                List.zip project.Machines compilation.Normalized.Value.Machines
                |> List.map (
                    Gordo.Workflow.WorkflowContextBuilder.machineEntry
                        (Gordo.Workflow.WorkflowContextBuilder.newSectionCache ())
                        "0.0.0"
                        project
                        None
                )
                |> List.map (fun entry -> System.Text.Json.JsonDocument.Parse entry.MachineJson)

            let events (doc: System.Text.Json.JsonDocument) =
                match doc.RootElement.TryGetProperty "events" with
                | true, e -> Some(e.GetString())
                | _ -> None

            Expect.equal (payloads |> List.map events) [ Some """{"top_tags":1}"""; None ] "a only"
        }
        test "settings survive their metadata form" {
            let settings = {
                On = 2.5
                Off = 0.7
                MinDuration = TimeSpan.FromMinutes 45.0
                MergeGap = TimeSpan.FromHours 3.0
                TopTags = 5
            }

            Expect.equal (Events.ofValue (Events.toValue settings)) settings "round trip"
            Expect.equal (Events.ofValue (Value.Map [])) Events.defaults "defaults"
        }
    ]
