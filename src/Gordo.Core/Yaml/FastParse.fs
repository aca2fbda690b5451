namespace Gordo.Core.Yaml

open System.Collections.Generic
open System.Text
open Gordo.Core

/// A fast reader for block-structured YAML, the shape of Gordo configs and workflow templates:
/// block mappings and sequences indented with spaces, plain, quoted and literal (`|`, `|-`)
/// scalars, one-line flow collections, comments and `---` between documents. It gives up (None)
/// on anything else (anchors, aliases, tags, merge keys, folded or multi-line scalars, tabs or CR
/// in the structure, duplicate keys, limits exceeded, any error), and the caller reads such text
/// with YamlDotNet, which also reports the errors. On the subset it reads, the tree equals the
/// one `Parse` builds from YamlDotNet's events, positions and paths included (tests compare them).
[<RequireQualifiedAccess>]
module internal FastParse =

    /// What a read needs besides the text.
    type Settings = {
        /// Maps the text's (line, column) to a file position.
        Map: PositionMap
        /// Whether nodes get their YAML paths (the workflow lint does not need them).
        Paths: bool
        /// Nesting and size limits; exceeding them gives up (the full parser reports them).
        Limits: ParseLimits
    }

    type private Reader(text: string, settings: Settings) =
        /// Start of the current line (text.Length at the end) and its 1-based number.
        let mutable line = 0
        let mutable lineNo = 1
        let mutable count = 0

        let lineEnd (start: int) =
            let i = text.IndexOf('\n', start)
            if i < 0 then text.Length else i

        let charAt (i: int) =
            if i < text.Length then text[i] else '\n'

        /// `-` followed by space or end of line at `i`: a block sequence entry.
        let isDash (i: int) =
            text[i] = '-' && (charAt (i + 1) = ' ' || charAt (i + 1) = '\n')

        /// The rest of the line from `i` is spaces and maybe a comment (after a space).
        let restIsBlank (i: int) (e: int) =
            let j = FastScalars.skipSpaces text i e
            j = e || (text[j] = '#' && j > 0 && text[j - 1] = ' ')

        let child (path: string) (key: string) =
            if settings.Paths then Node.childPath path key else ""

        let item (path: string) (index: int) =
            if settings.Paths then Node.itemPath path index else ""

        /// The position of index `p` of the current line.
        let at (p: int) : Position = settings.Map lineNo (p - line + 1)

        let nodeAt (value: NodeValue) (position: Position) (path: string) : Node =
            count <- count + 1

            if count > settings.Limits.MaxNodes then
                FastScalars.unsupported ()

            {
                Value = value
                Position = position
                Path = path
            }

        /// A node at index `p` of the current line.
        let node (value: NodeValue) (p: int) (path: string) : Node = nodeAt value (at p) path

        let scalar (value: string) (style: ScalarStyle) (p: int) (path: string) =
            node (NodeValue.Scalar(value, style)) p path

        let enter (depth: int) =
            if depth >= settings.Limits.MaxDepth then
                FastScalars.unsupported ()

        member _.AtEnd = line >= text.Length

        member _.NextLine() =
            let e = lineEnd line
            line <- if e < text.Length then e + 1 else text.Length
            lineNo <- lineNo + 1

        /// Skips empty, space-only and comment lines.
        member this.SkipBlank() =
            let mutable go = true

            while go && line < text.Length do
                let i = FastScalars.skipSpaces text line text.Length

                match charAt i with
                | '\n'
                | '#' -> this.NextLine()
                | '\t' -> FastScalars.unsupported ()
                | _ -> go <- false

        /// The current line is `---` (maybe followed by spaces); other markers are unsupported.
        member _.AtMarker() =
            let starts (m: string) =
                line + 3 <= text.Length
                && System.String.CompareOrdinal(text, line, m, 0, 3) = 0
                && (charAt (line + 3) = ' ' || charAt (line + 3) = '\n')

            if starts "..." then
                FastScalars.unsupported ()
            elif starts "---" then
                let e = lineEnd line

                if FastScalars.skipSpaces text (line + 3) e = e then
                    true
                else
                    FastScalars.unsupported ()
            else
                false

        /// The current line's indentation (after SkipBlank).
        member _.Indent = FastScalars.skipSpaces text line text.Length - line

        /// A key at `p` (plain or quoted, followed by `:` and a space or the end of the line):
        /// the key and the index after the colon, or None when the line is not a mapping entry.
        member _.TryKey(p: int, e: int) : struct (string * int) voption =
            match text[p] with
            | '"'
            | '\'' ->
                let key, after =
                    if text[p] = '"' then
                        FastScalars.doubleQuoted text p e
                    else
                        FastScalars.singleQuoted text p e

                let colon = FastScalars.skipSpaces text after e

                if colon < e && text[colon] = ':' && (colon + 1 = e || text[colon + 1] = ' ') then
                    if colon - p > 1000 then
                        FastScalars.unsupported ()

                    ValueSome(struct (key, colon + 1))
                else
                    ValueNone
            | c when not (FastScalars.plainStart c (charAt (p + 1))) -> ValueNone
            | _ ->
                let mutable i = p
                let mutable found = -1

                while found < 0 && i < e do
                    match text[i] with
                    | ':' when i + 1 = e || text[i + 1] = ' ' -> found <- i
                    | '#' when text[i - 1] = ' ' -> i <- e
                    | '\t' -> FastScalars.unsupported ()
                    | _ -> i <- i + 1

                if found < 0 then
                    ValueNone
                elif found - p > 1000 then
                    FastScalars.unsupported ()
                else
                    ValueSome(struct (text.Substring(p, found - p).TrimEnd(' '), found + 1))

        /// A flow node (scalar, `[...]` or `{...}`) at `p` on the current line: node and the index after it.
        member this.Flow(p: int, e: int, path: string, depth: int) : struct (Node * int) =
            match text[p] with
            | '"' ->
                let value, after = FastScalars.doubleQuoted text p e
                struct (scalar value ScalarStyle.Quoted p path, after)
            | '\'' ->
                let value, after = FastScalars.singleQuoted text p e
                struct (scalar value ScalarStyle.Quoted p path, after)
            | '[' -> this.FlowSequence(p, e, path, depth)
            | '{' -> this.FlowMapping(p, e, path, depth)
            | _ ->
                let value, after = FastScalars.flowPlain text p e

                if value = "" then
                    FastScalars.unsupported ()

                struct (scalar value ScalarStyle.Plain p path, after)

        member this.FlowSequence(p: int, e: int, path: string, depth: int) : struct (Node * int) =
            enter depth
            let items = List<Node>()

            let after =
                FastScalars.flowEntries text p e ']' (fun i ->
                    let struct (n, after) = this.Flow(i, e, item path items.Count, depth + 1)
                    items.Add n
                    after)

            struct (node (NodeValue.Sequence(List.ofSeq items)) p path, after)

        member this.FlowMapping(p: int, e: int, path: string, depth: int) : struct (Node * int) =
            enter depth
            let entries = EntryList()

            let after =
                FastScalars.flowEntries text p e '}' (fun i ->
                    let key, afterKey = FastScalars.flowKey text i e
                    let valueStart = FastScalars.skipSpaces text afterKey e

                    if valueStart >= e then
                        FastScalars.unsupported ()

                    let keyPosition = at i
                    let struct (value, after) = this.Flow(valueStart, e, child path key, depth + 1)
                    this.Add(entries, key, keyPosition, value)
                    after)

            struct (node (NodeValue.Mapping(List.ofSeq entries)) p path, after)

        /// Adds a mapping entry; duplicate and merge keys are left to the full parser.
        member _.Add(entries: EntryList, key: string, keyPosition: Position, value: Node) =
            if key = "<<" || entries.IndexOfKey key >= 0 then
                FastScalars.unsupported ()

            entries.Append {
                Key = key
                KeyPosition = keyPosition
                Value = value
            }

        /// A literal block scalar whose header `|` or `|-` is at `p`; content lines follow, more
        /// indented than `parent`.
        member this.BlockScalar(p: int, e: int, parent: int, path: string) : Node =
            let strip =
                match e - p with
                | 1 -> false
                | 2 when text[p + 1] = '-' -> true
                | _ -> FastScalars.unsupported ()

            if parent < 0 then
                FastScalars.unsupported ()

            let position = at p
            this.NextLine()
            nodeAt (NodeValue.Scalar(this.BlockLines(parent, strip), ScalarStyle.Quoted)) position path

        /// The content lines of a literal block scalar (more indented than `parent`), joined.
        member this.BlockLines(parent: int, strip: bool) : string =
            let mutable width = -1
            let mutable maxBlank = 0
            // Content lines as (line breaks before, start, length).
            let lines = List<struct (int * int * int)>()
            let mutable pendingBreaks = 0
            let mutable go = true

            while go && line < text.Length do
                let le = lineEnd line
                let i = FastScalars.skipSpaces text line le
                let indent = i - line

                if i = le then
                    maxBlank <- max maxBlank indent
                    pendingBreaks <- pendingBreaks + 1
                    this.NextLine()
                else
                    if width < 0 && indent > parent then
                        width <- indent

                    if width < 0 || indent < width then
                        go <- false
                    else
                        if text[i] = '\t' then
                            FastScalars.unsupported ()

                        let breaks = (if lines.Count > 0 then 1 else 0) + pendingBreaks
                        lines.Add(struct (breaks, line + width, le - line - width))
                        pendingBreaks <- 0
                        this.NextLine()

            if maxBlank > max width 0 then
                FastScalars.unsupported ()

            let sb = StringBuilder()

            for struct (breaks, start, length) in lines do
                sb.Append('\n', breaks).Append(text, start, length) |> ignore

            // Clipping keeps the last content line's break, if the text has one.
            let lastBroken =
                lines.Count > 0
                && (let struct (_, start, length) = lines[lines.Count - 1] in start + length < text.Length)

            if lastBroken && not strip then
                sb.Append '\n' |> ignore

            sb.ToString()

        /// A scalar or flow collection at `p` that must end its line; the line is consumed.
        member this.InlineScalar(p: int, e: int, parent: int, path: string, depth: int) : Node =
            let finish (struct (n: Node, after: int)) =
                if not (restIsBlank after e) then
                    FastScalars.unsupported ()

                this.NextLine()
                n

            match text[p] with
            | '"'
            | '\''
            | '['
            | '{' -> finish (this.Flow(p, e, path, depth))
            | '|' -> this.BlockScalar(p, e, parent, path)
            | c when not (FastScalars.plainStart c (charAt (p + 1))) -> FastScalars.unsupported ()
            | _ ->
                let mutable i = p

                while i < e && not (text[i] = '#' && text[i - 1] = ' ') do
                    match text[i] with
                    | '\t' -> FastScalars.unsupported ()
                    | ':' when i + 1 = e || text[i + 1] = ' ' -> FastScalars.unsupported ()
                    | _ -> i <- i + 1

                finish (struct (scalar (text.Substring(p, i - p).TrimEnd(' ')) ScalarStyle.Plain p path, i))

        /// The value of an entry whose indicator (`key:` or `-`) ended at `after` on the current
        /// line, the entry's collection being at column `col`; `compact` admits a sequence at `col`.
        /// Nothing written gives an empty plain scalar right after the indicator, as YamlDotNet does.
        member this.EntryValue(after: int, col: int, compact: bool, inlineCollections: bool, path, depth) : Node =
            let e = lineEnd line
            let p = FastScalars.skipSpaces text after e

            if p < e && text[p] <> '#' then
                if inlineCollections then
                    this.Inline(p, e, col, path, depth)
                else
                    this.InlineScalar(p, e, col, path, depth)
            else
                let emptyAt = at after

                let empty () =
                    nodeAt (NodeValue.Scalar("", ScalarStyle.Plain)) emptyAt path

                this.NextLine()
                this.SkipBlank()

                if this.AtEnd || this.AtMarker() then
                    empty ()
                else
                    let indent = this.Indent

                    if indent > col then
                        this.Block(col, path, depth)
                    elif compact && indent = col && isDash (line + col) then
                        this.Sequence(col, line + col, path, depth)
                    else
                        empty ()

        /// A node starting at `p` in the middle of a line (after `- `).
        member this.Inline(p: int, e: int, parent: int, path: string, depth: int) : Node =
            let col = p - line

            if isDash p then
                this.Sequence(col, p, path, depth)
            else
                match this.TryKey(p, e) with
                | ValueSome(struct (key, after)) -> this.Mapping(col, key, after, path, depth)
                | ValueNone -> this.InlineScalar(p, e, parent, path, depth)

        /// A block node starting on the current line (indented more than `parent`).
        member this.Block(parent: int, path: string, depth: int) : Node =
            let p = line + this.Indent
            this.Inline(p, lineEnd line, parent, path, depth)

        /// Continues a collection at column `col`: true when the next line is its next entry.
        member this.Continues(col: int) : bool =
            this.SkipBlank()

            if this.AtEnd || this.AtMarker() then
                false
            else
                let indent = this.Indent

                if indent > col then
                    FastScalars.unsupported ()

                indent = col

        /// A block sequence at column `col` whose first `-` is at `p` on the current line.
        member this.Sequence(col: int, p: int, path: string, depth: int) : Node =
            enter depth
            let position = at p
            // Builds the F# list in place: long sequences (the machines) skip a growing buffer.
            let mutable items = Microsoft.FSharp.Core.CompilerServices.ListCollector<Node>()
            let mutable index = 0
            let mutable dash = p
            let mutable go = true

            while go do
                items.Add(this.EntryValue(dash + 1, col, false, true, item path index, depth + 1))
                index <- index + 1

                if this.Continues col && isDash (line + col) then
                    dash <- line + col
                else
                    go <- false

            nodeAt (NodeValue.Sequence(items.Close())) position path

        /// A block mapping at column `col` whose first key (ending at `after`) is on the current line.
        member this.Mapping(col: int, firstKey: string, firstAfter: int, path: string, depth: int) : Node =
            enter depth
            let position = at (line + col)
            let entries = EntryList()
            let mutable key = firstKey
            let mutable after = firstAfter
            let mutable go = true

            while go do
                let keyPosition = at (line + col)
                let value = this.EntryValue(after, col, true, false, child path key, depth + 1)
                this.Add(entries, key, keyPosition, value)

                if this.Continues col && not (isDash (line + col)) then
                    match this.TryKey(line + col, lineEnd line) with
                    | ValueSome(struct (k, a)) ->
                        key <- k
                        after <- a
                    | ValueNone -> FastScalars.unsupported ()
                else
                    go <- false

            nodeAt (NodeValue.Mapping(List.ofSeq entries)) position path

        /// Every document of the stream (None for an empty one).
        member this.Documents() : Node option list =
            let docs = List<Node option>()
            this.SkipBlank()
            let mutable go = not this.AtEnd

            while go do
                if this.AtMarker() then
                    this.NextLine()
                    this.SkipBlank()

                if this.AtEnd || this.AtMarker() then
                    docs.Add None
                else
                    docs.Add(Some(this.Block(-1, "", 0)))
                    this.SkipBlank()

                if this.AtEnd then
                    go <- false
                elif not (this.AtMarker()) then
                    FastScalars.unsupported ()

            List.ofSeq docs

    /// The documents of a YAML stream (None for an empty document), or None when the text leaves
    /// the subset this reader handles.
    let tryDocuments (settings: Settings) (text: string) : Node option list option =
        if FastScalars.readable text then
            try
                Some(Reader(text, settings).Documents())
            with FastUnsupported ->
                None
        else
            None
