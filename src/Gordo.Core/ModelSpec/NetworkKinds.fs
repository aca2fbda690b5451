namespace Gordo.Core.Specs

/// The two families of Gordo's network factories (spec §2.4, §2.5).
[<RequireQualifiedAccess>]
type NetworkFamily =
    /// `feedforward_*`, registered for KerasAutoEncoder.
    | FeedForward
    /// `lstm_*`, registered for KerasLSTMAutoEncoder and KerasLSTMForecast.
    | Lstm

/// Gordo's factory registry (spec §2.3): a Keras wrapper's `kind` is a factory name registered for
/// the wrapper's type, or a dotted `module.function` path to one of Gordo's factory functions.
[<RequireQualifiedAccess>]
module NetworkKinds =
    /// The registered factory names of a family.
    let names (family: NetworkFamily) : string list =
        match family with
        | NetworkFamily.FeedForward -> [ "feedforward_model"; "feedforward_symmetric"; "feedforward_hourglass" ]
        | NetworkFamily.Lstm -> [ "lstm_model"; "lstm_symmetric"; "lstm_hourglass" ]

    /// Gordo's modules a dotted kind may name, each with the factory functions it defines.
    let modules: (string * string list) list = [
        "gordo.machine.model.factories.feedforward_autoencoder", names NetworkFamily.FeedForward
        "gordo.machine.model.factories.lstm_autoencoder", names NetworkFamily.Lstm
        "gordo.machine.model.factories", []
        "gordo.machine.model.factories.utils", []
    ]

    /// The family a wrapper class (`KerasAutoEncoder`, `KerasLSTMForecast`, ...) builds, if it
    /// takes a factory kind.
    let familyOfType (typeName: string) : NetworkFamily option =
        match typeName with
        | "KerasAutoEncoder" -> Some NetworkFamily.FeedForward
        | "KerasLSTMAutoEncoder"
        | "KerasLSTMForecast" -> Some NetworkFamily.Lstm
        | _ -> None

    /// The family of a registered factory name.
    let familyOf (name: string) : NetworkFamily option =
        [ NetworkFamily.FeedForward; NetworkFamily.Lstm ]
        |> List.tryFind (fun f -> List.contains name (names f))

    /// What to write instead, for messages.
    let private hint (family: NetworkFamily) : string =
        let registered = names family
        let dotted = modules |> List.find (snd >> (=) registered) |> fst
        let listed = String.concat ", " registered
        $"; use one of %s{listed} or %s{dotted}.<one of them>"

    let private dotted (typeName: string) (family: NetworkFamily) (kind: string) (dot: int) =
        let moduleName, functionName = kind.Substring(0, dot), kind.Substring(dot + 1)

        match List.tryFind (fst >> (=) moduleName) modules with
        | None -> Error $"kind: %s{kind}, unable to find module: '%s{moduleName}'"
        | Some(_, functions) when not (List.contains functionName functions) ->
            Error $"kind: %s{kind}, unable to find class %s{functionName} in module '%s{moduleName}'"
        | Some _ when familyOf functionName <> Some family ->
            Error $"kind: %s{kind} builds another kind of network than %s{typeName} trains"
        | Some _ -> Ok(family, functionName)

    /// Resolves the `kind` of wrapper `typeName` to its family and registered factory name, or
    /// gives Gordo's error text (with what to write instead).
    let resolve (typeName: string) (kind: string) : Result<NetworkFamily * string, string> =
        match familyOfType typeName with
        | None -> Error $"%s{typeName} takes no factory kind"
        | Some family ->
            let result =
                match kind.LastIndexOf '.' with
                | -1 when List.contains kind (names family) -> Ok(family, kind)
                | -1 -> Error $"kind: %s{kind} is not an available model for type: %s{typeName}!"
                | dot -> dotted typeName family kind dot

            result |> Result.mapError (fun message -> message + hint family)
