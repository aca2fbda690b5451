// Build script: dotnet fsi build.fsx [build|test|bench|pack|consumer|examples|image|format]
//   build   compile the solution (Release, warnings are errors)
//   test    Fantomas check, build, every test project (F# Expecto and C# xunit), FSI example scripts,
//           the consumer test (tests/Consumer: a fresh C# app on the packed packages);
//           ends with the line "N passed, N failed" and exits non-zero on any failure
//   bench   build, run the benchmarks in bench/ and rewrite bench/README.md's table
//           (`bench --quick` for CI-sized runs; `bench STEP ...` for some: see bench/run.fsx)
//   pack    the NuGet packages a C# app needs (Gordo.Interop, its Gordo.* dependencies and
//           Gordo.Models.Torch) with their .snupkg symbols into artifacts/
//   consumer  only the consumer test: pack as `pack` does, check the packages' metadata and
//             symbols, use them from fresh C# apps (about 4 minutes, most of it build and restore)
//   examples  build what examples/scripts/*.fsx load, then run them (from a clean clone too)
//   image   the container image (Dockerfile) with podman, on local Debian bases built with
//           mmdebstrap; prints the image reference (localhost/gordo-dotnet:VERSION) as its last line
//   format  format every F# source with Fantomas

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions

let root = __SOURCE_DIRECTORY__

let formatted =
    [ "src"; "tests"; "bench"; "examples"; "build.fsx" ]
    |> List.map (fun p -> Path.Combine(root, p))
    |> List.filter (fun p -> Directory.Exists p || File.Exists p)

/// Runs a process, echoing its output, and returns (exit code, captured stdout).
let run (exe: string) (args: string list) =
    let psi =
        ProcessStartInfo(exe, args, WorkingDirectory = root, RedirectStandardOutput = true)

    use proc = Process.Start psi
    let out = Text.StringBuilder()

    let rec pump () =
        match proc.StandardOutput.ReadLine() with
        | null -> ()
        | line ->
            Console.WriteLine line
            out.AppendLine line |> ignore
            pump ()

    pump ()
    proc.WaitForExit()
    proc.ExitCode, out.ToString()

let runOrFail exe args =
    let code, _ = run exe args

    if code <> 0 then
        eprintfn "build.fsx: '%s %s' failed with exit code %d" exe (String.concat " " args) code
        exit code

let build () =
    runOrFail "dotnet" [ "build"; "Gordo.sln"; "-c"; "Release"; "-warnaserror"; "-nologo"; "-v:q" ]

let format () =
    runOrFail "dotnet" [ "tool"; "restore" ]
    runOrFail "dotnet" ("fantomas" :: formatted)

let countMatch (pattern: string) (text: string) =
    Regex.Matches(text, pattern) |> Seq.sumBy (fun m -> int m.Groups.[1].Value)

type Tally = { Passed: int; Failed: int }

let expectoTally (code: int) (out: string) =
    let plain = Regex.Replace(out, @"\x1b\[[0-9;?]*[A-Za-z]", "")

    let line =
        Regex.Match(plain, @"(\d+) passed, (\d+) ignored, (\d+) failed, (\d+) errored")

    let group (i: int) =
        if line.Success then int line.Groups.[i].Value else 0

    let passed = group 1
    let failed = group 3 + group 4

    {
        Passed = passed
        Failed = (if code <> 0 && failed = 0 then 1 else failed)
    }

let dotnetTestTally (code: int) (out: string) =
    let passed = countMatch @"Passed:\s+(\d+)" out
    let failed = countMatch @"Failed:\s+(\d+)" out

    {
        Passed = passed
        Failed = (if code <> 0 && failed = 0 then 1 else failed)
    }

let scriptTally (name: string) (code: int) =
    if code = 0 then
        { Passed = 1; Failed = 0 }
    else
        eprintfn "script %s failed" name
        { Passed = 0; Failed = 1 }

let fantomasCheck () =
    runOrFail "dotnet" [ "tool"; "restore" ]
    let code, _ = run "dotnet" ("fantomas" :: "--check" :: formatted)

    if code <> 0 then
        eprintfn "Fantomas drift: run 'dotnet fsi build.fsx format'"

    scriptTally "fantomas --check" code

let testProjects () =
    let fsharp =
        let code, out =
            run "dotnet" [
                "run"
                "--no-build"
                "-c"
                "Release"
                "--project"
                "tests/Gordo.Tests"
                "--"
                "--summary"
            ]

        expectoTally code out

    let csharp =
        let code, out =
            run "dotnet" [
                "test"
                "tests/Gordo.Interop.Tests"
                "--no-build"
                "-c"
                "Release"
                "-nologo"
            ]

        dotnetTestTally code out

    [ fsharp; csharp ]

let scripts () =
    Directory.GetFiles(Path.Combine(root, "examples", "scripts"), "*.fsx")
    |> Array.sort
    |> Array.map (fun script ->
        let code, _ = run "dotnet" [ "fsi"; "--quiet"; script ]
        scriptTally (Path.GetFileName script) code)
    |> List.ofArray

/// The packages a C# app needs, in dependency order: Gordo.Interop (and the libraries it depends on)
/// and, for LSTM/dropout/raw Keras models, Gordo.Models.Torch (TorchSharp, libtorch, the Debian 12 fix).
let packages = [
    "Gordo.Core"
    "Gordo.Data"
    "Gordo.Workflow"
    "Gordo.Models"
    "Gordo.Models.Torch"
    "Gordo.Build"
    "Gordo.Report"
    "Gordo.Server"
    "Gordo.Client"
    "Gordo.Interop"
]

/// The commit and (when git has one) the remote URL that SourceLink stamps into packages and PDBs.
let repositoryUrl () =
    let code, out = run "git" [ "config"; "--get"; "remote.origin.url" ]
    let url = out.Trim()

    // A clone of a local folder has a path as its remote: that is no URL to publish.
    if code = 0 && (url.StartsWith "https://" || url.StartsWith "git@") then
        [ $"-p:GordoRepositoryUrl={url}" ]
    else
        []

/// Packs every package (and its .snupkg) into `output`, all with Directory.Build.props' version.
/// `properties` are passed to the one build of the two roots and to each pack.
let packWith (properties: string list) (output: string) =
    for name in packages do
        runOrFail
            "dotnet"
            ([
                "pack"
                $"src/{name}"
                "--no-build"
                "-c"
                "Release"
                "-o"
                output
                "-nologo"
                "-v:q"
             ]
             @ properties)

/// Builds the two roots of the package graph (and so every packed project) in Release.
let buildPackaged (properties: string list) =
    for project in [ "Gordo.Interop"; "Gordo.Models.Torch" ] do
        runOrFail "dotnet" ([ "build"; $"src/{project}"; "-c"; "Release"; "-nologo"; "-v:q" ] @ properties)

let pack () =
    let properties = "-p:GordoPack=true" :: repositoryUrl ()
    buildPackaged properties
    packWith properties (Path.Combine(root, "artifacts"))

/// The packages as `pack` makes them (deterministic, SourceLink), from a build of their own in an
/// artifacts folder (the test build's outputs stay as they are): tests/Consumer/packages.fsx
/// checks their metadata and symbols, tests/Consumer/run.fsx uses them from a C# app.
let consumer () =
    let temp (what: string) =
        Path.Combine(Path.GetTempPath(), $"gordo-{what}-{Guid.NewGuid():N}")

    // Inside the repository (ignored by git), so SourceLink maps generated files to /_/ too.
    let feed, artifacts =
        temp "feed", Path.Combine(root, "artifacts", $"consumer-{Guid.NewGuid():N}")

    let properties =
        [ "-p:GordoPack=true"; "--artifacts-path"; artifacts ] @ repositoryUrl ()

    buildPackaged properties
    packWith properties feed

    let metadata, _ =
        run "dotnet" ([ "fsi"; "tests/Consumer/packages.fsx"; feed ] @ packages)

    let code, _ = run "dotnet" [ "fsi"; "tests/Consumer/run.fsx"; feed ]

    for dir in [ feed; artifacts ] do
        Directory.Delete(dir, true)

    [
        scriptTally "tests/Consumer/packages.fsx" metadata
        scriptTally "tests/Consumer/run.fsx" code
    ]

let test () =
    let format = fantomasCheck ()
    build ()
    let tallies = format :: testProjects () @ scripts () @ consumer ()
    let passed = tallies |> List.sumBy (fun t -> t.Passed)
    let failed = tallies |> List.sumBy (fun t -> t.Failed)
    printfn "%d passed, %d failed" passed failed
    exit (if failed = 0 then 0 else 1)

/// Builds, then runs bench/run.fsx, which runs the benchmarks and rewrites bench/README.md's table.
let bench (options: string list) =
    build ()
    runOrFail "dotnet" ([ "fsi"; "bench/run.fsx" ] @ options)

/// The version `gordo --version` prints: Directory.Build.props' <Version>.
let version () =
    let props = File.ReadAllText(Path.Combine(root, "Directory.Build.props"))
    Regex.Match(props, @"<Version>([^<]+)</Version>").Groups.[1].Value

let localDebian = "localhost/gordo-local/debian:bookworm"

/// Stops with a clear message when a tool the image target runs is not installed.
let requireTools (tools: string list) =
    let path = Environment.GetEnvironmentVariable "PATH"

    let onPath (tool: string) =
        path.Split(':')
        |> Array.exists (fun dir -> File.Exists(Path.Combine(dir, tool)))

    match tools |> List.filter (onPath >> not) with
    | [] -> ()
    | missing ->
        eprintfn
            "build.fsx: image needs %s (Debian: apt-get install %s)"
            (String.concat ", " missing)
            (String.concat " " missing)

        exit 1

let imageExists (name: string) =
    fst (run "podman" [ "image"; "exists"; name ]) = 0

let fileOrFail (what: string) (path: string) =
    if not (File.Exists path) then
        eprintfn "build.fsx: %s not found at %s" what path
        exit 1

    path

/// minbase without documentation, manual pages and translations (dpkg keeps excluding them in
/// images built on it) and without usrmerge and the Perl it pulls in (the merge is done).
let debianOptions = [
    "--variant=minbase"
    "--quiet"
    "--dpkgopt=path-exclude=/usr/share/doc/*"
    "--dpkgopt=path-include=/usr/share/doc/*/copyright"
    "--dpkgopt=path-exclude=/usr/share/man/*"
    "--dpkgopt=path-exclude=/usr/share/locale/*"
    "--customize-hook=chroot \"$1\" apt-get purge -y -qq --auto-remove usrmerge perl libperl5.36 perl-modules-5.36"
]

/// A minimal Debian bookworm from the machine's own apt sources (so no host is named here).
let debianBase () =
    let sources = fileOrFail "apt sources" "/etc/apt/sources.list.d/debian.sources"
    let tar = Path.Combine(Path.GetTempPath(), $"gordo-debian-{Guid.NewGuid():N}.tar")

    let psi = ProcessStartInfo("mmdebstrap", debianOptions @ [ "bookworm"; tar; "-" ])

    psi.RedirectStandardInput <- true
    use proc = Process.Start psi
    proc.StandardInput.Write(File.ReadAllText sources)
    proc.StandardInput.Close()
    proc.WaitForExit()

    if proc.ExitCode <> 0 then
        eprintfn "build.fsx: mmdebstrap failed with exit code %d" proc.ExitCode
        exit proc.ExitCode

    runOrFail "podman" [ "import"; "--quiet"; tar; localDebian ]
    File.Delete tar

/// The machine's .NET SDK: its version and the directory `dotnet` lives in.
let machineSdk () =
    let _, out = run "dotnet" [ "--list-sdks" ]
    let last = Regex.Match(out.Trim().Split('\n') |> Array.last, @"^(\S+) \[(.+)/sdk\]")
    last.Groups.[1].Value, last.Groups.[2].Value

/// The Debian base plus the machine's SDK (Debian serves no .NET 10 SDK).
let sdkBase () =
    let sdkVersion, dotnetRoot = machineSdk ()
    let name = $"localhost/gordo-local/dotnet-sdk:{sdkVersion}"

    if not (imageExists name) then
        runOrFail "podman" [
            "build"
            "--isolation=chroot"
            "-f"
            Path.Combine(root, "build", "image", "sdk-local.Containerfile")
            "--build-arg"
            $"BASE_IMAGE={localDebian}"
            "-t"
            name
            dotnetRoot
        ]

    name

/// Local bases, built once per machine: the SDK stage's and the runtime stage's build arguments.
let localBases () =
    if not (imageExists localDebian) then
        debianBase ()

    [
        "--build-arg"
        $"SDK_IMAGE={sdkBase ()}"
        "--build-arg"
        $"RUNTIME_IMAGE={localDebian}"
    ]

/// NuGet's user configuration and the machine's certificate bundle, as build secrets.
let nugetSecrets () =
    let home = Environment.GetFolderPath Environment.SpecialFolder.UserProfile

    let config =
        fileOrFail "NuGet configuration" (Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"))

    let bundle =
        [
            Environment.GetEnvironmentVariable "SSL_CERT_FILE"
            "/etc/ssl/certs/ca-certificates.crt"
        ]
        |> List.tryFind (fun p -> not (String.IsNullOrEmpty p) && File.Exists p)

    let revocation =
        match Environment.GetEnvironmentVariable "NUGET_CERT_REVOCATION_MODE" with
        | null
        | "" -> "online"
        | mode -> mode

    [
        "--secret"
        $"id=nugetconfig,src={config}"
        "--build-arg"
        $"NUGET_CERT_REVOCATION_MODE={revocation}"
    ]
    @ (bundle
       |> Option.map (fun b -> [ "--secret"; $"id=cacerts,src={b}" ])
       |> Option.defaultValue [])

/// podman reads this instead of containers.conf: no default ulimits, which chroot isolation
/// cannot set in this kind of sandbox.
let containersConf () =
    let path = Path.Combine(Path.GetTempPath(), "gordo-containers.conf")
    File.WriteAllText(path, "[containers]\ndefault_ulimits = []\n")
    Environment.SetEnvironmentVariable("CONTAINERS_CONF", path)

let image () =
    requireTools [ "podman"; "mmdebstrap" ]
    containersConf ()
    let reference = $"localhost/gordo-dotnet:{version ()}"

    runOrFail
        "podman"
        ([ "build"; "--isolation=chroot"; "-f"; "Dockerfile"; "-t"; reference ]
         @ localBases ()
         @ nugetSecrets ()
         @ [ "." ])

    printfn "%s" reference

match fsi.CommandLineArgs |> Array.tail |> List.ofArray with
| []
| [ "build" ] -> build ()
| [ "test" ] -> test ()
| "bench" :: options -> bench options
| [ "pack" ] -> pack ()
| [ "examples" ] ->
    // The scripts load the Release assemblies of the CLI's build (every library they use).
    runOrFail "dotnet" [ "build"; "src/Gordo.Cli"; "-c"; "Release"; "-nologo"; "-v:q" ]

    exit (
        if scripts () |> List.sumBy (fun t -> t.Failed) = 0 then
            0
        else
            1
    )
| [ "consumer" ] ->
    exit (
        if consumer () |> List.sumBy (fun t -> t.Failed) = 0 then
            0
        else
            1
    )
| [ "image" ] -> image ()
| [ "format" ] -> format ()
| other ->
    eprintfn "unknown target %A; use build|test|bench|pack|consumer|examples|image|format" other
    exit 2
