namespace Gordo.Models.Networks

open System
open System.Reflection
open Gordo.Models

/// Gordo's sliding windows over rows (`create_keras_timeseriesgenerator`): window k holds rows
/// k .. k+lookback−1 and its target is row k+lookback−1+lookahead.
type Sequences = {
    /// Rows per window (`lookback_window`).
    Lookback: int
    /// 0: a window's target is its last row; 1: the row after it.
    Lookahead: int
}

/// Window arithmetic shared by every back end.
[<RequireQualifiedAccess>]
module internal Sequences =
    /// Number of windows over `rows` rows.
    let count (rows: int) (lookback: int) (lookahead: int) : int = rows - lookback + 1 - lookahead

/// A fitted network's weights held by a back end, ready to predict (made once per model).
type internal INetworkPredictor =
    inherit IDisposable

    /// The network output for X (one row per window when the network reads windows).
    abstract Predict: x: Matrix -> Matrix

/// What networks need from a back end when managed code cannot run them (LSTM layers, dropout,
/// softmax, other losses). The TorchSharp implementation lives in Gordo.Models.Torch.
type internal INetworkBackend =
    /// Trains `weights` (the Keras initialisation, see `Layout`) in place with Keras `fit`
    /// semantics; with `sequences`, X is cut into windows and training starts with Keras' priming
    /// step. Returns the history and the steps per epoch.
    abstract Train:
        network: NetworkSpec *
        weights: float32[] *
        options: FitOptions *
        sequences: Sequences option *
        x: Matrix *
        y: Matrix ->
            History * int

    /// A predictor over a copy of `weights`.
    abstract Predictor: network: NetworkSpec * weights: float32[] * sequences: Sequences option -> INetworkPredictor

/// Finds the network back end on first use: a reflection load of Gordo.Models.Torch, so that
/// models that never need it never load TorchSharp or libtorch, and nothing has to register it.
[<RequireQualifiedAccess>]
module internal NetworkBackend =
    let private assemblyName = "Gordo.Models.Torch"
    let private typeName = "Gordo.Models.Torch.TorchBackend"

    /// The innermost cause's first line (loader and type-initializer wrappers say nothing).
    let rec private reason (e: exn) : string =
        match e with
        | :? TargetInvocationException
        | :? TypeInitializationException when not (isNull e.InnerException) -> reason e.InnerException
        | _ ->
            let line = e.Message.Split('\n').[0].Trim()

            if line.Length > 300 then
                line.Substring(0, 300) + " ..."
            else
                line

    let private load () : Result<INetworkBackend, string> =
        try
            let assembly = Assembly.Load(AssemblyName assemblyName)
            let backend = assembly.GetType(typeName, true)
            Ok(Activator.CreateInstance backend :?> INetworkBackend)
        with e ->
            Error(reason e)

    let private loaded = lazy (load ())

    /// The back end, or a `ModelDefinitionException` naming what is missing for `model`.
    let require (model: string) : INetworkBackend =
        match loaded.Value with
        | Ok backend -> backend
        | Error why ->
            raise (
                ModelDefinitionException(
                    $"%s{model} needs the TorchSharp back end: add the package Gordo.Models.Torch (it brings "
                    + $"TorchSharp and libtorch-cpu-linux-x64); it could not be loaded: %s{why}"
                )
            )
