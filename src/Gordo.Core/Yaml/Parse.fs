namespace Gordo.Core.Yaml

open System.Collections.Generic
open System.IO
open Gordo.Core
open YamlDotNet.Core
open YamlDotNet.Core.Events

exception private ParseStopped of Diagnostic

/// Builds a positioned tree from YamlDotNet's event stream.
[<RequireQualifiedAccess>]
module Parse =
    /// Default limits: far beyond any real config, small enough to answer in well under a second.
    let defaultLimits: ParseLimits = { MaxDepth = 256; MaxNodes = 2_000_000 }

    type private State = {
        Parser: IParser
        Map: PositionMap
        Limits: ParseLimits
        Anchors: Dictionary<string, Node * int>
        mutable Count: int
        mutable LastMark: Mark
        CheckTimestamps: bool
        Warnings: List<Diagnostic>
    }

    let private stop (state: State) (mark: Mark) (path: string) (problem: Problem) =
        raise (ParseStopped(Problem.atPosition (state.Map (int mark.Line) (int mark.Column)) path problem))

    let private count (state: State) (mark: Mark) (path: string) (size: int) =
        state.Count <- state.Count + size

        if state.Count > state.Limits.MaxNodes then
            stop state mark path (Problem.TooManyNodes state.Limits.MaxNodes)

    let private remember (state: State) (anchor: AnchorName) (node: Node) (size: int) =
        if not anchor.IsEmpty then
            state.Anchors.[anchor.Value] <- (node, size)

    /// The warning for an unquoted timestamp without a timezone, if `text` is one.
    let private timestampWarning
        (position: Position)
        (path: string)
        (text: string)
        (style: Gordo.Core.Yaml.ScalarStyle)
        =
        if
            style = Gordo.Core.Yaml.ScalarStyle.Plain
            && text.Length >= 10
            && System.Char.IsDigit text.[0]
        then
            match Scalar.resolve text style with
            | Scalar.Timestamp(text, false) ->
                Some(Problem.atPosition position path (Problem.MissingTimezoneInYaml text))
            | _ -> None
        else
            None

    let private scalarNode (state: State) (path: string) (scalar: Scalar) =
        let style =
            if scalar.IsPlainImplicit && scalar.Style = YamlDotNet.Core.ScalarStyle.Plain then
                Gordo.Core.Yaml.ScalarStyle.Plain
            else
                Gordo.Core.Yaml.ScalarStyle.Quoted

        let position = state.Map (int scalar.Start.Line) (int scalar.Start.Column)

        if state.CheckTimestamps then
            timestampWarning position path scalar.Value style
            |> Option.iter state.Warnings.Add

        {
            Value = NodeValue.Scalar(scalar.Value, style)
            Position = position
            Path = path
        }

    let rec private parseNode (state: State) (path: string) (depth: int) : Node * int =
        let event = state.Parser.Current
        state.LastMark <- event.Start
        state.Parser.MoveNext() |> ignore

        match event with
        | :? Scalar as scalar ->
            count state scalar.Start path 1
            let node = scalarNode state path scalar
            remember state scalar.Anchor node 1
            node, 1
        | :? AnchorAlias as alias ->
            match state.Anchors.TryGetValue alias.Value.Value with
            | true, (node, size) ->
                count state alias.Start path size
                node, size
            | _ -> stop state alias.Start path (Problem.YamlSyntax(sprintf "unknown alias *%s" alias.Value.Value))
        | :? SequenceStart as start -> parseSequence state path depth start
        | :? MappingStart as start -> parseMapping state path depth start
        | other -> stop state other.Start path (Problem.YamlSyntax(sprintf "unexpected %s" (other.GetType().Name)))

    and private enter (state: State) (mark: Mark) (path: string) (depth: int) =
        if depth >= state.Limits.MaxDepth then
            stop state mark path (Problem.TooDeep state.Limits.MaxDepth)

        count state mark path 1

    and private parseSequence (state: State) (path: string) (depth: int) (start: SequenceStart) =
        enter state start.Start path depth
        let items = List<Node>()
        let mutable size = 1

        while not (state.Parser.Current :? SequenceEnd) do
            let item, itemSize = parseNode state (Node.itemPath path items.Count) (depth + 1)
            items.Add item
            size <- size + itemSize

        state.Parser.MoveNext() |> ignore
        let position = state.Map (int start.Start.Line) (int start.Start.Column)

        let node = {
            Value = NodeValue.Sequence(List.ofSeq items)
            Position = position
            Path = path
        }

        remember state start.Anchor node size
        node, size

    and private parseMapping (state: State) (path: string) (depth: int) (start: MappingStart) =
        enter state start.Start path depth
        let entries = EntryList()
        let mutable size = 1

        while not (state.Parser.Current :? MappingEnd) do
            let keyEvent = state.Parser.Current

            match keyEvent with
            | :? Scalar as key ->
                state.Parser.MoveNext() |> ignore
                let keyPosition = state.Map (int key.Start.Line) (int key.Start.Column)
                let value, valueSize = parseNode state (Node.childPath path key.Value) (depth + 1)
                size <- size + valueSize

                match entries.IndexOfKey key.Value with
                | -1 ->
                    entries.Append {
                        Key = key.Value
                        KeyPosition = keyPosition
                        Value = value
                    }
                | seen ->
                    let line = entries.[seen].KeyPosition.Line
                    stop state key.Start (Node.childPath path key.Value) (Problem.DuplicateKey(key.Value, line))
            | other -> stop state other.Start path Problem.ComplexKey

        state.Parser.MoveNext() |> ignore
        let position = state.Map (int start.Start.Line) (int start.Start.Column)

        let node = {
            Value = NodeValue.Mapping(mergeKeys entries)
            Position = position
            Path = path
        }

        remember state start.Anchor node size
        node, size

    /// YAML merge keys (`<<: *base`): the merged mapping's entries fill keys not written here.
    and private mergeKeys (entries: List<Entry>) : Entry list =
        if entries.Exists(fun e -> e.Key = "<<") then
            withMergedKeys entries
        else
            List.ofSeq entries

    and private withMergedKeys (entries: List<Entry>) : Entry list =
        let own = entries |> Seq.filter (fun e -> e.Key <> "<<") |> List.ofSeq

        let merged =
            entries
            |> Seq.filter (fun e -> e.Key = "<<")
            |> Seq.collect (fun e ->
                match e.Value.Value with
                | NodeValue.Mapping inner -> inner
                | NodeValue.Sequence items -> items |> List.collect (fun n -> Node.entries n |> Option.defaultValue [])
                | NodeValue.Scalar _ -> [])
            |> Seq.filter (fun m -> own |> List.forall (fun e -> e.Key <> m.Key))
            |> Seq.distinctBy _.Key
            |> List.ofSeq

        own @ merged

    let private readDocument (state: State) (file: string) : Node option =
        state.Parser.Consume<StreamStart>() |> ignore
        let mutable streamEnd = Unchecked.defaultof<StreamEnd>

        if state.Parser.Accept<StreamEnd>(&streamEnd) then
            None
        else
            state.Parser.Consume<DocumentStart>() |> ignore
            let root, _ = parseNode state "" 0
            state.Parser.Consume<DocumentEnd>() |> ignore

            if not (state.Parser.Accept<StreamEnd>(&streamEnd)) then
                raise (ParseStopped(Problem.inFile file Problem.MultipleDocuments))

            Some root

    /// The timestamp warnings of a tree read by the fast reader, in document order.
    let private timestampWarnings (root: Node) : Diagnostic list =
        let warnings = List<Diagnostic>()

        let rec walk (node: Node) =
            match node.Value with
            | NodeValue.Scalar(text, style) ->
                timestampWarning node.Position node.Path text style |> Option.iter warnings.Add
            | NodeValue.Sequence items -> List.iter walk items
            | NodeValue.Mapping entries -> entries |> List.iter (fun e -> walk e.Value)

        walk root
        List.ofSeq warnings

    /// The fast reader's tree of a single non-empty document in its subset, or None.
    let private tryFast (map: PositionMap) (limits: ParseLimits) (source: string) : Node option =
        let settings: FastParse.Settings = {
            Map = map
            Paths = true
            Limits = limits
        }

        match FastParse.tryDocuments settings source with
        | Some [ Some root ] -> Some root
        | _ -> None

    /// Parses YAML text with YamlDotNet alone (see `text`).
    let internal full
        (file: string)
        (map: PositionMap)
        (limits: ParseLimits)
        (checkTimestamps: bool)
        (source: string)
        : Result<Node option * Diagnostic list, Diagnostic> =
        let state = {
            Parser = Parser(new StringReader(source))
            Map = map
            Limits = limits
            Anchors = Dictionary()
            Count = 0
            LastMark = Mark.Empty
            CheckTimestamps = checkTimestamps
            Warnings = List()
        }

        try
            let root = readDocument state file
            Ok(root, List.ofSeq state.Warnings)
        with
        | ParseStopped diagnostic -> Error diagnostic
        | :? YamlException as e ->
            let message = e.Message.Substring(e.Message.IndexOf(':') + 1).Trim()
            let message = if message = "" then e.Message else message
            Error(Problem.atPosition (map (int e.Start.Line) (int e.Start.Column)) "" (Problem.YamlSyntax message))
        | :? System.InvalidOperationException
        | :? System.ArgumentException ->
            // YamlDotNet's scanner gives up on some malformed input without a YamlException.
            let mark = state.LastMark

            let problem =
                Problem.YamlSyntax "malformed YAML after this point (an unclosed bracket or quote?)"

            Error(Problem.atPosition (map (max 1 (int mark.Line)) (max 1 (int mark.Column))) "" problem)

    /// Parses YAML text into a positioned tree, or the diagnostic that stopped it. The second
    /// part of the result holds warnings-or-errors found on the way (unquoted timestamps without
    /// timezone when `checkTimestamps` is set). Block-structured text is read by the fast reader;
    /// anything else (and every error) by YamlDotNet.
    let text
        (file: string)
        (map: PositionMap)
        (limits: ParseLimits)
        (checkTimestamps: bool)
        (source: string)
        : Result<Node option * Diagnostic list, Diagnostic> =
        match tryFast map limits source with
        | Some root -> Ok(Some root, (if checkTimestamps then timestampWarnings root else []))
        | None -> full file map limits checkTimestamps source

    /// The documents of a multi-document YAML stream (None for an empty document) read by the
    /// fast block-YAML reader, without positions or paths; None when the text leaves the
    /// reader's subset (anchors, tags, folded scalars, errors...), which callers then read with
    /// YamlDotNet. The workflow lint's reader of generated manifests.
    let tryBlockDocuments (text: string) : Node option list option =
        let settings: FastParse.Settings = {
            Map = fun _ _ -> Position.none
            Paths = false
            Limits = {
                MaxDepth = 256
                MaxNodes = System.Int32.MaxValue
            }
        }

        FastParse.tryDocuments settings text

    /// The identity position map for a whole file.
    let fileMap (file: string) : PositionMap =
        fun line column -> {
            File = file
            Line = line
            Column = column
        }
