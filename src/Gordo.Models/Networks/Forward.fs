namespace Gordo.Models.Networks

open TorchSharp
open Gordo.Models

/// The forward pass of a feed-forward network over its flat parameter buffer.
[<RequireQualifiedAccess>]
module Forward =
    /// Output of the network for `x` [batch × inputs] and the activity-regularisation loss
    /// (Keras: factor · Σ|activation| / batch size, per regularised layer).
    let run
        (spec: NetworkSpec)
        (parameters: torch.Tensor)
        (training: bool)
        (x: torch.Tensor)
        : torch.Tensor * torch.Tensor option =
        let batch = float (x.shape.[0])
        let mutable h = x
        let mutable regulariser: torch.Tensor option = None
        let mutable offset = 0L
        let mutable width = int64 spec.Inputs

        for layer in spec.Layers do
            match layer with
            | Layer.Dense(units, activation, l1) ->
                let units = int64 units
                let w = parameters.narrow(0L, offset, units * width).view (units, width)
                let b = parameters.narrow (0L, offset + units * width, units)
                h <- Activation.apply activation (torch.nn.functional.linear (h, w, b))
                offset <- offset + units * width + units
                width <- units

                if l1 > 0.0 then
                    let term = h.abs().sum().mul (sc (l1 / batch))

                    regulariser <-
                        Some(
                            match regulariser with
                            | Some(r: torch.Tensor) -> r.add term
                            | None -> term
                        )
            | Layer.Dropout rate ->
                if training && rate > 0.0 then
                    h <- torch.nn.functional.dropout (h, rate, true)

        h, regulariser
