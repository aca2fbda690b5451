namespace Gordo.Models.Networks

open System
open System.Numerics
open System.Numerics.Tensors

/// Managed float32 kernels of Dense layers over "feature-major" buffers: a block of `len` rows
/// of a layer with `width` units is stored as `width` runs of `stride` floats (unit u of row r at
/// `u * stride + r`). Every inner loop then runs over rows, so it vectorises (TensorPrimitives,
/// AVX) however narrow the layer is; the hourglass layers are 10-20 units wide.
[<RequireQualifiedAccess>]
module internal DenseKernels =
    /// The activations that run here (softmax needs whole rows and stays on TorchSharp).
    let supported (name: string) : bool =
        match name with
        | null
        | ""
        | "linear"
        | "tanh"
        | "relu"
        | "sigmoid"
        | "elu"
        | "selu"
        | "softplus"
        | "softsign"
        | "exponential" -> true
        | _ -> false

    let private selu (v: float32) =
        1.050701f * (if v > 0.0f then v else 1.6732632f * (MathF.Exp v - 1.0f))

    /// The sign as autograd uses it (0 for 0 and NaN).
    let signOf (v: float32) : float32 =
        if v > 0.0f then 1.0f
        elif v < 0.0f then -1.0f
        else 0.0f

    /// Applies a Keras activation in place to `values[start .. start + len - 1]`.
    let activate (name: string) (values: float32[]) (start: int) (len: int) : unit =
        let input = ReadOnlySpan<float32>(values, start, len)
        let output = Span<float32>(values, start, len)

        let each (f: float32 -> float32) =
            for k in start .. start + len - 1 do
                values.[k] <- f values.[k]

        match name with
        | "tanh" -> TensorPrimitives.Tanh(input, output)
        | "sigmoid" -> TensorPrimitives.Sigmoid(input, output)
        | "exponential" -> TensorPrimitives.Exp(input, output)
        | "relu" -> TensorPrimitives.Max(input, 0.0f, output)
        | "elu" -> each (fun v -> if v > 0.0f then v else MathF.Exp v - 1.0f)
        | "selu" -> each selu
        | "softplus" -> each (fun v -> if v > 20.0f then v else MathF.Log(1.0f + MathF.Exp v))
        | "softsign" -> each (fun v -> v / (1.0f + abs v))
        | _ -> ()

    /// The activation's derivative from its input z and output a (what autograd multiplies by).
    let derivative (name: string) (z: float32) (a: float32) : float32 =
        match name with
        | "tanh" -> 1.0f - a * a
        | "sigmoid" -> a * (1.0f - a)
        | "exponential" -> a
        | "relu" -> if z > 0.0f then 1.0f else 0.0f
        | "elu" -> if z > 0.0f then 1.0f else MathF.Exp z
        | "selu" ->
            if z > 0.0f then
                1.050701f
            else
                1.050701f * 1.6732632f * MathF.Exp z
        | "softplus" -> if z > 20.0f then 1.0f else 1.0f / (1.0f + MathF.Exp -z)
        | "softsign" -> 1.0f / ((1.0f + abs z) * (1.0f + abs z))
        | _ -> 1.0f

    /// z of one output unit for rows `r .. r + 2·lanes − 1`: two vectors of rows accumulated
    /// side by side (independent chains, so the adds overlap).
    let private unitPair
        (weights: float32[])
        (row: int)
        (fanIn: int)
        (bias: float32)
        (h: float32[])
        (stride: int)
        (r: int)
        =
        let lanes = Vector<float32>.Count
        let mutable a = Vector<float32>(bias)
        let mutable b = a

        for i in 0 .. fanIn - 1 do
            let w = weights.[row + i]
            a <- a + Vector<float32>(h, i * stride + r) * w
            b <- b + Vector<float32>(h, i * stride + r + lanes) * w

        struct (a, b)

    /// z = W·h + b for `len` rows: W is [fanOut × fanIn] at `offset` of `weights`, b follows it.
    /// Each output unit accumulates over the inputs in registers, vectors of rows at a time
    /// (`b + h₀w₀ + h₁w₁ + …`, multiply and add rounded separately, in input order: the numbers
    /// of one `MultiplyAdd` pass per input, without storing z between the inputs).
    let forward
        (weights: float32[])
        (offset: int)
        (fanIn: int)
        (fanOut: int)
        (h: float32[])
        (z: float32[])
        (stride: int)
        (len: int)
        : unit =
        let biasAt = offset + fanIn * fanOut
        let lanes = Vector<float32>.Count

        for o in 0 .. fanOut - 1 do
            let row = offset + o * fanIn
            let bias = weights.[biasAt + o]
            let target = o * stride
            let mutable r = 0

            while r + 2 * lanes <= len do
                let struct (a, b) = unitPair weights row fanIn bias h stride r
                a.CopyTo(z, target + r)
                b.CopyTo(z, target + r + lanes)
                r <- r + 2 * lanes

            while r < len do
                let mutable acc = bias

                for i in 0 .. fanIn - 1 do
                    acc <- acc + h.[i * stride + r] * weights.[row + i]

                z.[target + r] <- acc
                r <- r + 1

    /// Gradients of one Dense layer from dz: accumulates dW (= dz·hᵀ) and db into `grad` at
    /// `offset`, and writes dh (= Wᵀ·dz) unless `dh` is null (the input layer).
    let backward
        (weights: float32[])
        (grad: float32[])
        (offset: int)
        (fanIn: int)
        (fanOut: int)
        (h: float32[])
        (dz: float32[])
        (dh: float32[])
        (stride: int)
        (len: int)
        : unit =
        let biasAt = offset + fanIn * fanOut

        if not (isNull dh) then
            Array.Clear(dh, 0, fanIn * stride)

        for o in 0 .. fanOut - 1 do
            let dzo = ReadOnlySpan<float32>(dz, o * stride, len)
            grad.[biasAt + o] <- grad.[biasAt + o] + TensorPrimitives.Sum dzo
            let row = offset + o * fanIn

            for i in 0 .. fanIn - 1 do
                let hi = ReadOnlySpan<float32>(h, i * stride, len)
                grad.[row + i] <- grad.[row + i] + TensorPrimitives.Dot(dzo, hi)

                if not (isNull dh) then
                    let dhi = Span<float32>(dh, i * stride, len)

                    TensorPrimitives.MultiplyAdd(
                        dzo,
                        weights.[row + i],
                        ReadOnlySpan<float32>(dh, i * stride, len),
                        dhi
                    )
