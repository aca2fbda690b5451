namespace Gordo.Core.Config

open Gordo.Core
open Gordo.Core.Yaml

/// Project-level rules (spec §1.8): URL-safe names, the 63-char limits, the host rule, unique
/// machine names.
[<RequireQualifiedAccess>]
module internal Check =
    let private lowerOrDigit (c: char) =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')

    let private label (text: string) =
        text <> ""
        && lowerOrDigit text[0]
        && lowerOrDigit text[text.Length - 1]
        && text |> Seq.forall (fun c -> lowerOrDigit c || c = '-')

    /// Whether `name` is URL-safe as Gordo requires: dot-separated labels of lowercase letters,
    /// digits and inner hyphens (`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`,
    /// whose `$` also admits one final line feed). Checked by hand: a regex costs start-up time.
    let isUrlValue (name: string) : bool =
        let name =
            if name.EndsWith '\n' then
                name.Substring(0, name.Length - 1)
            else
                name

        name.Split '.' |> Array.forall label

    /// Problems with a name used in URLs and Kubernetes objects.
    let nameProblems (name: string) : Problem list = [
        if not (isUrlValue name) then
            Problem.InvalidName name
        if name.Length > 63 then
            Problem.NameTooLong(name, name.Length)
    ]

    /// The ML server host name of a machine.
    let host (project: string) (machine: string) : string =
        sprintf "gordoserver-%s-%s" project machine

    /// Problems with a machine's name, checked at its node.
    let machineName (project: string) (node: Node) (name: string) : Diagnostic list =
        let own = nameProblems name |> List.map (Problem.at node)
        let hostName = host project name

        let hostProblems =
            if own.IsEmpty && hostName.Length > 63 then
                [ Problem.at node (Problem.HostTooLong hostName) ]
            else
                []

        own @ hostProblems

    /// Problems with the project name (from the command line).
    let projectName (file: string) (name: string) : Diagnostic list =
        if isUrlValue name && name.Length <= 63 then
            []
        else
            [ Problem.inFile file (Problem.InvalidProjectName name) ]

    /// One error per machine whose name was already used by an earlier machine.
    let duplicates (named: (string * Node) list) : Diagnostic list =
        named
        |> List.groupBy fst
        |> List.collect (fun (name, group) ->
            match group with
            | (_, first) :: rest ->
                rest
                |> List.map (fun (_, node) -> Problem.at node (Problem.DuplicateMachine(name, first.Position.Line)))
            | [] -> [])
