module Gordo.Cli.Program

open System
open Argu

let private version () =
    let v = Reflection.Assembly.GetExecutingAssembly().GetName().Version
    printfn "gordo %d.%d.%d" v.Major v.Minor v.Build
    0

let private run (results: ParseResults<GordoArgs>) =
    if results.Contains GordoArgs.Version then
        version ()
    else
        match results.GetSubCommand() with
        | Validate args -> ConfigCommands.validate args
        | Config args ->
            match args.GetSubCommand() with
            | Normalize normalize -> ConfigCommands.normalize normalize
        | Data args ->
            match args.GetSubCommand() with
            | DataArgs.Generate generate -> DataCommands.generate generate
        | Dataset args -> DataCommands.dataset args
        | Build args -> BuildCommands.build args
        | Local_Build args -> LocalBuild.run args
        | Predict args -> ScoreCommands.runPredict args
        | Anomaly args -> ScoreCommands.runAnomaly args
        | Workflow args ->
            match args.GetSubCommand() with
            | WorkflowArgs.Generate generate -> WorkflowCommands.generate generate
        | Run_Server args -> ServerCommands.runServer args
        | Client args -> ClientCommands.run args
        | Version
        | Log_Level _ -> version ()

/// The arguments Argu reads: `version` is `--version`; the client's group options may follow
/// its subcommand.
let private normalize (argv: string list) : string array =
    match argv with
    | [ "version" ] -> [| "--version" |]
    | "client" :: rest -> "client" :: ClientArguments.reorder rest |> Array.ofList
    | _ -> Array.ofList argv

[<EntryPoint>]
let main argv =
    // checkStructure = false: Argu's reflection check of the argument types costs ~150-200 ms of
    // start-up on every run; the structure is checked once by a test instead.
    let parser =
        ArgumentParser.Create<GordoArgs>(programName = "gordo", checkStructure = false)

    match LogLevel.split (List.ofArray argv) with
    | Error message ->
        eprintfn "gordo: %s" message
        2
    | Ok(level, rest) ->
        level
        |> Option.iter (fun l -> Environment.SetEnvironmentVariable(LogLevel.Variable, l))

        try
            run (parser.ParseCommandLine(normalize rest, raiseOnUsage = true))
        with
        | :? ArguParseException as e when e.ErrorCode = ErrorCode.HelpText ->
            printfn "%s" e.Message
            0
        | :? ArguParseException as e ->
            eprintfn "%s" e.Message
            2
