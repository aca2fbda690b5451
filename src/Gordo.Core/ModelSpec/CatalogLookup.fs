namespace Gordo.Core.Specs

open System.Collections.Generic
open Gordo.Core

/// How a class path was found in the catalog.
[<RequireQualifiedAccess>]
type Lookup =
    /// The canonical path or a current alias.
    | Found of CatalogEntry
    /// A legacy path, accepted with a warning.
    | FoundLegacy of CatalogEntry
    /// Not in the catalog.
    | NotFound of suggestion: string option

/// The model catalog: every class path a config may name (spec §2.3), with its parameters.
[<RequireQualifiedAccess>]
module Catalog =
    /// Every entry.
    let entries: CatalogEntry list = SklearnEntries.all @ GordoEntries.all

    /// Gordo before 6 kept its classes under `gordo.model.` (Gordo's own quick-start still
    /// writes `gordo.model.models.KerasAutoEncoder`); read them as legacy paths.
    let private preSixPaths (path: string) : string list =
        let current = "gordo.machine.model."

        if path.StartsWith current then
            [ "gordo.model." + path.Substring current.Length ]
        else
            []

    let private byPath =
        let table = Dictionary<string, CatalogEntry * bool>()

        for e in entries do
            table.[e.Path] <- (e, false)

            for alias in e.Aliases do
                table.[alias] <- (e, false)

            for old in e.Legacy @ preSixPaths e.Path do
                table.[old] <- (e, true)

        table

    /// Looks a class path up.
    let lookup (path: string) : Lookup =
        match byPath.TryGetValue path with
        | true, (entry, false) -> Lookup.Found entry
        | true, (entry, true) -> Lookup.FoundLegacy entry
        | _ -> Lookup.NotFound(Suggest.closest byPath.Keys path)

    /// The entry of a class path (canonical, alias or legacy).
    let tryFind (path: string) : CatalogEntry option =
        match byPath.TryGetValue path with
        | true, (entry, _) -> Some entry
        | _ -> None

    /// True when the string names a catalog class (any kind).
    let isKnown (path: string) : bool = byPath.ContainsKey path

    /// The parameter spec of a class, if declared.
    let tryParameter (entry: CatalogEntry) (name: string) : ParameterSpec option =
        entry.Parameters |> List.tryFind (fun p -> p.Name = name)
