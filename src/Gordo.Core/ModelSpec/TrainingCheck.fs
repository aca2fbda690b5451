namespace Gordo.Core.Specs

open Gordo.Core
open Gordo.Core.Yaml

/// Checks a network's training settings against the vocabulary the trainers implement: the
/// optimizer named by a string (with its `optimizer_kwargs`) and the loss of `compile_kwargs`.
[<RequireQualifiedAccess>]
module internal TrainingCheck =
    let private valueOf (entries: Entry list) (key: string) : Node option =
        entries |> List.tryFind (fun e -> e.Key = key) |> Option.map _.Value

    let private text (node: Node) : string option =
        match Value.ofNode node with
        | Value.String s -> Some s
        | _ -> None

    /// The optimizer a string names (`Adam`, `rmsprop`), or the diagnostic; other forms (a class
    /// mapping) are elaborated as model steps and give no entry here.
    let optimizer (node: Node) : Diagnostic list * VocabularyEntry option =
        match text node with
        | None -> [], None
        | Some name when name.Contains '.' -> [], None
        | Some name ->
            match Vocabulary.tryFind Vocabulary.optimizers name with
            | Some({ Support = Support.Implemented } as entry) -> [], Some entry
            | Some {
                       Support = Support.NotImplemented hint
                   } -> [ Problem.at node (Problem.UnknownOptimizer(name, Some hint)) ], None
            | None ->
                let suggestion = Suggest.closest (Vocabulary.spellings Vocabulary.optimizers) name

                let hint = suggestion |> Option.map (fun s -> $"did you mean '%s{s}'?")

                [ Problem.at node (Problem.UnknownOptimizer(name, hint)) ], None

    /// A `loss` value: a Keras loss name the trainers implement.
    let loss (node: Node) : Diagnostic list =
        let name = text node |> Option.defaultValue (Node.describe node)

        match Vocabulary.tryFind Vocabulary.losses name with
        | Some { Support = Support.Implemented } -> []
        | _ ->
            let suggestion = Suggest.closest (Vocabulary.spellings Vocabulary.losses) name
            [ Problem.at node (Problem.UnknownLoss(name, suggestion)) ]

    /// `optimizer_kwargs` against the named optimizer's Keras parameters (`lr` is Keras 2's name
    /// of `learning_rate`, which the trainers still read).
    let private kwargs (entry: VocabularyEntry) (node: Node) : Diagnostic list =
        let path = Vocabulary.optimizerPath entry

        match Catalog.tryFind path, node.Value with
        | Some catalogEntry, NodeValue.Mapping entries ->
            entries
            |> List.collect (fun e ->
                let at problem = [ Problem.at e.Value problem ]

                match Catalog.tryParameter catalogEntry e.Key with
                | _ when e.Key = "lr" -> []
                | Some spec when not (ParameterCheck.fits spec.Type (Value.ofNode e.Value)) ->
                    let found = ParameterCheck.describeValue (Value.ofNode e.Value)
                    at (Problem.ModelParameterType(path, e.Key, ParameterCheck.describeType spec.Type, found))
                | Some _ -> []
                | None ->
                    let names = catalogEntry.Parameters |> List.map _.Name
                    at (Problem.UnknownModelParameter(path, e.Key, Suggest.closest names e.Key)))
        | _ -> []

    /// The training settings of a Keras wrapper's parameters.
    let wrapper (entries: Entry list) : Diagnostic list =
        let optimizerProblems, named =
            match valueOf entries "optimizer" with
            | Some node -> optimizer node
            | None -> [], Vocabulary.tryFind Vocabulary.optimizers "Adam"

        let kwargsProblems =
            match named, valueOf entries "optimizer_kwargs" with
            | Some entry, Some node -> kwargs entry node
            | _ -> []

        let lossProblems =
            match valueOf entries "compile_kwargs" |> Option.map _.Value with
            | Some(NodeValue.Mapping compile) -> valueOf compile "loss" |> Option.map loss |> Option.defaultValue []
            | _ -> []

        optimizerProblems @ kwargsProblems @ lossProblems
