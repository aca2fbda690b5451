namespace Gordo.Build

open Gordo.Models

open System
open System.IO
open System.Threading
open System.Threading.Tasks

/// One machine's outcome of a project build.
type MachineOutcome = {
    /// Machine name.
    Name: string
    /// The built model (its `OutputDirectory`, `Metadata`, `CrossValidation`), or why it failed.
    Result: Result<BuiltModel, BuildError>
}

/// What happens during a project build, per machine.
[<RequireQualifiedAccess>]
type ProjectEvent =
    /// A step of one machine's build.
    | Machine of name: string * BuildEvent
    /// A machine finished (built or failed).
    | Finished of MachineOutcome

/// How a whole project is built.
type ProjectBuildSettings = {
    /// The models go to `<OutputDirectory>/<machine name>`.
    OutputDirectory: string
    /// The model registry (build cache); None: no cache.
    RegisterDirectory: string option
    /// Rebuild every machine and replace its cache entry.
    ReplaceCache: bool
    /// Machines built at once (at least 1).
    Parallelism: int
}

/// Building every machine of a checked config: one failing machine does not stop the others.
[<RequireQualifiedAccess>]
module ProjectBuilder =
    /// Settings for `directory`: no cache, one machine at a time.
    let settings (directory: string) : ProjectBuildSettings = {
        OutputDirectory = directory
        RegisterDirectory = None
        ReplaceCache = false
        Parallelism = 1
    }

    /// Builds one machine into `<output>/<name>`; unexpected exceptions become that machine's failure.
    let internal buildMachine
        (settings: ProjectBuildSettings)
        (progress: ProjectEvent -> unit)
        (cancel: CancellationToken)
        (input: BuildInput)
        : MachineOutcome =
        let name = input.Machine.Name

        let options = {
            OutputDirectory = Some(Path.Combine(Path.GetFullPath settings.OutputDirectory, name))
            RegisterDirectory = settings.RegisterDirectory
            ReplaceCache = settings.ReplaceCache
        }

        let result =
            try
                CachedBuilder.build input options (fun e -> progress (ProjectEvent.Machine(name, e))) cancel
            with
            | :? OperationCanceledException -> Error BuildError.Cancelled
            | e -> Error(BuildError.Model e)

        let outcome = { Name = name; Result = result }
        progress (ProjectEvent.Finished outcome)
        outcome

    /// Deletes registry entries killed mid-write (a failure here shows again, per machine, when
    /// the registry is used).
    let private sweepRegistry (directory: string) =
        try
            Gordo.Core.AtomicPath.clean directory None
        with
        | :? IOException
        | :? UnauthorizedAccessException -> ()

    /// Builds the machines (in parallel up to `Parallelism`), in input order; a cancelled token
    /// fails the machines still running or waiting with `Cancelled`. The output folder is
    /// prepared first (`OutputFolder.prepare`): when it cannot be written every machine fails
    /// with `Unwritable` and nothing is fetched; the registry's killed writes are swept.
    let build
        (settings: ProjectBuildSettings)
        (inputs: BuildInput list)
        (progress: ProjectEvent -> unit)
        (cancel: CancellationToken)
        : MachineOutcome list =
        match OutputFolder.prepare settings.OutputDirectory with
        | Error e ->
            inputs
            |> List.map (fun i ->
                let outcome = {
                    Name = i.Machine.Name
                    Result = Error e
                }

                progress (ProjectEvent.Finished outcome)
                outcome)
        | Ok() ->
            settings.RegisterDirectory |> Option.iter sweepRegistry
            let items = Array.ofList inputs
            let results = Array.zeroCreate items.Length
            let degree = ParallelOptions(MaxDegreeOfParallelism = max 1 settings.Parallelism)

            Parallel.For(
                0,
                items.Length,
                degree,
                fun i -> results.[i] <- buildMachine settings progress cancel items.[i]
            )
            |> ignore

            List.ofArray results
