namespace Gordo.Core.Workflow

open System.Text
open System.Text.Json.Nodes

/// A fast reader for the block-structured YAML that workflow templates produce: block mappings and
/// sequences indented with spaces, plain, quoted and literal (`|`, `|-`) scalars, one-line flow
/// collections, comments and `---` between documents. It gives up (returns None) on anything else
/// (anchors, tags, folded or multi-line flow scalars, tabs or CR in the structure, duplicate keys,
/// any error), and the caller reads such text with the full parser. On the subset it reads, the
/// result equals the full parser's (tests compare the two).
[<RequireQualifiedAccess>]
module YamlFast =

    type private Reader(text: string) =
        /// Start of the current line (text.Length at the end).
        let mutable line = 0

        let lineEnd (start: int) =
            let i = text.IndexOf('\n', start)
            if i < 0 then text.Length else i

        let nextLine (start: int) =
            let e = lineEnd start
            if e < text.Length then e + 1 else text.Length

        let indentOf (start: int) =
            YamlFastScalars.skipSpaces text start text.Length - start

        let charAt (i: int) =
            if i < text.Length then text[i] else '\n'

        /// `-` followed by space or end of line at `i`: a block sequence entry.
        let isDash (i: int) =
            text[i] = '-' && (charAt (i + 1) = ' ' || charAt (i + 1) = '\n')

        /// The rest of the line from `i` is spaces and maybe a comment (after a space).
        let restIsBlank (i: int) (e: int) =
            let j = YamlFastScalars.skipSpaces text i e
            j = e || (text[j] = '#' && j > 0 && text[j - 1] = ' ')

        member _.AtEnd = line >= text.Length

        /// Skips empty, space-only and comment lines.
        member _.SkipBlank() =
            let mutable go = true

            while go && line < text.Length do
                let i = YamlFastScalars.skipSpaces text line text.Length

                match charAt i with
                | '\n' -> line <- nextLine line
                | '#' -> line <- nextLine line
                | '\t' -> YamlFastScalars.unsupported ()
                | _ -> go <- false

        /// The current line is `---` (maybe followed by spaces); other markers are unsupported.
        member _.AtMarker() =
            let starts (m: string) =
                line + 3 <= text.Length
                && System.String.CompareOrdinal(text, line, m, 0, 3) = 0
                && (charAt (line + 3) = ' ' || charAt (line + 3) = '\n')

            if starts "..." then
                YamlFastScalars.unsupported ()
            elif starts "---" then
                let e = lineEnd line

                if YamlFastScalars.skipSpaces text (line + 3) e = e then
                    true
                else
                    YamlFastScalars.unsupported ()
            else
                false

        member _.SkipLine() = line <- nextLine line

        /// The current line's indentation (after SkipBlank).
        member _.Indent = indentOf line

        /// A key at `p` (plain or quoted, followed by `:` and a space or the end of the line):
        /// the key and the index after the colon, or None when the line is not a mapping entry.
        member _.TryKey(p: int, e: int) : struct (string * int) voption =
            match text[p] with
            | '"'
            | '\'' ->
                let key, after =
                    if text[p] = '"' then
                        YamlFastScalars.doubleQuoted text p e
                    else
                        YamlFastScalars.singleQuoted text p e

                let colon = YamlFastScalars.skipSpaces text after e

                if colon < e && text[colon] = ':' && (colon + 1 = e || text[colon + 1] = ' ') then
                    if colon - p > 1000 then
                        YamlFastScalars.unsupported ()

                    ValueSome(struct (key, colon + 1))
                else
                    ValueNone
            | c when not (YamlFastScalars.plainStart c (charAt (p + 1))) -> ValueNone
            | _ ->
                let mutable i = p
                let mutable found = -1

                while found < 0 && i < e do
                    match text[i] with
                    | ':' when i + 1 = e || text[i + 1] = ' ' -> found <- i
                    | '#' when text[i - 1] = ' ' -> i <- e
                    | '\t' -> YamlFastScalars.unsupported ()
                    | _ -> i <- i + 1

                if found < 0 then
                    ValueNone
                elif found - p > 1000 then
                    YamlFastScalars.unsupported ()
                else
                    ValueSome(struct (text.Substring(p, found - p).TrimEnd(' '), found + 1))

        /// A literal block scalar whose header `|` or `|-` is at `p`; content lines follow, more
        /// indented than `parent`.
        member this.BlockScalar(p: int, e: int, parent: int) : JsonNode =
            let strip =
                match e - p with
                | 1 -> false
                | 2 when text[p + 1] = '-' -> true
                | _ -> YamlFastScalars.unsupported ()

            if parent < 0 then
                YamlFastScalars.unsupported ()

            this.SkipLine()
            let mutable width = -1
            let mutable maxBlank = 0
            // Content lines as (line breaks before, start, length).
            let lines = ResizeArray<struct (int * int * int)>()
            let mutable total = 0
            let mutable pendingBreaks = 0
            let mutable go = true

            while go && line < text.Length do
                let le = lineEnd line
                let i = YamlFastScalars.skipSpaces text line le
                let indent = i - line

                if i = le then
                    maxBlank <- max maxBlank indent
                    pendingBreaks <- pendingBreaks + 1
                    line <- nextLine line
                else
                    if width < 0 && indent > parent then
                        width <- indent

                    if width < 0 || indent < width then
                        go <- false
                    else
                        if text[i] = '\t' then
                            YamlFastScalars.unsupported ()

                        let breaks = (if lines.Count > 0 then 1 else 0) + pendingBreaks
                        lines.Add(struct (breaks, line + width, le - line - width))
                        total <- total + breaks + le - line - width
                        pendingBreaks <- 0
                        line <- nextLine line

            if maxBlank > max width 0 then
                YamlFastScalars.unsupported ()

            let sb = StringBuilder(total + 1)

            for struct (breaks, start, length) in lines do
                sb.Append('\n', breaks).Append(text, start, length) |> ignore

            if lines.Count > 0 && not strip then
                sb.Append '\n' |> ignore

            JsonValue.Create(sb.ToString())

        /// A scalar or flow collection at `p` that must end its line; the line is consumed.
        member this.InlineScalar(p: int, e: int, parent: int) : JsonNode =
            let finish (node: JsonNode, after: int) =
                if not (restIsBlank after e) then
                    YamlFastScalars.unsupported ()

                this.SkipLine()
                node

            match text[p] with
            | '"' ->
                let value, after = YamlFastScalars.doubleQuoted text p e
                finish (JsonValue.Create value, after)
            | '\'' ->
                let value, after = YamlFastScalars.singleQuoted text p e
                finish (JsonValue.Create value, after)
            | '['
            | '{' -> finish (YamlFastScalars.flowNode text p e)
            | '|' -> this.BlockScalar(p, e, parent)
            | c when not (YamlFastScalars.plainStart c (charAt (p + 1))) -> YamlFastScalars.unsupported ()
            | _ ->
                let mutable i = p

                while i < e && not (text[i] = '#' && text[i - 1] = ' ') do
                    match text[i] with
                    | '\t' -> YamlFastScalars.unsupported ()
                    | ':' when i + 1 = e || text[i + 1] = ' ' -> YamlFastScalars.unsupported ()
                    | _ -> i <- i + 1

                finish (YamlScalar.plain (text.Substring(p, i - p).TrimEnd(' ')), i)

        /// The value of an entry whose indicator (`key:` or `-`) ended at `after` on the current
        /// line, the entry's collection being at column `col`; `compact` admits a sequence at `col`.
        member this.EntryValue(after: int, col: int, compact: bool, inlineCollections: bool) : JsonNode =
            let e = lineEnd line
            let p = YamlFastScalars.skipSpaces text after e

            if p < e && text[p] <> '#' then
                if inlineCollections then
                    this.Inline(p, e, col)
                else
                    this.InlineScalar(p, e, col)
            else
                this.SkipLine()
                this.SkipBlank()

                if this.AtEnd || this.AtMarker() then
                    null
                else
                    let indent = this.Indent

                    if indent > col then
                        this.Block(col)
                    elif compact && indent = col && isDash (line + col) then
                        this.Sequence(col, line + col)
                    else
                        null

        /// A node starting at `p` in the middle of a line (after `- `), at column p - line start.
        member this.Inline(p: int, e: int, parent: int) : JsonNode =
            let col = p - line

            if isDash p then
                this.Sequence(col, p)
            else
                match this.TryKey(p, e) with
                | ValueSome(struct (key, after)) -> this.Mapping(col, key, after)
                | ValueNone -> this.InlineScalar(p, e, parent)

        /// A block node starting on the current line (indented more than `parent`).
        member this.Block(parent: int) : JsonNode =
            let p = line + this.Indent
            this.Inline(p, lineEnd line, parent)

        /// Continues a collection at column `col`: true when the next line is its next entry.
        member this.Continues(col: int) : bool =
            this.SkipBlank()

            if this.AtEnd || this.AtMarker() then
                false
            else
                let indent = this.Indent

                if indent > col then
                    YamlFastScalars.unsupported ()

                indent = col

        /// A block sequence at column `col` whose first `-` is at `p` on the current line.
        member this.Sequence(col: int, p: int) : JsonNode =
            let a = JsonArray()
            let mutable dash = p
            let mutable go = true

            while go do
                a.Add(this.EntryValue(dash + 1, col, false, true))

                if this.Continues col && isDash (line + col) then
                    dash <- line + col
                else
                    go <- false

            a

        /// A block mapping at column `col` whose first key (ending at `after`) is on the current line.
        member this.Mapping(col: int, firstKey: string, firstAfter: int) : JsonNode =
            let o = JsonObject()
            let mutable key = firstKey
            let mutable after = firstAfter
            let mutable go = true

            while go do
                if o.ContainsKey key then
                    YamlFastScalars.unsupported ()

                o[key] <- this.EntryValue(after, col, true, false)

                if this.Continues col && not (isDash (line + col)) then
                    match this.TryKey(line + col, lineEnd line) with
                    | ValueSome(struct (k, a)) ->
                        key <- k
                        after <- a
                    | ValueNone -> YamlFastScalars.unsupported ()
                else
                    go <- false

            o

        /// Every document of the stream.
        member this.Documents() : JsonNode list =
            let docs = ResizeArray<JsonNode>()
            this.SkipBlank()
            let mutable go = not this.AtEnd

            while go do
                let explicitStart = this.AtMarker()

                if explicitStart then
                    this.SkipLine()
                    this.SkipBlank()

                if this.AtEnd || this.AtMarker() then
                    docs.Add null
                else
                    docs.Add(this.Block(-1))
                    this.SkipBlank()

                if this.AtEnd then
                    go <- false
                elif not (this.AtMarker()) then
                    YamlFastScalars.unsupported ()

            List.ofSeq docs

    /// The documents of a YAML stream, or None when the text leaves the subset this reader handles.
    let tryParse (text: string) : JsonNode list option =
        if YamlFastScalars.readable text then
            try
                Some(Reader(text).Documents())
            with YamlFastUnsupported ->
                None
        else
            None
