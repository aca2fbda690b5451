namespace Gordo.Build

open Gordo.Core
open Gordo.Models

/// One-line descriptions of build steps and outcomes: the text of `gordo build`'s log, of
/// `gordo local-build`'s progress lines and of the C# progress messages.
[<RequireQualifiedAccess>]
module BuildText =
    /// A build step, e.g. `data ready: 1009 rows, 4 tags in 0.43 s` or `fold 2/3`.
    let describe (event: BuildEvent) : string =
        match event with
        | BuildEvent.FetchingData -> "fetching data"
        | BuildEvent.DataReady(rows, tags, s) -> $"data ready: %d{rows} rows, %d{tags} tags in %.2f{s} s"
        | BuildEvent.CrossValidating folds -> $"cross-validating (%d{folds} folds)"
        | BuildEvent.Fitting -> "fitting the final model"
        | BuildEvent.Saving path -> $"saving to %s{path}"
        | BuildEvent.Training(TrainingSignal.Fold(k, n)) -> $"fold %d{k}/%d{n}"
        | BuildEvent.Training(TrainingSignal.Epoch(k, n, loss)) -> $"epoch %d{k}/%d{n} loss %.4g{loss}"
        | BuildEvent.CacheHit path -> $"cache hit: copying %s{path}"
        | BuildEvent.StaleCacheEntry path -> $"stale cache entry ignored: %s{path}"

    let private seconds (path: string list) (metadata: Value) : float option =
        match path |> List.fold (fun v k -> v |> Option.bind (Value.tryGet k)) (Some metadata) with
        | Some(Value.Float f) -> Some f
        | Some(Value.Int i) -> Some(float i)
        | _ -> None

    /// Where a build's time went (data query, cross-validation, final fit), from its metadata.json.
    let internal timings (metadata: Value) : string =
        let model = [ "metadata"; "build_metadata"; "model" ]

        [
            "data", [ "metadata"; "build_metadata"; "dataset"; "query_duration_sec" ]
            "cross-validation", model @ [ "cross_validation"; "cv_duration_sec" ]
            "final fit", model @ [ "model_training_duration_sec" ]
        ]
        |> List.choose (fun (name, path) -> seconds path metadata |> Option.map (fun s -> $"%s{name} %.2f{s} s"))
        |> String.concat ", "

    /// A finished machine: `done in 6.4 s (data 0.43 s, ...)` or `FAILED (type, exit n): message`.
    let outcome (outcome: MachineOutcome) : string =
        match outcome.Result with
        | Ok b when b.FromCache -> $"done in %.1f{b.DurationSeconds} s (from the build cache)"
        | Ok b ->
            match timings b.Metadata with
            | "" -> $"done in %.1f{b.DurationSeconds} s"
            | t -> $"done in %.1f{b.DurationSeconds} s (%s{t})"
        | Error e -> $"FAILED (%s{e.TypeName}, exit %d{e.ExitCode}): %s{e.Message}"
