namespace Gordo.Models.Torch

open TorchSharp
open Gordo.Models
open Gordo.Models.Networks

/// Prediction over a parameter tensor made once from the fitted weights.
type private TorchPredictor(network: NetworkSpec, weights: float32[], sequences: Sequences option) =
    let parameters = Tensors.ofArray weights

    /// The network output for an input tensor ([batch × inputs] or windows).
    let run (input: torch.Tensor) : Matrix =
        use _ = torch.no_grad ()
        use scope = torch.NewDisposeScope()
        let output, _ = Forward.run network parameters false input
        Tensors.toMatrix output

    /// One output row per window, in batches of 10000 windows (as Gordo).
    let runWindows (x: Matrix) (s: Sequences) : Matrix =
        use xt = Tensors.ofMatrix x
        use windows = Windows.inputs xt s.Lookback s.Lookahead
        let n = windows.shape.[0]

        [
            for start in 0L .. 10000L .. n - 1L do
                use batch = windows.narrow (0L, start, min 10000L (n - start))
                let m = run batch
                yield! Array.init (Matrix.rows m) (fun i -> Matrix.row i m)
        ]
        |> Array.ofList
        |> Matrix.ofRows

    interface INetworkPredictor with
        member _.Predict x =
            match sequences with
            | Some s -> runWindows x s
            | None ->
                use xt = Tensors.ofMatrix x
                run xt

        member _.Dispose() = parameters.Dispose()

/// The TorchSharp network back end (found by `NetworkBackend` through reflection). Making one
/// loads TorchSharp and libtorch, so a missing native library fails here, once.
type TorchBackend() =
    do Native.ensure ()

    static member private Fit
        (network: NetworkSpec, parameters: torch.Tensor, options: FitOptions, sequences: Sequences option, x, y)
        =
        use xt = Tensors.ofMatrix x
        use yt = Tensors.ofMatrix y

        match sequences with
        | None -> TorchTraining.fit network parameters options xt yt
        | Some s ->
            use windows = Windows.inputs xt s.Lookback s.Lookahead
            use targets = Windows.targets yt s.Lookback s.Lookahead
            TorchTraining.fitPrimed network parameters options windows targets

    interface INetworkBackend with
        member _.Train(network, weights, options, sequences, x, y) =
            Native.seed options.Seed
            use trained = (Tensors.ofArray weights).requires_grad_ ()
            let result = TorchBackend.Fit(network, trained, options, sequences, x, y)
            Array.blit (trained.data<float32>().ToArray()) 0 weights 0 weights.Length
            result

        member _.Predictor(network, weights, sequences) =
            new TorchPredictor(network, Array.copy weights, sequences)
