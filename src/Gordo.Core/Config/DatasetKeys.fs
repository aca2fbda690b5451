namespace Gordo.Core.Config

open Gordo.Core.Yaml

/// Dataset key aliases (spec §1.5): `tags` → `tag_list`, `from_ts` → `train_start_date`,
/// `to_ts` → `train_end_date`.
[<RequireQualifiedAccess>]
module internal DatasetKeys =
    /// The aliases and the keys they stand for.
    let aliases: (string * string) list = [
        "tags", "tag_list"
        "from_ts", "train_start_date"
        "to_ts", "train_end_date"
    ]

    /// Renames alias keys of a dataset mapping (an alias never replaces an explicit key).
    let rename (dataset: Node) : Node =
        match dataset.Value with
        | NodeValue.Mapping entries ->
            let present = entries |> List.map _.Key |> set

            let renamed =
                entries
                |> List.map (fun e ->
                    match aliases |> List.tryFind (fst >> (=) e.Key) with
                    | Some(_, canonical) when not (present.Contains canonical) -> { e with Key = canonical }
                    | _ -> e)

            {
                dataset with
                    Value = NodeValue.Mapping renamed
            }
        | _ -> dataset
