namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Gordo's `fix_runtime` (spec §1.7): resource numbers must be integers (megabytes, millicores);
/// a limit below its request is raised to the request.
[<RequireQualifiedAccess>]
module internal Resources =
    let private amount (node: Node) : Result<int64 option, Diagnostic> =
        match Value.ofNode node with
        | Value.Int i -> Ok(Some i)
        | Value.Null -> Ok None
        | _ ->
            let text =
                match node.Value with
                | NodeValue.Scalar(t, _) -> t
                | _ -> Node.describe node

            Error(Problem.at node (Problem.NonIntegerResource text))

    let private checkAmounts (group: Node) =
        Node.entries group
        |> Option.defaultValue []
        |> List.filter (fun e -> e.Key = "memory" || e.Key = "cpu")
        |> List.choose (fun e ->
            match amount e.Value with
            | Error d -> Some d
            | Ok _ -> None)

    let private raiseLimits (resources: Node) : Node * Diagnostic list =
        match Node.tryGet "requests" resources, Node.tryGet "limits" resources with
        | Some requests, Some limits ->
            let bump (limits: Node, diagnostics: Diagnostic list) (key: string) =
                match Node.tryGet key requests, Node.tryGet key limits with
                | Some r, Some l ->
                    match amount r, amount l with
                    | Ok(Some request), Ok(Some limit) when request > limit ->
                        let raised = {
                            r with
                                Path = l.Path
                                Position = l.Position
                        }

                        let at = if Position.isKnown l.Position then l else r
                        let warning = Problem.at at (Problem.LimitRaised(key, request, limit))
                        Node.set key raised limits, warning :: diagnostics
                    | _ -> limits, diagnostics
                | _ -> limits, diagnostics

            let limits, diagnostics = [ "memory"; "cpu" ] |> List.fold bump (limits, [])
            Node.set "limits" limits resources, List.rev diagnostics
        | _ -> resources, []

    let private fixEntry (entry: Entry) : Entry * Diagnostic list =
        match Node.tryGet "resources" entry.Value with
        | Some({ Value = NodeValue.Mapping(_ :: _) } as resources) ->
            let typeErrors =
                [ "requests"; "limits" ]
                |> List.choose (fun k -> Node.tryGet k resources)
                |> List.collect checkAmounts

            if typeErrors.IsEmpty then
                let fixedResources, warnings = raiseLimits resources

                {
                    entry with
                        Value = Node.set "resources" fixedResources entry.Value
                },
                warnings
            else
                entry, typeErrors
        | _ -> entry, []

    /// Checks and fixes every `<component>.resources` of a runtime mapping.
    let fix (runtime: Node) : Node * Diagnostic list =
        match runtime.Value with
        | NodeValue.Mapping entries ->
            let fixedEntries, diagnostics = entries |> List.map fixEntry |> List.unzip

            {
                runtime with
                    Value = NodeValue.Mapping fixedEntries
            },
            List.concat diagnostics
        | _ -> runtime, []
