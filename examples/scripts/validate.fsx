// Validates a Gordo config from F# Interactive against the built Gordo.Core assembly.
//   dotnet fsi build.fsx examples                (from a clean clone: builds what this loads, runs every script)
//   dotnet fsi examples/scripts/validate.fsx [CONFIG] [--project-name NAME] [--default-data-provider TYPE]
// With no CONFIG it validates examples/config.yaml. Prints every diagnostic compiler-style, then the
// normalized machines; exits 1 when the config has errors (or is missing machines).

#r "../../src/Gordo.Cli/bin/Release/net10.0/YamlDotNet.dll"
#r "../../src/Gordo.Core/bin/Release/net10.0/Gordo.Core.dll"

open System.IO
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Specs

let rec options (args: string list) (file: string option) (compile: CompileOptions) =
    match args with
    | "--project-name" :: name :: rest -> options rest file { compile with ProjectName = Some name }
    | "--default-data-provider" :: provider :: rest ->
        options rest file {
            compile with
                DefaultDataProvider = Some provider
        }
    | path :: rest -> options rest (Some path) compile
    | [] -> file, compile

let defaultConfig = Path.Combine(__SOURCE_DIRECTORY__, "..", "config.yaml")

let file, compileOptions =
    options (List.ofArray fsi.CommandLineArgs |> List.tail) None Compiler.defaultOptions

let config = file |> Option.defaultValue (Path.GetFullPath defaultConfig)
let compilation = Compiler.compileFile compileOptions config

let tagName (tag: Tag) =
    match tag with
    | Tag.Name name -> name
    | Tag.Sensor sensor -> sensor.Name

let printMachine (machine: Machine) =
    let dataset = machine.Dataset
    printfn "  %s" machine.Name
    printfn "    tags:   %s" (dataset.TagList |> List.map tagName |> String.concat ", ")
    let date (d: System.DateTimeOffset) = d.ToString "yyyy-MM-ddTHH:mm:sszzz"
    printfn "    train:  %s .. %s" (date dataset.TrainStartDate) (date dataset.TrainEndDate)
    printfn "    data:   %s, resolution %s" dataset.DataProvider.Type (defaultArg dataset.Resolution "none")
    printfn "    model:  %s" (ModelSpec.classPaths machine.Model |> String.concat " > ")

for diagnostic in compilation.Diagnostics do
    eprintfn "%s" (Diagnostic.format diagnostic)

match compilation.Project with
| Some project when not project.Machines.IsEmpty ->
    printfn "%s: project '%s', %d machine(s)" config project.Name project.Machines.Length
    project.Machines |> List.iter printMachine
    exit 0
| Some _ ->
    eprintfn "%s: the config has no machines" config
    exit 1
| None ->
    eprintfn "%s: %d error(s)" config (compilation.Diagnostics |> List.filter Diagnostic.isError |> List.length)
    exit 1
