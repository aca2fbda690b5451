namespace Gordo.Models.Networks

open System
open Gordo.Models

/// One Keras layer of a network.
[<RequireQualifiedAccess>]
type Layer =
    /// Dense(units, activation) with an optional L1 activity regulariser factor (0 = none).
    | Dense of units: int * activation: string * activityL1: float
    /// Dropout(rate): identity at prediction time.
    | Dropout of rate: float
    /// Keras LSTM(units, activation, return_sequences): gates i, f, c, o; recurrent activation
    /// sigmoid. A 2-D input is read as sequences of one step.
    | Lstm of units: int * activation: string * returnSequences: bool

/// The optimizer of a compiled network (Keras 3 semantics, parameter names and defaults).
[<RequireQualifiedAccess>]
type Optimizer =
    /// Adam(learning_rate, beta_1, beta_2, epsilon, amsgrad) with Keras' epsilon placement.
    | Adam of learningRate: float * beta1: float * beta2: float * epsilon: float * amsgrad: bool
    /// SGD(learning_rate, momentum, nesterov).
    | Sgd of learningRate: float * momentum: float * nesterov: bool
    /// RMSprop(learning_rate, rho, momentum, epsilon, centered): ε inside the square root.
    | RmsProp of learningRate: float * rho: float * momentum: float * epsilon: float * centered: bool
    /// Adagrad(learning_rate, initial_accumulator_value, epsilon).
    | Adagrad of learningRate: float * initialAccumulator: float * epsilon: float
    /// Adadelta(learning_rate, rho, epsilon).
    | Adadelta of learningRate: float * rho: float * epsilon: float
    /// Adamax(learning_rate, beta_1, beta_2, epsilon).
    | Adamax of learningRate: float * beta1: float * beta2: float * epsilon: float
    /// Nadam(learning_rate, beta_1, beta_2, epsilon) with Keras' momentum schedule (0.96^t).
    | Nadam of learningRate: float * beta1: float * beta2: float * epsilon: float

/// A compiled network: input width, layers, loss, optimizer and metrics.
type NetworkSpec = {
    /// Number of input features.
    Inputs: int
    /// Layers in order (the last one is the output layer).
    Layers: Layer list
    /// The Keras loss, by its function name (`mean_squared_error`, `huber`, ...; see `Losses`).
    Loss: string
    /// The optimizer.
    Optimizer: Optimizer
    /// Keras metrics to record per epoch (`accuracy` is supported).
    Metrics: string list
}

/// Activations by Keras name.
[<RequireQualifiedAccess>]
module internal Activation =
    /// The Keras activations a network may use (null and "" mean linear).
    let known: string list = [
        "linear"
        "tanh"
        "relu"
        "sigmoid"
        "elu"
        "selu"
        "softplus"
        "softsign"
        "exponential"
        "softmax"
    ]

    /// Throws early for unknown activation names.
    let check (name: string) : unit =
        if not (isNull name || name = "" || List.contains name known) then
            raise (
                ModelDefinitionException(
                    $"unknown activation '%s{name}'; use linear, tanh, relu, sigmoid, elu, selu, softplus, softsign, exponential or softmax"
                )
            )

/// Layout of a network's parameters in one flat float32 buffer: for each Dense layer its weight
/// [out × in] then its bias [out]; for each LSTM layer its input weights [4u × in], recurrent
/// weights [4u × u] and one bias [4u], gate blocks in Keras' (and PyTorch's) order i, f, c, o.
[<RequireQualifiedAccess>]
module internal Layout =
    /// (input width, units, is LSTM) of each parameterised layer.
    let blocks (spec: NetworkSpec) : (int * int * bool) list =
        let folder (width, acc) layer =
            match layer with
            | Layer.Dense(units, _, _) -> units, (width, units, false) :: acc
            | Layer.Lstm(units, _, _) -> units, (width, units, true) :: acc
            | Layer.Dropout _ -> width, acc

        spec.Layers |> List.fold folder (spec.Inputs, []) |> snd |> List.rev

    /// (input width, output width) of each Dense layer (the layout of a Dense-only network).
    let denseShapes (spec: NetworkSpec) : (int * int) list =
        blocks spec
        |> List.filter (fun (_, _, lstm) -> not lstm)
        |> List.map (fun (fanIn, units, _) -> fanIn, units)

    /// Parameter count of one block.
    let blockSize (fanIn: int, units: int, lstm: bool) : int =
        if lstm then
            4 * units * (fanIn + units + 1)
        else
            fanIn * units + units

    /// Total parameter count.
    let size (spec: NetworkSpec) : int = blocks spec |> List.sumBy blockSize

    let private uniform (rng: Random) (buffer: float32[]) (offset: int) (count: int) (limit: float) =
        for k in 0 .. count - 1 do
            buffer.[offset + k] <- float32 ((rng.NextDouble() * 2.0 - 1.0) * limit)

    /// Keras' `Orthogonal` initializer for a [units × 4·units] recurrent kernel, written
    /// transposed ([4u × u], orthonormal columns): QR of a standard normal matrix, signs fixed by
    /// the diagonal of R.
    let private orthogonal (rng: Random) (buffer: float32[]) (offset: int) (units: int) =
        let normal () =
            let u1 = 1.0 - rng.NextDouble()
            sqrt (-2.0 * log u1) * cos (2.0 * Math.PI * rng.NextDouble())

        let a =
            MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(4 * units, units, (fun _ _ -> normal ()))

        let qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin)

        for i in 0 .. 4 * units - 1 do
            for j in 0 .. units - 1 do
                let sign = if qr.R.[j, j] < 0.0 then -1.0 else 1.0
                buffer.[offset + i * units + j] <- float32 (qr.Q.[i, j] * sign)

    /// Keras' default initialisation from a seeded generator: Glorot-uniform kernels, zero biases;
    /// LSTM recurrent kernels orthogonal and forget-gate biases 1 (`unit_forget_bias`).
    let initialize (spec: NetworkSpec) (seed: int) : float32[] =
        let rng = Random(seed)
        let buffer = Array.zeroCreate (size spec)
        let mutable offset = 0

        for fanIn, units, lstm in blocks spec do
            if lstm then
                uniform rng buffer offset (4 * units * fanIn) (sqrt (6.0 / float (fanIn + 4 * units)))
                orthogonal rng buffer (offset + 4 * units * fanIn) units
                let bias = offset + 4 * units * (fanIn + units)
                Array.fill buffer (bias + units) units 1.0f
            else
                uniform rng buffer offset (fanIn * units) (sqrt (6.0 / float (fanIn + units)))

            offset <- offset + blockSize (fanIn, units, lstm)

        buffer
