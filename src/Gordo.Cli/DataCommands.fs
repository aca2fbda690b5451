namespace Gordo.Cli

open System
open System.IO
open System.Threading
open Argu
open Gordo.Core.Config
open Gordo.Data
open Gordo.Core.Language

/// `gordo data generate` and `gordo dataset`.
[<RequireQualifiedAccess>]
module DataCommands =

    /// Writes the sample plant; exit 0, 1 with a message on a bad --interval, 20 when the output
    /// directory cannot be written.
    let generate (args: ParseResults<GenerateArgs>) : int =
        let interval = args.GetResult(GenerateArgs.Interval, "1min")

        match Resolution.tryParseOffset interval with
        | Error e ->
            eprintfn "gordo data generate: --interval: %s" e
            1
        | Ok step when not (SampleData.intervalInRange step) ->
            eprintfn
                "gordo data generate: --interval: '%s' must be from 1s to 1D (sensor data every second to once a day)"
                interval

            1
        | Ok step ->
            let options = {
                SampleData.defaults with
                    Days =
                        args.TryPostProcessResult(GenerateArgs.Days, ArgumentCheck.atLeastOne)
                        |> Option.defaultValue 30
                    Interval = step
                    Seed = args.GetResult(GenerateArgs.Seed, 42)
            }

            let dir = args.GetResult GenerateArgs.Output
            let rows = int64 (TimeSpan.FromDays(float options.Days) / step)

            // The one long step, told up front (a year every 10 s is ~10 s of work).
            printfn
                "generating %d machines, %d rows each (%d days every %s), into %s"
                options.Machines.Length
                rows
                options.Days
                interval
                dir

            match
                OutputPath.writing "gordo data generate" OutputKind.Directory "--output" dir (fun () ->
                    SampleData.write dir options)
            with
            | Ok paths ->
                for path in paths do
                    printfn "wrote %s" path

                0
            | Error code -> code

    let private writeFrame (path: string) (f: Frame) : Result<unit, int> =
        OutputPath.writing "gordo dataset" OutputKind.File "--output" path (fun () ->
            if path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) then
                FrameIO.writeCsv path f
            else
                ParquetIO.write path f

            printfn "wrote %s (%d rows, %d columns)" path (Frame.length f) f.Columns.Length)

    let private yPath (path: string) =
        Path.Combine(
            Path.GetDirectoryName(Path.GetFullPath path),
            Path.GetFileNameWithoutExtension path + "-y" + Path.GetExtension path
        )

    let private summary (machine: string) (r: DatasetResult) =
        let m = r.Metadata
        let stamps = Frame.timestamps r.X

        printfn
            "machine %s: %d rows, %d X columns, %d y columns"
            machine
            (Frame.length r.X)
            r.X.Columns.Length
            r.Y.Columns.Length

        if stamps.Length > 0 then
            printfn
                "time range: %s .. %s"
                (FrameIO.formatTimestamp stamps.[0])
                (FrameIO.formatTimestamp stamps.[stamps.Length - 1])

        printfn "rows after join: %d (dropped for NaN: %d)" m.JoinedLength m.DroppedNaLength

        for reason, n in m.RowsDropped do
            printfn "dropped by %s: %d" reason n

        printfn "X columns: %s" (String.concat ", " r.X.Columns)
        printfn "y columns: %s" (String.concat ", " r.Y.Columns)

    let private fetch (machine: Machine) : Result<DatasetResult, string> =
        DatasetRequest.ofConfig machine.Dataset
        |> Result.mapError (fun e -> e.Message)
        |> Result.bind (fun request ->
            DataProviderRegistry.forDataset machine.Dataset
            |> Result.mapError (fun e -> e.Message)
            |> Result.bind (fun provider ->
                (Dataset.getDataAsync provider request CancellationToken.None).GetAwaiter().GetResult()
                |> Result.mapError (fun e -> e.Message)))

    let private printDiagnostics (compilation: Compilation) =
        let lines = DiagnosticPrinter.loadLines compilation.Diagnostics

        for d in compilation.Diagnostics do
            eprintfn "%s" (DiagnosticPrinter.format lines d)

    /// Prints a summary of a machine's training data and optionally writes X and y; exit 1 on a
    /// bad config, machine or data, 20 when an output file cannot be written.
    let dataset (args: ParseResults<DatasetArgs>) : int =
        let options = {
            ProjectName = args.TryGetResult DatasetArgs.Project_Name
            DefaultDataProvider = args.TryGetResult DatasetArgs.Default_Data_Provider
        }

        let name = args.GetResult DatasetArgs.Machine
        let compilation = Compiler.compileFile options (args.GetResult DatasetArgs.Config)

        match compilation.Project with
        | None ->
            printDiagnostics compilation
            1
        | Some project ->
            match project.Machines |> List.tryFind (fun m -> m.Name = name) with
            | None ->
                let known = project.Machines |> List.map (fun m -> m.Name) |> String.concat ", "
                eprintfn "gordo dataset: no machine '%s' in the config (machines: %s)" name known
                1
            | Some machine ->
                match fetch machine with
                | Error e ->
                    eprintfn "gordo dataset: machine '%s': %s" name e
                    1
                | Ok result ->
                    summary name result

                    match args.TryGetResult DatasetArgs.Output with
                    | None -> 0
                    | Some path ->
                        match
                            writeFrame path result.X
                            |> Result.bind (fun () -> writeFrame (yPath path) result.Y)
                        with
                        | Ok() -> 0
                        | Error code -> code
