module Gordo.Tests.Builder.FaultTests

open System
open System.IO
open System.Threading
open Expecto
open Gordo.Models
open Gordo.Models.Artifacts
open Gordo.Build
open Gordo.Tests.Builder.ModelBuilderTests

let private temp (name: string) =
    Path.Combine(Path.GetTempPath(), $"gordo-fault-%s{name}-" + Guid.NewGuid().ToString("N"))

let private options (out: string) (register: string) = {
    OutputDirectory = Some out
    RegisterDirectory = Some register
    ReplaceCache = false
}

let private buildInto (model: string) (out: string) (register: string) progress cancel =
    CachedBuilder.build (inputOf (configText sampleData.Value model "")) (options out register) progress cancel

/// A complete previous model in `out`, registered in `register`; returns its metadata.json bytes.
let private previous (out: string) (register: string) =
    match buildInto pipelineModel out register ignore CancellationToken.None with
    | Ok _ -> File.ReadAllBytes(Path.Combine(out, "metadata.json"))
    | Error e -> failtestf "the first build failed: %s" e.Message

/// The output directory still holds the previous model, nothing half-written sits next to it,
/// and every registry entry points at a loadable model.
let private intact (out: string) (register: string) (metadata: byte[]) =
    Expect.equal (File.ReadAllBytes(Path.Combine(out, "metadata.json"))) metadata "previous metadata.json"
    Expect.isTrue (Artifact.load out).Model.IsFitted "previous model loads"
    let parent = Path.GetDirectoryName(Path.GetFullPath out)
    Expect.isEmpty (Directory.GetDirectories(parent, "." + Path.GetFileName out + ".tmp-*")) "no temporary directories"

    for entry in Directory.GetFiles register do
        Expect.isTrue (Artifact.load (File.ReadAllText entry)).Model.IsFitted "registry points at a complete model"

let private failure (result: Result<BuiltModel, BuildError>) =
    match result with
    | Error e -> e
    | Ok _ -> failtest "the build should fail"

[<Tests>]
let tests =
    testSequenced
    <| testList "Builder faults" [
        test "a model that fails to fit: ValueError (exit 2); the previous model and registry stay" {
            let out, register = temp "out", temp "reg"
            let metadata = previous out register
            let bad = pipelineModel.Replace("n_components: 2", "n_components: 10")
            let e = buildInto bad out register ignore CancellationToken.None |> failure
            Expect.equal e.ExitCode 2 e.Message
            Expect.stringContains e.Message "n_components" "says what is wrong"
            intact out register metadata
            Expect.equal (Directory.GetFiles register).Length 1 "nothing registered for the failed model"
        }
        test "missing data: FileNotFoundError (exit 30); the previous model stays" {
            let out, register = temp "out", temp "reg"
            let metadata = previous out register
            let text = configText (temp "nowhere" + ".parquet") detectorModel ""

            let e =
                CachedBuilder.build (inputOf text) (options out register) ignore CancellationToken.None
                |> failure

            Expect.equal e.ExitCode 30 e.Message
            intact out register metadata
        }
        test "unwritable output directory: the failure names the path; nothing is registered" {
            let blocker = temp "file"
            File.WriteAllText(blocker, "not a directory")
            let out, register = Path.Combine(blocker, "model"), temp "reg"

            let e =
                buildInto pipelineModel out register ignore CancellationToken.None |> failure

            match e with
            | BuildError.Output(path, _) -> Expect.equal path out "the path"
            | other -> failtestf "expected an output failure, got %s" other.Message

            Expect.notEqual e.ExitCode 0 "non-zero exit"
            Expect.isFalse (Directory.Exists register && Directory.GetFiles(register).Length > 0) "no registry entry"
        }
        test "cancellation during training: Cancelled (exit 130); the previous model and registry stay" {
            let out, register = temp "out", temp "reg"
            let metadata = previous out register
            use cts = new CancellationTokenSource()

            let cancelOnEpoch event =
                match event with
                | BuildEvent.Training(TrainingSignal.Epoch _) -> cts.Cancel()
                | _ -> ()

            let slow = detectorModel.Replace("epochs: 1", "epochs: 500")
            let watch = Diagnostics.Stopwatch.StartNew()
            let e = buildInto slow out register cancelOnEpoch cts.Token |> failure
            Expect.equal e BuildError.Cancelled "cancelled"
            Expect.equal e.ExitCode 130 "exit code class"
            Expect.isLessThan watch.Elapsed.TotalSeconds 60.0 "stops after the epoch, not after 500"
            intact out register metadata
        }
        test "the progress display: plain lines off a terminal, redrawn lines on one" {
            let capture (live: bool) =
                let writer = new StringWriter()
                let original = Console.Out
                Console.SetOut writer

                try
                    let display = Gordo.Cli.BuildDisplay([ "pump-1"; "pump-2" ], live)
                    display.Show(ProjectEvent.Machine("pump-1", BuildEvent.FetchingData))
                    display.Show(ProjectEvent.Machine("pump-1", BuildEvent.Training(TrainingSignal.Fold(2, 3))))
                    display.Show(ProjectEvent.Machine("pump-1", BuildEvent.Training(TrainingSignal.Epoch(4, 10, 0.5))))

                    for k in 1..100 do
                        display.Show(
                            ProjectEvent.Machine("pump-2", BuildEvent.Training(TrainingSignal.Epoch(k, 100, 0.1)))
                        )

                    display.Show(
                        ProjectEvent.Finished {
                            Name = "pump-2"
                            Result = Error BuildError.Cancelled
                        }
                    )

                    display.Close()
                    writer.ToString()
                finally
                    Console.SetOut original

            let plain = capture false
            Expect.stringContains plain "[pump-1] fetching data" "plain line"
            Expect.stringContains plain "[pump-1] fold 2/3" "fold line"
            Expect.stringContains plain "[pump-1] epoch 4/10" "epoch line"
            Expect.stringContains plain "[pump-2] FAILED (KeyboardInterrupt, exit 130)" "failure line"
            Expect.stringContains plain "[pump-2] epoch 1/100" "first epoch"
            Expect.stringContains plain "[pump-2] epoch 100/100" "last epoch"
            Expect.isFalse (plain.Contains "[pump-2] epoch 50/100") "epochs in between are throttled"
            Expect.isFalse (plain.Contains "\u001b[") "no escape codes"
            let live = capture true
            Expect.stringContains live "\u001b[2A" "cursor moves up over the two machine lines"
            Expect.stringContains live "fold 2/3  epoch 4/10" "fold and epoch on the machine's line"
            Expect.stringContains live "FAILED (exit 130)" "failed machine"
        }
    ]
