namespace Gordo.Data

open System
open csFastFloat
open System.Text.Json

/// What an InfluxDB 1.x `/query` reply (with `epoch=ns`) says about its first statement.
[<RequireQualifiedAccess>]
type internal InfluxAnswer =
    /// The first series' rows: times (UTC ticks) and the first field (NaN where not a number).
    | Points of ticks: int64[] * values: float[]
    /// The reply's `error`, or its first statement's.
    | Failed of message: string

/// Reads a `/query` reply straight from its bytes, in one pass (no document, no strings per
/// value): replies are most of what a client or builder reading InfluxDB receives.
[<RequireQualifiedAccess>]
module internal InfluxReply =
    let private next (r: byref<Utf8JsonReader>) (token: JsonTokenType) (what: string) =
        if not (r.Read()) || r.TokenType <> token then
            raise (JsonException $"expected %s{what}")

    let private skipValue (r: byref<Utf8JsonReader>) =
        r.Read() |> ignore
        r.Skip()

    /// `[[ns, value, ...], ...]`.
    let private readValues (r: byref<Utf8JsonReader>) (ticks: ResizeArray<int64>) (values: ResizeArray<float>) =
        next &r JsonTokenType.StartArray "'values' to be an array"

        while r.Read() && r.TokenType = JsonTokenType.StartArray do
            next &r JsonTokenType.Number "a time in nanoseconds"

            match r.TryGetInt64() with
            | true, ns -> ticks.Add(DateTime.UnixEpoch.Ticks + ns / 100L)
            | _ -> raise (JsonException "expected a time in nanoseconds (epoch=ns)")

            r.Read() |> ignore

            values.Add(
                if r.TokenType = JsonTokenType.Number then
                    r.GetDouble()
                else
                    nan
            )

            r.Skip()

            while r.Read() && r.TokenType <> JsonTokenType.EndArray do
                r.Skip()

    /// `[{name, columns, values}, ...]`: the first series' values.
    let private readSeries (r: byref<Utf8JsonReader>) ticks values =
        next &r JsonTokenType.StartArray "'series' to be an array"
        let mutable first = true

        while r.Read() && r.TokenType = JsonTokenType.StartObject do
            while r.Read() && r.TokenType = JsonTokenType.PropertyName do
                if first && r.ValueTextEquals "values"B then
                    readValues &r ticks values
                else
                    skipValue &r

            first <- false

    let private readError (r: byref<Utf8JsonReader>) : string =
        r.Read() |> ignore

        if r.TokenType = JsonTokenType.String then
            r.GetString()
        else
            r.Skip()
            "an error without a message"

    /// `[{statement_id, series | error}, ...]`: the first statement's series or error (null).
    let private readResults (r: byref<Utf8JsonReader>) ticks values : string =
        next &r JsonTokenType.StartArray "'results' to be an array"
        let mutable error = null
        let mutable first = true

        while r.Read() && r.TokenType = JsonTokenType.StartObject do
            while r.Read() && r.TokenType = JsonTokenType.PropertyName do
                if first && r.ValueTextEquals "error"B then
                    error <- readError &r
                elif first && r.ValueTextEquals "series"B then
                    readSeries &r ticks values
                else
                    skipValue &r

            first <- false

        error

    /// The answer of a reply, read token by token (a `JsonException` when it is not such a
    /// reply); a top-level `error` wins over the statement's.
    let readTokens (body: ReadOnlyMemory<byte>) : InfluxAnswer =
        let mutable r = Utf8JsonReader(body.Span)
        let ticks, values = ResizeArray<int64>(), ResizeArray<float>()
        let mutable top = null
        let mutable statement = null
        next &r JsonTokenType.StartObject "a JSON object"

        while r.Read() && r.TokenType = JsonTokenType.PropertyName do
            if r.ValueTextEquals "error"B then
                top <- readError &r
            elif r.ValueTextEquals "results"B then
                statement <- readResults &r ticks values
            else
                skipValue &r

        match top, statement with
        | null, null -> InfluxAnswer.Points(ticks.ToArray(), values.ToArray())
        | null, e
        | e, _ -> InfluxAnswer.Failed e

    let private isProperty (name: byte[]) (r: byref<Utf8JsonReader>) =
        r.Read()
        && r.TokenType = JsonTokenType.PropertyName
        && r.ValueTextEquals(ReadOnlySpan name)

    let private isToken (token: JsonTokenType) (r: byref<Utf8JsonReader>) = r.Read() && r.TokenType = token

    /// Where the first series' `values` array starts, read token by token up to it; -1 unless
    /// the reply starts as InfluxDB writes one statement's series:
    /// `{"results":[{"statement_id":N,"series":[{"name":..,"columns":[..],"values":[`.
    let private valuesStart (body: ReadOnlyMemory<byte>) : int =
        let mutable r = Utf8JsonReader(body.Span)

        if
            isToken JsonTokenType.StartObject &r
            && isProperty "results"B &r
            && isToken JsonTokenType.StartArray &r
            && isToken JsonTokenType.StartObject &r
            && isProperty "statement_id"B &r
            && isToken JsonTokenType.Number &r
            && isProperty "series"B &r
            && isToken JsonTokenType.StartArray &r
            && isToken JsonTokenType.StartObject &r
        then
            let mutable at = -2

            while at = -2 && r.Read() && r.TokenType = JsonTokenType.PropertyName do
                if r.ValueTextEquals "values"B then
                    at <-
                        if isToken JsonTokenType.StartArray &r then
                            int r.TokenStartIndex
                        else
                            -1
                elif r.ValueTextEquals "error"B then
                    at <- -1
                else
                    r.Read() |> ignore
                    r.Skip()

            max at -1
        else
            -1

    let inline private isDigit (b: byte) = uint32 (b - '0'B) < 10u

    /// The end of the digits at `i`, or -1 when there is none.
    let private digitsEnd (s: ReadOnlySpan<byte>) (i: int) : int =
        let mutable k = i

        while k < s.Length && isDigit s.[k] do
            k <- k + 1

        if k = i then -1 else k

    /// The end of the JSON integer (`-?(0|[1-9][0-9]*)`) at `i`, or -1.
    let private integerEnd (s: ReadOnlySpan<byte>) (i: int) : int =
        let first = if i < s.Length && s.[i] = '-'B then i + 1 else i

        if first >= s.Length || not (isDigit s.[first]) then -1
        elif s.[first] = '0'B then first + 1
        else digitsEnd s first

    /// The JSON integer at `i` read into `value` in the same pass that finds its end; the end,
    /// or -1 when there is none or it is beyond int64 (the token reader then decides).
    let private int64At (s: ReadOnlySpan<byte>) (i: int) (value: byref<int64>) : int =
        let negative = i < s.Length && s.[i] = '-'B
        let first = if negative then i + 1 else i

        if first >= s.Length || not (isDigit s.[first]) then
            -1
        elif s.[first] = '0'B then
            value <- 0L
            first + 1
        else
            // Nineteen digits always fit in a uint64; a twentieth is beyond int64.
            let mutable k = first
            let mutable magnitude = 0UL

            while k < s.Length && k - first < 19 && isDigit s.[k] do
                magnitude <- magnitude * 10UL + uint64 (s.[k] - '0'B)
                k <- k + 1

            if k < s.Length && isDigit s.[k] then
                -1
            elif negative && magnitude <= 9223372036854775808UL then
                value <- int64 (0UL - magnitude)
                k
            elif not negative && magnitude <= 9223372036854775807UL then
                value <- int64 magnitude
                k
            else
                -1

    /// The end of the JSON number at `i` (RFC 8259 grammar), or -1.
    let private numberEnd (s: ReadOnlySpan<byte>) (i: int) : int =
        let mutable j = integerEnd s i

        if j > 0 && j < s.Length && s.[j] = '.'B then
            j <- digitsEnd s (j + 1)

        if j > 0 && j < s.Length && (s.[j] = 'e'B || s.[j] = 'E'B) then
            let sign = j + 1 < s.Length && (s.[j + 1] = '+'B || s.[j + 1] = '-'B)
            j <- digitsEnd s (if sign then j + 2 else j + 1)

        j

    /// `[ns,number|null]` at `i` into the lists: the index after it, or -1 for anything else
    /// (the token reader then decides). Values are converted by csFastFloat, to the double
    /// `Utf8JsonReader` reads, twice as fast.
    let private row (s: ReadOnlySpan<byte>) (i: int) (ticks: ResizeArray<int64>) (values: ResizeArray<float>) : int =
        let mutable ns = 0L

        let timeEnd =
            if i < s.Length && s.[i] = '['B then
                int64At s (i + 1) &ns
            else
                -1

        if timeEnd < 0 || timeEnd >= s.Length || s.[timeEnd] <> ','B then
            -1
        elif s.Slice(timeEnd + 1).StartsWith "null]"B then
            ticks.Add(DateTime.UnixEpoch.Ticks + ns / 100L)
            values.Add nan
            timeEnd + 6
        else
            let start = timeEnd + 1
            let stop = numberEnd s start
            let mutable v = 0.0

            if stop < 0 || stop >= s.Length || s.[stop] <> ']'B then
                -1
            else
                let text = s.Slice(start, stop - start)

                // csFastFloat rounds as .NET's parser does but for some exact ties written with
                // hundreds of digits: those are left to the reader.
                if
                    text.Length <= 100
                    && FastDoubleParser.TryParseDouble(text, &v)
                    && Double.IsFinite v
                then
                    ticks.Add(DateTime.UnixEpoch.Ticks + ns / 100L)
                    values.Add v
                    stop + 1
                else
                    -1

    /// The rows of a reply InfluxDB wrote for one tag and one field (`[ns,value]` rows, compact,
    /// one series, nothing after the rows but whitespace), scanned byte by byte; None for any other
    /// reply.
    let tryScan (body: ReadOnlyMemory<byte>) : InfluxAnswer option =
        let s = body.Span
        // Room for rows of about 40 bytes (a time in ns and a value of ~17 digits), so that
        // the lists rarely grow: growing them took about 40 % of the scan (InfluxReplyBench).
        let rows = body.Length / 40
        let ticks, values = ResizeArray<int64>(rows), ResizeArray<float>(rows)
        // A reply that is not JSON is the token reader's to report.
        let mutable i =
            try
                valuesStart body
            with :? JsonException ->
                -1

        if i >= 0 then
            i <- i + 1

            if i < s.Length && s.[i] = ']'B then
                i <- i + 1
            else
                let mutable next = true

                while next do
                    i <- row s i ticks values
                    next <- i > 0 && i < s.Length && s.[i] = ','B

                    i <-
                        if next then i + 1
                        elif i > 0 && i < s.Length && s.[i] = ']'B then i + 1
                        else -1

        if i > 0 && s.Slice(i).TrimEnd(" \t\r\n"B).SequenceEqual("}]}]}"B) then
            Some(InfluxAnswer.Points(ticks.ToArray(), values.ToArray()))
        else
            None

    /// The answer of a reply (a `JsonException` when it is not such a reply); a top-level
    /// `error` wins over the statement's. InfluxDB's usual reply is scanned without the token
    /// reader, which spent about half its time checking the digits of each time and value.
    let read (body: ReadOnlyMemory<byte>) : InfluxAnswer =
        match tryScan body with
        | Some answer -> answer
        | None -> readTokens body
