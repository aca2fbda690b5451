module Gordo.Tests.Builder.OutputFolderTests

open System
open System.IO
open Expecto
open Gordo.Core
open Gordo.Models.Artifacts
open Gordo.Build
open Gordo.Tests.Builder.ModelBuilderTests

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-output-%s{name}-" + Guid.NewGuid().ToString("N"))

let private guid () = Guid.NewGuid().ToString("N")

let private names (folder: string) =
    Directory.GetFileSystemEntries folder
    |> Array.map Path.GetFileName
    |> Set.ofArray

let private directoryWith (path: string) (file: string) (text: string) =
    Directory.CreateDirectory path |> ignore
    File.WriteAllText(Path.Combine(path, file), text)

/// A complete model directory at `dir` (the pipeline model of the builder tests).
let private model (dir: string) =
    match build pipelineModel "" (Some dir) with
    | Ok _ -> File.ReadAllBytes(Path.Combine(dir, "metadata.json"))
    | Error e -> failtestf "the build failed: %s" e.Message

[<Tests>]
let tests =
    testList "Builder output folder" [
        test "leftover names: .<name>.tmp-<32 hex>[.old] only" {
            let g = guid ()
            Expect.equal (AtomicPath.tryLeftover $".pump-1.tmp-%s{g}") (Some("pump-1", false)) "temporary"
            Expect.equal (AtomicPath.tryLeftover $".pump-1.tmp-%s{g}.old") (Some("pump-1", true)) "moved aside"
            Expect.equal (AtomicPath.tryLeftover $".report.html.tmp-%s{g}") (Some("report.html", false)) "report"

            for name in
                [
                    $"pump-1.tmp-%s{g}"
                    ".pump-1.tmp-1234"
                    $".pump-1.tmp-%s{g.ToUpperInvariant()}"
                    $".pump-1.tmp-%s{g}.bak"
                    "pump-1"
                ] do
                Expect.isNone (AtomicPath.tryLeftover name) name
        }
        test "clean: temporaries go, a moved-aside directory whose target is missing comes back, the rest stays" {
            let folder = temp "clean"
            let g1, g2, g3 = guid (), guid (), guid ()
            // pump-1 killed while its temporary directory was written.
            directoryWith (Path.Combine(folder, "pump-1")) "state.bin" "old pump-1"
            directoryWith (Path.Combine(folder, $".pump-1.tmp-%s{g1}")) "state.bin" "half"
            // pump-2 killed between the two renames of the swap.
            directoryWith (Path.Combine(folder, $".pump-2.tmp-%s{g2}.old")) "state.bin" "old pump-2"
            directoryWith (Path.Combine(folder, $".pump-2.tmp-%s{g2}")) "state.bin" "new pump-2"
            // pump-3 killed after the second rename, before the old directory was deleted.
            directoryWith (Path.Combine(folder, "pump-3")) "state.bin" "new pump-3"
            directoryWith (Path.Combine(folder, $".pump-3.tmp-%s{g3}.old")) "state.bin" "old pump-3"
            // the report killed mid-write; and entries that are not ours.
            File.WriteAllText(Path.Combine(folder, "report.html"), "old report")
            File.WriteAllText(Path.Combine(folder, $".report.html.tmp-%s{g1}"), "<html")
            File.WriteAllText(Path.Combine(folder, ".notes.tmp-keep"), "")
            File.WriteAllText(Path.Combine(folder, $"pump-4.tmp-%s{g1}"), "")

            AtomicPath.clean folder None

            Expect.equal
                (names folder)
                (set [
                    "pump-1"
                    "pump-2"
                    "pump-3"
                    "report.html"
                    ".notes.tmp-keep"
                    $"pump-4.tmp-%s{g1}"
                ])
                "only complete entries and foreign ones"

            let content m =
                File.ReadAllText(Path.Combine(folder, m, "state.bin"))

            Expect.equal (content "pump-1") "old pump-1" "pump-1 untouched"
            Expect.equal (content "pump-2") "old pump-2" "pump-2 restored: the previous model"
            Expect.equal (content "pump-3") "new pump-3" "pump-3 is the new model"
            Expect.equal (File.ReadAllText(Path.Combine(folder, "report.html"))) "old report" "previous report"
        }
        test "clean with a name touches only that name's leftovers" {
            let folder = temp "clean-one"
            let g = guid ()
            directoryWith (Path.Combine(folder, $".pump-1.tmp-%s{g}")) "state.bin" "half"
            directoryWith (Path.Combine(folder, $".pump-2.tmp-%s{g}")) "state.bin" "someone else's"
            AtomicPath.clean folder (Some "pump-1")
            Expect.equal (names folder) (set [ $".pump-2.tmp-%s{g}" ]) "pump-2's temporary stays"
        }
        test "writeAllText replaces the file; a failed write leaves no temporary and the target as it was" {
            let folder = temp "write"
            Directory.CreateDirectory folder |> ignore
            let path = Path.Combine(folder, "report.html")
            AtomicPath.writeAllText path "first"
            AtomicPath.writeAllText path "second"
            Expect.equal (File.ReadAllText path) "second" "replaced"
            Expect.equal (names folder) (set [ "report.html" ]) "no temporary"
            let blocked = Path.Combine(folder, "blocked")
            directoryWith blocked "keep" "kept"
            Expect.throwsT<IOException> (fun () -> AtomicPath.writeAllText blocked "x") "a directory is in the way"
            Expect.equal (names folder) (set [ "report.html"; "blocked" ]) "no temporary after the failure"
        }
        test "write: a writer that fails leaves no temporary and the target as it was" {
            let folder = temp "write-stream"
            Directory.CreateDirectory folder |> ignore
            let path = Path.Combine(folder, "data.parquet")
            AtomicPath.write path (fun s -> s.Write [| 1uy; 2uy |])

            Expect.throwsT<InvalidOperationException>
                (fun () ->
                    AtomicPath.write path (fun s ->
                        s.Write [| 9uy |]
                        invalidOp "the writer failed"))
                "raised"

            Expect.equal (File.ReadAllBytes path) [| 1uy; 2uy |] "the previous content"
            Expect.equal (names folder) (set [ "data.parquet" ]) "no temporary"
        }
        test "prepare: creates the folder, recovers a swap, leaves nothing of its write check" {
            let folder = temp "prepare"
            let metadata = model (Path.Combine(folder, "pump-1"))
            let g = guid ()
            Directory.Move(Path.Combine(folder, "pump-1"), Path.Combine(folder, $".pump-1.tmp-%s{g}.old"))
            Expect.equal (OutputFolder.prepare folder) (Ok()) "prepared"
            Expect.equal (names folder) (set [ "pump-1" ]) "the model is back, nothing else"
            Expect.equal (File.ReadAllBytes(Path.Combine(folder, "pump-1", "metadata.json"))) metadata "the same model"
            Expect.isTrue (Artifact.load (Path.Combine(folder, "pump-1"))).Model.IsFitted "complete"
            let fresh = Path.Combine(temp "prepare-new", "a", "b")
            Expect.equal (OutputFolder.prepare fresh) (Ok()) "created"
            Expect.isEmpty (Directory.GetFileSystemEntries fresh) "empty"
        }
        test "prepare of an unwritable folder: PermissionError, exit 20, saying nothing was fetched" {
            let file = temp "file"
            File.WriteAllText(file, "")

            for folder in [ file; Path.Combine(file, "models") ] do
                match OutputFolder.prepare folder with
                | Ok() -> failtest "a file cannot be an output folder"
                | Error e ->
                    Expect.equal (e.TypeName, e.ExitCode) ("PermissionError", 20) e.Message
                    Expect.stringContains e.Message $"cannot write to the output folder '%s{folder}'" "names it"
                    Expect.stringContains e.Message "nothing was fetched or trained" "says what happened"
        }
        test "ProjectBuilder.build into an unwritable folder fails every machine before fetching" {
            let file = temp "file"
            File.WriteAllText(file, "")
            let input = inputOf (configText sampleData.Value pipelineModel "")
            let events = Collections.Concurrent.ConcurrentQueue<ProjectEvent>()

            let outcomes =
                ProjectBuilder.build
                    (ProjectBuilder.settings file)
                    [ input ]
                    events.Enqueue
                    Threading.CancellationToken.None

            match outcomes with
            | [ {
                    Result = Error(BuildError.Unwritable(path, _))
                } ] -> Expect.equal path file "the folder"
            | other -> failtestf "expected Unwritable: %A" other

            Expect.isFalse (events |> Seq.exists (fun e -> e.IsMachine)) "no machine step ran (nothing fetched)"
        }
    ]
