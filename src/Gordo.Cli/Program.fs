module Gordo.Cli.Program

[<EntryPoint>]
let main _ = 0
