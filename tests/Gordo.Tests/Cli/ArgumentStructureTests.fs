module Gordo.Tests.Cli.ArgumentStructureTests

open Argu
open Expecto
open Gordo.Cli

/// The CLI creates its parser with `checkStructure = false` (start-up time); the check runs here.
[<Tests>]
let tests =
    testList "Cli arguments" [
        test "the Argu argument types are well-formed" { ArgumentParser<GordoArgs>.CheckStructure() }
    ]
