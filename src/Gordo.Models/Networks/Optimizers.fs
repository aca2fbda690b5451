namespace Gordo.Models.Networks

open System
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models

/// Keras optimizers from their names and arguments, and their update on flat float32 buffers
/// (Keras 3's `update_step` of each class, element by element).
[<RequireQualifiedAccess>]
module internal Optimizers =
    /// The optimizer a vocabulary name denotes, with Keras' defaults for what `number` lacks
    /// (`number keys fallback` reads the first present key).
    let create (name: string) (number: string list -> float -> float) (flag: string -> bool) : Optimizer =
        let lr fallback =
            number [ "learning_rate"; "lr" ] fallback

        let betas () =
            number [ "beta_1" ] 0.9, number [ "beta_2" ] 0.999

        let eps () = number [ "epsilon" ] 1e-7

        match Vocabulary.tryFind Vocabulary.optimizers name |> Option.map _.Name with
        | Some "Adam" ->
            let b1, b2 = betas ()
            Optimizer.Adam(lr 0.001, b1, b2, eps (), flag "amsgrad")
        | Some "SGD" -> Optimizer.Sgd(lr 0.01, number [ "momentum" ] 0.0, flag "nesterov")
        | Some "RMSprop" ->
            Optimizer.RmsProp(lr 0.001, number [ "rho" ] 0.9, number [ "momentum" ] 0.0, eps (), flag "centered")
        | Some "Adagrad" -> Optimizer.Adagrad(lr 0.001, number [ "initial_accumulator_value" ] 0.1, eps ())
        | Some "Adadelta" -> Optimizer.Adadelta(lr 0.001, number [ "rho" ] 0.95, eps ())
        | Some "Adamax" ->
            let b1, b2 = betas ()
            Optimizer.Adamax(lr 0.001, b1, b2, eps ())
        | Some "Nadam" ->
            let b1, b2 = betas ()
            Optimizer.Nadam(lr 0.001, b1, b2, eps ())
        | _ ->
            raise (
                ModelDefinitionException(
                    $"optimizer '%s{name}' is not supported; use Adam, SGD, RMSprop, Adagrad, Adadelta, Adamax or Nadam"
                )
            )

    /// True for the two optimizers the TorchSharp back end steps with tensor operations (the
    /// others it steps with `Stepper` on a copy of the gradient).
    let isTensorNative (optimizer: Optimizer) : bool =
        match optimizer with
        | Optimizer.Adam(_, _, _, _, false)
        | Optimizer.Sgd(_, _, false) -> true
        | _ -> false

    /// One optimizer's state and update over a flat float32 parameter buffer.
    type Stepper(optimizer: Optimizer, size: int) =
        let m = Array.zeroCreate<float32> size
        let v = Array.zeroCreate<float32> size
        let extra = Array.zeroCreate<float32> size
        let mutable t = 0
        let mutable uProduct = 1.0

        do
            match optimizer with
            | Optimizer.Adagrad(_, initial, _) -> Array.fill v 0 size (float32 initial)
            | _ -> ()

        member private _.Adam(p: float32[], g: float32[], lr, b1, b2, eps, amsgrad) =
            let b1f, c1, b2f, c2, epsf =
                float32 b1, float32 (1.0 - b1), float32 b2, float32 (1.0 - b2), float32 eps

            let alpha = float32 -(lr * sqrt (1.0 - b2 ** float t) / (1.0 - b1 ** float t))

            for k in 0 .. size - 1 do
                m.[k] <- m.[k] * b1f + c1 * g.[k]
                v.[k] <- v.[k] * b2f + c2 * g.[k] * g.[k]

                let second =
                    if amsgrad then
                        extra.[k] <- max extra.[k] v.[k]
                        extra.[k]
                    else
                        v.[k]

                p.[k] <- p.[k] + alpha * (m.[k] / (MathF.Sqrt second + epsf))

        member private _.Sgd(p: float32[], g: float32[], lr, momentum, nesterov) =
            let step, mu = float32 -lr, float32 momentum

            for k in 0 .. size - 1 do
                if momentum = 0.0 then
                    p.[k] <- p.[k] + step * g.[k]
                else
                    m.[k] <- m.[k] * mu + step * g.[k]
                    p.[k] <- p.[k] + (if nesterov then m.[k] * mu + step * g.[k] else m.[k])

        member private _.RmsProp(p: float32[], g: float32[], lr, rho, momentum, eps, centered) =
            let rhof, c, lrf, epsf = float32 rho, float32 (1.0 - rho), float32 lr, float32 eps

            for k in 0 .. size - 1 do
                v.[k] <- rhof * v.[k] + c * g.[k] * g.[k]

                let denominator =
                    if centered then
                        extra.[k] <- rhof * extra.[k] + c * g.[k]
                        v.[k] - extra.[k] * extra.[k] + epsf
                    else
                        v.[k] + epsf

                let increment = lrf * g.[k] / MathF.Sqrt denominator

                if momentum > 0.0 then
                    m.[k] <- float32 momentum * m.[k] + increment
                    p.[k] <- p.[k] - m.[k]
                else
                    p.[k] <- p.[k] - increment

        member private _.Adagrad(p: float32[], g: float32[], lr, eps) =
            for k in 0 .. size - 1 do
                v.[k] <- v.[k] + g.[k] * g.[k]
                p.[k] <- p.[k] - float32 lr * g.[k] / MathF.Sqrt(v.[k] + float32 eps)

        member private _.Adadelta(p: float32[], g: float32[], lr, rho, eps) =
            let rhof, c, epsf = float32 rho, float32 (1.0 - rho), float32 eps

            for k in 0 .. size - 1 do
                v.[k] <- rhof * v.[k] + c * g.[k] * g.[k]
                let delta = -MathF.Sqrt(extra.[k] + epsf) * g.[k] / MathF.Sqrt(v.[k] + epsf)
                extra.[k] <- rhof * extra.[k] + c * delta * delta
                p.[k] <- p.[k] + float32 lr * delta

        member private _.Adamax(p: float32[], g: float32[], lr, b1, b2, eps) =
            let scale = float32 (lr / (1.0 - b1 ** float t))

            for k in 0 .. size - 1 do
                m.[k] <- m.[k] + (g.[k] - m.[k]) * float32 (1.0 - b1)
                v.[k] <- max (float32 b2 * v.[k]) (abs g.[k])
                p.[k] <- p.[k] - scale * m.[k] / (v.[k] + float32 eps)

        member private _.Nadam(p: float32[], g: float32[], lr, b1, b2, eps) =
            let u = b1 * (1.0 - 0.5 * (0.96 ** float t))
            let uNext = b1 * (1.0 - 0.5 * (0.96 ** float (t + 1)))
            uProduct <- uProduct * u

            let first, now =
                float32 (uNext / (1.0 - uProduct * uNext)), float32 ((1.0 - u) / (1.0 - uProduct))

            let correction = float32 (1.0 - b2 ** float t)

            for k in 0 .. size - 1 do
                m.[k] <- m.[k] + (g.[k] - m.[k]) * float32 (1.0 - b1)
                v.[k] <- v.[k] + (g.[k] * g.[k] - v.[k]) * float32 (1.0 - b2)
                let mHat = first * m.[k] + now * g.[k]
                p.[k] <- p.[k] - float32 lr * mHat / (MathF.Sqrt(v.[k] / correction) + float32 eps)

        /// Applies one update of `grad` to `parameters`.
        member this.Step(parameters: float32[], grad: float32[]) =
            t <- t + 1

            match optimizer with
            | Optimizer.Adam(lr, b1, b2, eps, amsgrad) -> this.Adam(parameters, grad, lr, b1, b2, eps, amsgrad)
            | Optimizer.Sgd(lr, momentum, nesterov) -> this.Sgd(parameters, grad, lr, momentum, nesterov)
            | Optimizer.RmsProp(lr, rho, momentum, eps, centered) ->
                this.RmsProp(parameters, grad, lr, rho, momentum, eps, centered)
            | Optimizer.Adagrad(lr, _, eps) -> this.Adagrad(parameters, grad, lr, eps)
            | Optimizer.Adadelta(lr, rho, eps) -> this.Adadelta(parameters, grad, lr, rho, eps)
            | Optimizer.Adamax(lr, b1, b2, eps) -> this.Adamax(parameters, grad, lr, b1, b2, eps)
            | Optimizer.Nadam(lr, b1, b2, eps) -> this.Nadam(parameters, grad, lr, b1, b2, eps)

/// Keras losses by name: the per-element loss and its derivative by the prediction (the mean
/// over every output of every row is taken by the caller).
[<RequireQualifiedAccess>]
module internal Losses =
    /// Keras' `backend.epsilon()`.
    let epsilon = 1e-7f

    /// The canonical name of a Keras loss (`mse` → `mean_squared_error`), or an exception naming
    /// the supported ones.
    let canonical (name: string) : string =
        match Vocabulary.tryFind Vocabulary.losses name with
        | Some({ Support = Support.Implemented } as entry) -> entry.Name
        | _ ->
            raise (
                ModelDefinitionException(
                    $"loss '%s{name}' is not supported; use mse, mae, mape, msle, huber or log_cosh (or their long names)"
                )
            )

    let private softplus (x: float32) =
        max x 0.0f + MathF.Log(1.0f + MathF.Exp(-abs x))

    /// (loss, d loss / d prediction) of one element of a canonical loss.
    let element (loss: string) (prediction: float32) (target: float32) : float32 * float32 =
        let d = prediction - target

        match loss with
        | "mean_absolute_error" -> abs d, DenseKernels.signOf d
        | "mean_absolute_percentage_error" ->
            let scale = 100.0f / max (abs target) epsilon
            abs d * scale, DenseKernels.signOf d * scale
        | "mean_squared_logarithmic_error" ->
            let p = max prediction epsilon
            let diff = MathF.Log(p + 1.0f) - MathF.Log(max target epsilon + 1.0f)
            let gate = if prediction >= epsilon then 1.0f else 0.0f
            diff * diff, 2.0f * diff / (p + 1.0f) * gate
        | "huber" when abs d <= 1.0f -> 0.5f * d * d, d
        | "huber" -> abs d - 0.5f, DenseKernels.signOf d
        | "log_cosh" -> d + softplus (-2.0f * d) - MathF.Log 2.0f, MathF.Tanh d
        | _ -> d * d, 2.0f * d
