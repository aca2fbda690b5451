module Gordo.Cli.Program

open System
open Argu

let private version () =
    let v = Reflection.Assembly.GetExecutingAssembly().GetName().Version
    printfn "gordo %d.%d.%d" v.Major v.Minor v.Build
    0

let private run (results: ParseResults<GordoArgs>) =
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
    | Version -> version ()

[<EntryPoint>]
let main argv =
    // checkStructure = false: Argu's reflection check of the argument types costs ~150-200 ms of
    // start-up on every run; the structure is checked once by a test instead.
    let parser =
        ArgumentParser.Create<GordoArgs>(programName = "gordo", checkStructure = false)

    try
        let argv =
            match List.ofArray argv with
            | "client" :: rest -> "client" :: ClientArguments.reorder rest |> Array.ofList
            | _ -> argv

        run (parser.ParseCommandLine(argv, raiseOnUsage = true))
    with
    | :? ArguParseException as e when e.ErrorCode = ErrorCode.HelpText ->
        printfn "%s" e.Message
        0
    | :? ArguParseException as e ->
        eprintfn "%s" e.Message
        2
