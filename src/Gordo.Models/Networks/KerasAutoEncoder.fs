namespace Gordo.Models.Networks

open TorchSharp
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models
open Gordo.Models.Torch

/// Gordo's `KerasAutoEncoder` (spec §2.3, §2.4) on TorchSharp, float32: a feed-forward network of
/// the given `kind`, trained with Keras semantics. Its definition is its given kwargs, then
/// `n_features`/`n_features_out` once fitted, then `kind` (Gordo's `into_definition` hook).
type KerasAutoEncoder(args: (string * Arg) list) =
    inherit Estimator("gordo.machine.model.models.KerasAutoEncoder", args)
    let classPath = "gordo.machine.model.models.KerasAutoEncoder"
    let kind = Args.string "kind" args

    let given =
        args
        |> List.filter (fun (k, _) -> k <> "kind" && k <> "n_features" && k <> "n_features_out")

    let mutable spec: NetworkSpec option = None
    let mutable parameters: torch.Tensor = null
    let mutable weights: float32[] = null
    let mutable history: History = []
    let mutable steps = 0

    let setting name = [ name, Args.orDefault classPath name args ]

    let earlyStopping () =
        match Args.get "callbacks" args with
        | Arg.Items items ->
            items
            |> List.tryPick (function
                | Arg.Model m when m.ClassPath.EndsWith "EarlyStopping" ->
                    let get name = [ name, Args.orDefault m.ClassPath name m.Args ]

                    Some {
                        Monitor = Args.string "monitor" (get "monitor")
                        MinDelta = Args.float "min_delta" (get "min_delta")
                        Patience = Args.int "patience" (get "patience")
                        Mode = Args.string "mode" (get "mode")
                        Baseline = Args.floatOption "baseline" (get "baseline")
                        RestoreBestWeights = Args.bool "restore_best_weights" (get "restore_best_weights")
                    }
                | _ -> None)
        | _ -> None

    let fitOptions seed = {
        Epochs = Args.int "epochs" (setting "epochs")
        BatchSize = Args.intOption "batch_size" (setting "batch_size") |> Option.defaultValue 32
        ValidationSplit = Args.float "validation_split" (setting "validation_split")
        Shuffle = Args.bool "shuffle" (setting "shuffle")
        Seed = seed
        EarlyStopping = earlyStopping ()
    }

    let build features featuresOut =
        Factories.feedforward classPath kind args features featuresOut

    do
        match kind with
        | "feedforward_model"
        | "feedforward_symmetric"
        | "feedforward_hourglass" -> ()
        | other ->
            raise (ModelDefinitionException($"kind: %s{other} is not an available model for type: KerasAutoEncoder!"))

    /// Seed for weight initialisation and shuffling (the evaluation `seed`).
    member val Seed = 0 with get, set

    /// The compiled network, once fitted.
    member _.Network: NetworkSpec option = spec

    /// Per-epoch history of the last fit.
    member _.History: History = history

    override _.IsFitted = spec.IsSome
    override _.CanPredict = true
    override _.CanTransform = true

    override this.Fit(x, y) =
        Check.finite "KerasAutoEncoder" false x
        Check.finite "KerasAutoEncoder" false y
        Check.rowsAtLeast "KerasAutoEncoder" 1 x
        let network = build (Matrix.cols x) (Matrix.cols y)
        let initial = Layout.glorotUniform network this.Seed

        if not (isNull parameters) then
            parameters.Dispose()
            parameters <- null

        let h, s =
            if ManagedTraining.supports network then
                ManagedTraining.fit network initial (fitOptions this.Seed) x y
            else
                this.FitWithTorch(network, initial, x, y)

        history <- h
        steps <- s
        weights <- initial
        spec <- Some network

    /// Trains through TorchSharp (networks with dropout or softmax); returns history and steps.
    member private this.FitWithTorch(network: NetworkSpec, initial: float32[], x: Matrix, y: Matrix) =
        Native.seed this.Seed
        use trained = (Tensors.ofArray initial).requires_grad_ ()
        use xt = Tensors.ofMatrix x
        use yt = Tensors.ofMatrix y
        let result = Training.fit network trained (fitOptions this.Seed) xt yt
        Array.blit (trained.data<float32>().ToArray()) 0 initial 0 initial.Length
        result

    override this.Predict x =
        Check.fitted "KerasAutoEncoder" this.IsFitted
        let network = spec.Value
        Check.features "KerasAutoEncoder" network.Inputs x

        if ManagedForward.supports network then
            ManagedForward.run network weights x
        else
            this.PredictWithTorch x

    /// Prediction through TorchSharp (the training forward pass).
    member _.PredictWithTorch(x: Matrix) : Matrix =
        let network = spec.Value

        if isNull parameters then
            parameters <- Tensors.ofArray weights

        use _ = torch.no_grad ()
        use scope = torch.NewDisposeScope()
        use xt = Tensors.ofMatrix x
        let output, _ = Forward.run network parameters false xt
        Tensors.toMatrix output

    override this.Transform x = this.Predict x

    /// Gordo's `score`: the explained variance score of y against the prediction (uniform average).
    override this.Score(x, y) =
        Stats.explainedVariance y (this.Predict x)

    override _.Metadata() =
        if history.IsEmpty then
            []
        else
            let metrics =
                history |> List.map (fun (k, vs) -> k, Value.List(vs |> List.map Value.Float))

            let parameters =
                Value.Map [
                    "verbose", Value.Int 0L
                    "epochs", Value.Int(int64 (Args.int "epochs" (setting "epochs")))
                    "steps", Value.Int(int64 steps)
                ]

            [ "history", Value.Map(metrics @ [ "params", parameters ]) ]

    override _.Definition =
        let fitted =
            match spec with
            | Some network ->
                let outputs =
                    match List.last network.Layers with
                    | Layer.Dense(units, _, _) -> units
                    | _ -> network.Inputs

                [
                    "n_features", Parameter.Plain(Value.Int(int64 network.Inputs))
                    "n_features_out", Parameter.Plain(Value.Int(int64 outputs))
                ]
            | None -> []

        ModelSpec.Class(
            classPath,
            (given |> List.map (fun (k, a) -> k, Estimator.ToParameter a))
            @ fitted
            @ [ "kind", Parameter.Plain(Value.String kind) ]
        )

    override this.Clone() =
        let copy =
            KerasAutoEncoder(Args.clone (given @ [ "kind", Arg.Plain(Value.String kind) ]))

        copy.Seed <- this.Seed
        copy

    override _.SaveState() =
        match spec with
        | None -> State.Empty
        | Some network ->
            let outputs =
                match List.last network.Layers with
                | Layer.Dense(units, _, _) -> units
                | _ -> network.Inputs

            State.Record [
                "n_features", State.Number(float network.Inputs)
                "n_features_out", State.Number(float outputs)
                "parameters", State.Vector(weights |> Array.map float)
                "steps", State.Number(float steps)
                "history", State.Record(history |> List.map (fun (k, vs) -> k, State.Vector(Array.ofList vs)))
            ]

    override _.LoadState state =
        match state with
        | State.Empty -> ()
        | _ ->
            let network =
                build (int (State.number "n_features" state)) (int (State.number "n_features_out" state))

            let values = State.vector "parameters" state

            if values.Length <> Layout.size network then
                raise (System.IO.InvalidDataException "KerasAutoEncoder: saved weights do not match the network shape")

            weights <- values |> Array.map float32

            if not (isNull parameters) then
                parameters.Dispose()
                parameters <- null

            spec <- Some network
            steps <- int (State.number "steps" state)

            history <-
                match State.field "history" state with
                | State.Record items ->
                    items
                    |> List.map (fun (k, v) ->
                        k,
                        (match v with
                         | State.Vector xs -> List.ofArray xs
                         | _ -> []))
                | _ -> []
