namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Gordo's `patch_dict` (spec §1.3) on positioned trees: mappings deep-merge, lists merge element
/// by element, anything else (null included) is replaced by the patch. Positions follow the value
/// that wins, so a diagnostic about a merged value points where that value was written.
[<RequireQualifiedAccess>]
module internal Merge =
    let private isNull (node: Node) = Value.ofNode node = Value.Null

    let rec private mergeEntries (original: Entry list) (patch: Entry list) : Entry list =
        let patched =
            original
            |> List.map (fun o ->
                match patch |> List.tryFind (fun p -> p.Key = o.Key) with
                | Some p -> { o with Value = node o.Value p.Value }
                | None -> o)

        let added =
            patch
            |> List.filter (fun p -> original |> List.forall (fun o -> o.Key <> p.Key))

        patched @ added

    and private mergeItems (original: Node list) (patch: Node list) : Node list =
        let patched =
            patch
            |> List.mapi (fun i p -> if i < original.Length then node original.[i] p else p)

        patched @ (original |> List.skip (min patch.Length original.Length))

    /// `patch_dict(original, patch)`.
    and node (original: Node) (patch: Node) : Node =
        match original.Value, patch.Value with
        | NodeValue.Mapping o, NodeValue.Mapping p -> {
            (if Position.isKnown patch.Position then patch else original) with
                Value = NodeValue.Mapping(mergeEntries o p)
          }
        | NodeValue.Sequence o, NodeValue.Sequence p -> {
            (if Position.isKnown patch.Position then patch else original) with
                Value = NodeValue.Sequence(mergeItems o p)
          }
        | _ -> patch

    /// Merges an optional patch into an optional original.
    let optional (original: Node option) (patch: Node option) : Node option =
        match original, patch with
        | Some o, Some p -> Some(node o p)
        | None, p -> p
        | o, None -> o

    /// The leaf keys (dotted, below the root) where `patch` changes a value that `original` set
    /// to something else. Used to warn when globals override a machine's dataset.
    let rec overridden (prefix: string) (original: Node) (patch: Node) : string list =
        match original.Value, patch.Value with
        | NodeValue.Mapping o, NodeValue.Mapping p ->
            p
            |> List.collect (fun pe ->
                match o |> List.tryFind (fun oe -> oe.Key = pe.Key) with
                | Some oe -> overridden (if prefix = "" then pe.Key else prefix + "." + pe.Key) oe.Value pe.Value
                | None -> [])
        | _ when isNull original -> []
        | _ when Value.ofNode original = Value.ofNode patch -> []
        | _ -> [ prefix ]
