namespace Gordo.Models.Networks

open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models

/// Reads the `kind` of a `KerasRawModelRegressor` (spec §2.3): `spec` is a
/// `tensorflow.keras.models.Sequential` of Dense, LSTM and Dropout layers, `compile` the kwargs of
/// Keras `compile` (`loss`, `optimizer`, `metrics`).
[<RequireQualifiedAccess>]
module internal RawModel =
    let private bad (message: string) =
        raise (ModelDefinitionException($"KerasRawModelRegressor: %s{message}"))

    let private canonical (path: string) =
        Catalog.tryFind path |> Option.map _.Path |> Option.defaultValue path

    let private classOf (value: Value) : string * (string * Value) list =
        match value with
        | Value.String path -> canonical path, []
        | Value.Map [ path, Value.Map parameters ] -> canonical path, parameters
        | Value.Map [ path, Value.Null ] -> canonical path, []
        | other -> bad $"expected a class path or {{class: {{parameters}}}}, got %A{other}"

    /// The keys `spec` and `compile` of `kind` (Gordo's error when either is missing).
    let parts (kind: Value) : Value * (string * Value) list =
        match kind with
        | Value.Map entries ->
            match List.tryFind (fst >> (=) "spec") entries, List.tryFind (fst >> (=) "compile") entries with
            | Some(_, spec), Some(_, Value.Map compile) -> spec, compile
            | Some _, Some _ -> bad "'compile' must be a mapping of compile kwargs (loss, optimizer, metrics)"
            | _ ->
                let keys = entries |> List.map fst |> String.concat ", "
                bad $"Expected spec to have keys: ('spec', 'compile'), but found [%s{keys}]"
        | other -> bad $"kind must be a mapping with keys 'spec' and 'compile', got %A{other}"

    let private activityL1 (value: Value option) =
        match value with
        | None
        | Some Value.Null -> 0.0
        | Some v ->
            match classOf v with
            | "tensorflow.keras.regularizers.L1", parameters ->
                parameters
                |> List.tryFind (fst >> (=) "l1")
                |> Option.map (fun (k, _) -> Args.float k (parameters |> List.map (fun (n, x) -> n, Arg.Plain x)))
                |> Option.defaultValue 0.01
            | path, _ -> bad $"activity_regularizer '%s{path}' is not supported; use tensorflow.keras.regularizers.L1"

    let private layerOf (value: Value) : Layer =
        let path, parameters = classOf value
        let args = parameters |> List.map (fun (k, v) -> k, Arg.Plain v)

        let get key =
            parameters |> List.tryFind (fst >> (=) key) |> Option.map snd

        let activation fallback =
            Args.stringOption "activation" args |> Option.defaultValue fallback

        match path with
        | "tensorflow.keras.layers.Dense" ->
            if get "use_bias" = Some(Value.Bool false) then
                bad "Dense(use_bias=False) is not supported"

            if not (get "kernel_regularizer" = None || get "kernel_regularizer" = Some Value.Null) then
                bad "Dense kernel_regularizer is not supported (activity_regularizer L1 is)"

            Layer.Dense(Args.int "units" args, activation "linear", activityL1 (get "activity_regularizer"))
        | "tensorflow.keras.layers.LSTM" ->
            let sequences = get "return_sequences" = Some(Value.Bool true)

            Layer.Lstm(Args.int "units" args, activation "tanh", sequences)
        | "tensorflow.keras.layers.Dropout" -> Layer.Dropout(Args.float "rate" args)
        | other -> bad $"layer '%s{other}' is not supported; use tensorflow.keras.layers.Dense, LSTM or Dropout"

    /// The layer definitions of the `spec` Sequential.
    let layers (spec: Value) : Value list =
        match classOf spec with
        | "tensorflow.keras.models.Sequential", parameters ->
            match List.tryFind (fst >> (=) "layers") parameters with
            | Some(_, Value.List items) when not items.IsEmpty -> items
            | _ -> bad "the Sequential in 'spec' needs a non-empty 'layers' list"
        | path, _ -> bad $"'spec' must be a tensorflow.keras.models.Sequential, got '%s{path}'"

    /// The input width the first layer declares (`input_dim`, or the last entry of `input_shape`).
    let declaredInputs (spec: Value) : int option =
        let _, parameters = classOf (List.head (layers spec))

        match List.tryFind (fst >> (=) "input_dim") parameters, List.tryFind (fst >> (=) "input_shape") parameters with
        | Some(_, Value.Int n), _ -> Some(int n)
        | _, Some(_, Value.List shape) when not shape.IsEmpty ->
            match List.last shape with
            | Value.Int n -> Some(int n)
            | _ -> None
        | _ -> None

    /// The compiled network for `features` inputs.
    let network (kind: Value) (features: int) : NetworkSpec =
        let spec, compile = parts kind
        let layerList = layers spec |> List.map layerOf

        layerList
        |> List.iter (function
            | Layer.Dense(_, f, _)
            | Layer.Lstm(_, f, _) -> Activation.check f
            | Layer.Dropout _ -> ())

        let loss =
            match List.tryFind (fst >> (=) "loss") compile with
            | Some(_, Value.String s) -> Factories.checkLoss s
            | _ -> bad "'compile' needs a 'loss' (e.g. mse)"

        // Keras' `compile` defaults to rmsprop.
        let optimizer =
            let given =
                List.tryFind (fst >> (=) "optimizer") compile
                |> Option.map snd
                |> Option.defaultValue (Value.String "rmsprop")

            Factories.optimizerOf "" [ "optimizer", Arg.Plain given; "optimizer_kwargs", Arg.Plain(Value.Map []) ]

        let metrics =
            match List.tryFind (fst >> (=) "metrics") compile with
            | Some(_, Value.List items) ->
                items
                |> List.choose (function
                    | Value.String s -> Some s
                    | _ -> None)
            | _ -> []

        {
            Inputs = features
            Layers = layerList
            Loss = loss
            Optimizer = optimizer
            Metrics = metrics
        }

/// Gordo's `KerasRawModelRegressor` (spec §2.3): a Keras Sequential given layer by layer in
/// `kind: {spec: ..., compile: ...}`, trained with Keras `fit` semantics.
type KerasRawModelRegressor(args: (string * Arg) list) =
    inherit KerasNetwork("gordo.machine.model.models.KerasRawModelRegressor", args)
    let classPath = "gordo.machine.model.models.KerasRawModelRegressor"

    let kind =
        match Args.get "kind" args with
        | Arg.Plain v -> v
        | other -> raise (ModelDefinitionException($"KerasRawModelRegressor: kind must be a mapping, got %A{other}"))

    do RawModel.network kind 1 |> ignore

    override _.CheckInput x =
        match RawModel.declaredInputs (fst (RawModel.parts kind)) with
        | Some n when n <> Matrix.cols x ->
            raise (
                ModelInputException(
                    $"KerasRawModelRegressor: the first layer declares %d{n} inputs but X has %d{Matrix.cols x} "
                    + "columns; fix input_dim/input_shape in 'spec' or send the matching tags"
                )
            )
        | _ -> ()

    override _.Build(features, _) = RawModel.network kind features

    override this.Train(network, weights, x, y) =
        let outputs = Layout.blocks network |> List.last |> (fun (_, units, _) -> units)

        if outputs <> Matrix.cols y then
            raise (
                ModelInputException(
                    $"KerasRawModelRegressor: the last layer has %d{outputs} units but y has %d{Matrix.cols y} "
                    + "columns; make the last Dense layer as wide as the targets"
                )
            )

        this.TrainOnBackend(network, weights, KerasFit.options classPath args this.Seed, x, y)

    override _.Recreate args = KerasRawModelRegressor args
