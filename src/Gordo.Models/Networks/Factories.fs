namespace Gordo.Models.Networks

open System
open Gordo.Core
open Gordo.Core.Specs
open Gordo.Models

/// Gordo's network factories (spec §2.4): layer sizes, activations, regularisers, compile.
[<RequireQualifiedAccess>]
module internal Factories =
    /// `hourglass_calc_dims(compression_factor, encoding_layers, n_features)` (round half to even).
    let hourglassDims (compression: float) (layers: int) (features: int) : int list =
        if compression < 0.0 || compression > 1.0 then
            raise (ModelDefinitionException "compression_factor must be 0 <= compression_factor <= 1")

        if layers < 1 then
            raise (ModelDefinitionException "encoding_layers must be >= 1")

        let smallest = max (min (int (ceil (compression * float features))) features) 1
        let slope = float (features - smallest) / float layers

        [
            for i in 1..layers -> int (Math.Round(float features - float i * slope, MidpointRounding.ToEven))
        ]

    /// The Keras `tanh`-style activity regulariser factor Gordo uses (`10e-5`).
    let activityL1 = 1e-4

    /// The optimizer named by `optimizer` (a Keras class name, `{class: kwargs}` or a built
    /// optimizer part) with `optimizer_kwargs` (Keras defaults otherwise).
    let optimizerOf (classPath: string) (args: (string * Arg) list) =
        let kwargs =
            match Args.orDefault classPath "optimizer_kwargs" args with
            | Arg.Plain(Value.Map entries) -> entries |> List.map (fun (k, v) -> k, Arg.Plain v)
            | _ -> []

        let name, settings =
            match Args.orDefault classPath "optimizer" args with
            | Arg.Plain(Value.String s) -> s, kwargs
            | Arg.Model m -> m.ClassPath.Substring(m.ClassPath.LastIndexOf '.' + 1), m.Args
            | Arg.Plain(Value.Map [ path, Value.Map settings ]) ->
                path.Substring(path.LastIndexOf '.' + 1), settings |> List.map (fun (k, v) -> k, Arg.Plain v)
            | other -> raise (ModelDefinitionException($"optimizer: unsupported value %A{other}"))

        let number (keys: string list) fallback =
            keys
            |> List.tryPick (fun k -> settings |> List.tryFind (fst >> (=) k))
            |> Option.map (fun (k, _) -> Args.float k settings)
            |> Option.defaultValue fallback

        let flag (key: string) =
            match settings |> List.tryFind (fst >> (=) key) with
            | Some(_, Arg.Plain(Value.Bool b)) -> b
            | _ -> false

        Optimizers.create name number flag

    /// The canonical name of a loss the trainers implement (`mse` → `mean_squared_error`).
    let checkLoss (loss: string) : string = Losses.canonical loss

    let private compileOf (classPath: string) (args: (string * Arg) list) (defaultMetrics: string list) =
        let kwargs =
            match Args.orDefault classPath "compile_kwargs" args with
            | Arg.Plain(Value.Map entries) -> entries
            | _ -> []

        let loss =
            match kwargs |> List.tryFind (fst >> (=) "loss") with
            | Some(_, Value.String s) -> checkLoss s
            | Some(_, other) -> raise (ModelDefinitionException($"loss: unsupported value %A{other}"))
            | None -> "mean_squared_error"

        let metrics =
            match kwargs |> List.tryFind (fst >> (=) "metrics") with
            | Some(_, Value.List items) ->
                items
                |> List.choose (function
                    | Value.String s -> Some s
                    | _ -> None)
            | _ -> defaultMetrics

        loss, metrics

    let private checkLengths (dims: int list) (funcs: string list) (what: string) =
        if dims.Length <> funcs.Length then
            raise (
                ModelDefinitionException(
                    $"The length (i.e. the number of network layers) of %s{what}_dim (%d{dims.Length}) and %s{what}_func (%d{funcs.Length}) must be equal."
                )
            )

    let private hidden (family: NetworkFamily) (encoding: (int * string) list) (decoding: (int * string) list) =
        match family with
        | NetworkFamily.FeedForward ->
            (encoding
             |> List.mapi (fun i (d, f) -> Layer.Dense(d, f, (if i = 0 then 0.0 else activityL1))))
            @ (decoding |> List.map (fun (d, f) -> Layer.Dense(d, f, 0.0)))
        | NetworkFamily.Lstm ->
            (encoding |> List.map (fun (d, f) -> Layer.Lstm(d, f, true)))
            @ (decoding
               |> List.mapi (fun i (d, f) -> Layer.Lstm(d, f, i <> decoding.Length - 1)))

    /// `feedforward_model` / `lstm_model` with explicit encoding/decoding layers.
    let model
        (family: NetworkFamily)
        classPath
        args
        features
        featuresOut
        (encDims, encFuncs)
        (decDims, decFuncs)
        : NetworkSpec =
        checkLengths encDims encFuncs "encoding"
        checkLengths decDims decFuncs "decoding"

        let outFunc =
            Args.string "out_func" [ "out_func", Args.orDefault classPath "out_func" args ]

        List.iter Activation.check (outFunc :: encFuncs @ decFuncs)

        let loss, metrics =
            match family with
            | NetworkFamily.FeedForward -> compileOf classPath args [ "accuracy" ]
            | NetworkFamily.Lstm -> compileOf classPath args []

        {
            Inputs = features
            Layers =
                hidden family (List.zip encDims encFuncs) (List.zip decDims decFuncs)
                @ [ Layer.Dense(featuresOut, outFunc, 0.0) ]
            Loss = loss
            Optimizer = optimizerOf classPath args
            Metrics = metrics
        }

    let private ints classPath name args =
        Args.floats name [ name, Args.orDefault classPath name args ] |> List.map int

    let private strings classPath name args =
        Args.strings name [ name, Args.orDefault classPath name args ]

    /// The family and registered factory a wrapper's `kind` names (a registered name or Gordo's dotted
    /// `module.function` path, spec §2.3); otherwise a ModelDefinitionException with Gordo's text.
    let resolve (classPath: string) (kind: string) : NetworkFamily * string =
        match NetworkKinds.resolve (classPath.Substring(classPath.LastIndexOf '.' + 1)) kind with
        | Result.Ok resolved -> resolved
        | Result.Error message -> raise (ModelDefinitionException message)

    /// Builds the network of a factory `kind` (`<family>_model`, `_symmetric`, `_hourglass`) for
    /// the given input/output widths.
    let build
        (classPath: string)
        (kind: string)
        (args: (string * Arg) list)
        (features: int)
        (featuresOut: int)
        : NetworkSpec =
        let get name = [ name, Args.orDefault classPath name args ]
        let family, factory = resolve classPath kind

        let symmetric (dims: int list) (funcs: string list) =
            if dims.IsEmpty then
                raise (ModelDefinitionException "Parameter dims must have len > 0")

            model family classPath args features featuresOut (dims, funcs) (List.rev dims, List.rev funcs)

        match factory.Substring(factory.IndexOf '_' + 1) with
        | "model" ->
            model
                family
                classPath
                args
                features
                featuresOut
                (ints classPath "encoding_dim" args, strings classPath "encoding_func" args)
                (ints classPath "decoding_dim" args, strings classPath "decoding_func" args)
        | "symmetric" -> symmetric (ints classPath "dims" args) (strings classPath "funcs" args)
        | _ ->
            let dims =
                hourglassDims
                    (Args.float "compression_factor" (get "compression_factor"))
                    (Args.int "encoding_layers" (get "encoding_layers"))
                    features

            symmetric dims (dims |> List.map (fun _ -> Args.string "func" (get "func")))
