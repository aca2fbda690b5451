namespace Gordo.Models.Networks

open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models

/// Reading Keras `fit` arguments from a wrapper's kwargs (catalog defaults for the missing ones).
[<RequireQualifiedAccess>]
module internal KerasFit =
    /// The `EarlyStopping` callback among `callbacks`, if any.
    let earlyStopping (args: (string * Arg) list) : EarlyStopping option =
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

    /// The `fit` options of a wrapper of class `classPath` (Keras' batch size 32 when null).
    let options (classPath: string) (args: (string * Arg) list) (seed: int) : FitOptions =
        let setting name = [ name, Args.orDefault classPath name args ]

        {
            Epochs = Args.int "epochs" (setting "epochs")
            BatchSize = Args.intOption "batch_size" (setting "batch_size") |> Option.defaultValue 32
            ValidationSplit = Args.float "validation_split" (setting "validation_split")
            Shuffle = Args.bool "shuffle" (setting "shuffle")
            Seed = seed
            EarlyStopping = earlyStopping args
        }

/// What every Keras wrapper of Gordo shares (spec §2.3): a network compiled at fit time from the
/// wrapper's kwargs and the data's widths, Keras-initialised from the seed, trained in float32
/// (managed code for Dense networks, else the network back end, see `NetworkBackend`); metadata
/// `history`; definition = given kwargs, then
/// `n_features`/`n_features_out` set at fit, then `kind` (Gordo's `into_definition` hook).
[<AbstractClass>]
type KerasNetwork(classPath: string, args: (string * Arg) list) =
    inherit Estimator(classPath, args)
    let name = classPath.Substring(classPath.LastIndexOf '.' + 1)
    let kind = Args.get "kind" args

    let given = args |> List.filter (fun (k, _) -> k <> "kind")

    let mutable spec: NetworkSpec option = None
    let mutable predictor: INetworkPredictor option = None
    let mutable weights: float32[] = null
    let mutable history: History = []
    let mutable steps = 0

    let outputsOf (network: NetworkSpec) =
        match List.last network.Layers with
        | Layer.Dense(units, _, _)
        | Layer.Lstm(units, _, _) -> units
        | Layer.Dropout _ -> network.Inputs

    /// The class name (`KerasLSTMForecast`), for messages.
    member _.Name: string = name

    /// The kwargs as given (without `kind`).
    member internal _.Given: (string * Arg) list = given

    /// Seed for weight initialisation, shuffling and dropout (the evaluation `seed`).
    member val internal Seed = 0 with get, set

    /// The compiled network, once fitted.
    member internal _.Network: NetworkSpec option = spec

    /// Per-epoch history of the last fit.
    member _.History: History = history

    /// The flat float32 weights, once fitted.
    member internal _.Weights: float32[] = weights

    /// Compiles the network for these input/output widths.
    abstract Build: features: int * featuresOut: int -> NetworkSpec

    /// Trains the freshly initialised `weights` in place on X, y (on the network back end): the
    /// history and steps per epoch.
    abstract Train: network: NetworkSpec * weights: float32[] * x: Matrix * y: Matrix -> History * int

    /// Trains the initial `weights` in place in managed code when the wrapper can (None: it
    /// cannot, and `Train` runs instead).
    abstract TrainManaged: network: NetworkSpec * weights: float32[] * x: Matrix * y: Matrix -> (History * int) option

    default _.TrainManaged(_, _, _, _) = None

    /// How X is cut into windows (None: one output row per input row).
    abstract Sequences: Sequences option
    default _.Sequences = None

    /// Input checks before training (beyond finite values and one row).
    abstract CheckInput: x: Matrix -> unit
    default _.CheckInput _ = ()

    /// A new, unfitted wrapper of the same class with these kwargs.
    abstract Recreate: args: (string * Arg) list -> KerasNetwork

    override _.IsFitted = spec.IsSome
    override _.CanPredict = true
    override _.CanTransform = true

    override this.Fit(x, y) =
        Check.finite name false x
        Check.finite name false y
        Check.rowsAtLeast name 1 x
        this.CheckInput x
        let network = this.Build(Matrix.cols x, Matrix.cols y)
        let initial = Layout.initialize network this.Seed

        this.DropPredictor()

        let h, s =
            match this.TrainManaged(network, initial, x, y) with
            | Some result -> result
            | None -> this.Train(network, initial, x, y)

        history <- h
        steps <- s
        // Prediction uses a predictor made from these weights (see `PredictOnBackend`), as a
        // loaded model does: libtorch's kernels may round differently on the training tensor, and
        // a model must predict bit-identically before and after an artifact round trip.
        weights <- initial
        spec <- Some network

    /// The fitted network, after checking the feature count of X.
    member internal this.Fitted(x: Matrix) : NetworkSpec =
        Check.fitted name this.IsFitted
        Check.features name spec.Value.Inputs x
        spec.Value

    /// The network back end (loaded on first use; a clear error when it cannot be).
    member internal _.Backend: INetworkBackend = NetworkBackend.require name

    /// Trains `weights` in place on the network back end with these `fit` options.
    member internal this.TrainOnBackend
        (network: NetworkSpec, weights: float32[], options: FitOptions, x: Matrix, y: Matrix)
        : History * int =
        this.Backend.Train(network, weights, options, this.Sequences, x, y)

    member private _.DropPredictor() =
        predictor |> Option.iter _.Dispose()
        predictor <- None

    /// The network output for X on the back end (its predictor is made on first use, so
    /// managed-only models never load the back end).
    member internal this.PredictOnBackend(x: Matrix) : Matrix =
        let current =
            match predictor with
            | Some p -> p
            | None ->
                let p = this.Backend.Predictor(spec.Value, weights, this.Sequences)
                predictor <- Some p
                p

        current.Predict x

    /// The network output for X: in managed code where every layer can run there, else on the
    /// back end (the LSTM wrappers override this to check the window first).
    override this.Predict x =
        let network = this.Fitted x

        if ManagedForward.supports network then
            ManagedForward.run network weights x
        else
            this.PredictOnBackend x

    override this.Transform x = this.Predict x

    /// Gordo's `score` (every Keras wrapper): the explained variance score (uniform average) of
    /// the last `len(output)` rows of y against `predict(X)`; LSTM outputs are shorter than y by
    /// the model offset, feed-forward ones are not.
    override this.Score(x, y) =
        let output = this.Predict x
        Stats.explainedVariance (Matrix.lastRows (Matrix.rows output) y) output

    override _.Metadata() =
        if history.IsEmpty then
            []
        else
            let metrics =
                history |> List.map (fun (k, vs) -> k, Value.List(vs |> List.map Value.Float))

            let parameters =
                Value.Map [
                    "verbose", Value.Int 0L
                    "epochs", Value.Int(int64 (Args.int "epochs" [ "epochs", Args.orDefault classPath "epochs" args ]))
                    "steps", Value.Int(int64 steps)
                ]

            [ "history", Value.Map(metrics @ [ "params", parameters ]) ]

    override _.Definition =
        let kwargs =
            match spec with
            | Some network ->
                given
                |> Args.set "n_features" (Arg.Plain(Value.Int(int64 network.Inputs)))
                |> Args.set "n_features_out" (Arg.Plain(Value.Int(int64 (outputsOf network))))
            | None -> given

        ModelSpec.Class(
            classPath,
            (kwargs @ [ "kind", kind ])
            |> List.map (fun (k, a) -> k, Estimator.ToParameter a)
        )

    override this.Clone() =
        let copy = this.Recreate(Args.clone (given @ [ "kind", kind ]))
        copy.Seed <- this.Seed
        copy :> Estimator

    override _.SaveState() =
        match spec with
        | None -> State.Empty
        | Some network ->
            State.Record [
                "n_features", State.Number(float network.Inputs)
                "n_features_out", State.Number(float (outputsOf network))
                "parameters", State.Vector(weights |> Array.map float)
                "steps", State.Number(float steps)
                "history", State.Record(history |> List.map (fun (k, vs) -> k, State.Vector(Array.ofList vs)))
            ]

    override this.LoadState state =
        match state with
        | State.Empty -> ()
        | _ ->
            let network =
                this.Build(int (State.number "n_features" state), int (State.number "n_features_out" state))

            let values = State.vector "parameters" state

            if values.Length <> Layout.size network then
                raise (System.IO.InvalidDataException $"%s{name}: saved weights do not match the network shape")

            weights <- values |> Array.map float32
            this.DropPredictor()

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

    /// Frees the back end's predictor (native tensors of libtorch); the network stays fitted and
    /// makes a new predictor on its next prediction (Gordo.Interop's `GordoModel.Dispose`).
    member this.ReleaseBackend() : unit = this.DropPredictor()
