namespace Gordo.Models.Torch

open TorchSharp
open Gordo.Models.Networks

/// The forward pass of a network over its flat parameter buffer (see `Layout`).
[<RequireQualifiedAccess>]
module internal Forward =
    /// One Keras LSTM layer over `x` [batch × steps × in]: gates = x·Wᵢₕᵀ + h·Wₕₕᵀ + b split into
    /// i, f, c, o; c' = σ(f)·c + σ(i)·act(c̃); h' = σ(o)·act(c'). Returns every step's h
    /// [batch × steps × units] or the last one [batch × units].
    let lstm
        (parameters: torch.Tensor)
        (offset: int64)
        (fanIn: int64)
        (units: int64)
        (activation: string)
        (returnSequences: bool)
        (x: torch.Tensor)
        : torch.Tensor =
        let gates = 4L * units
        let wIh = parameters.narrow(0L, offset, gates * fanIn).view (gates, fanIn)

        let wHh =
            parameters.narrow(0L, offset + gates * fanIn, gates * units).view (gates, units)

        let bias = parameters.narrow (0L, offset + gates * (fanIn + units), gates)
        let projected = torch.nn.functional.linear (x, wIh, bias)
        let batch, steps = x.shape.[0], x.shape.[1]
        let mutable h = torch.zeros (batch, units, dtype = x.dtype)
        let mutable c = torch.zeros (batch, units, dtype = x.dtype)
        let outputs = ResizeArray<torch.Tensor>()

        for t in 0L .. steps - 1L do
            let z = projected.select(1L, t).add (torch.nn.functional.linear (h, wHh))
            let parts = z.chunk (4L, 1L)
            c <- parts.[1].sigmoid().mul(c).add (parts.[0].sigmoid().mul (TensorActivation.apply activation parts.[2]))
            h <- parts.[3].sigmoid().mul (TensorActivation.apply activation c)
            outputs.Add h

        if returnSequences then torch.stack (outputs, 1L) else h

    /// Output of the network for `x` ([batch × inputs], or [batch × steps × inputs] for LSTM
    /// networks) and the activity-regularisation loss (Keras: factor · Σ|activation| / batch
    /// size, per regularised layer). A sequence output is reduced to its last step.
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
                h <- TensorActivation.apply activation (torch.nn.functional.linear (h, w, b))
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
            | Layer.Lstm(units, activation, sequences) ->
                let input = if h.dim () = 2L then h.unsqueeze 1L else h
                h <- lstm parameters offset width (int64 units) activation sequences input
                offset <- offset + int64 (Layout.blockSize (int width, units, true))
                width <- int64 units
            | Layer.Dropout rate ->
                if training && rate > 0.0 then
                    h <- torch.nn.functional.dropout (h, rate, true)

        (if h.dim () = 3L then h.select (1L, -1L) else h), regulariser
