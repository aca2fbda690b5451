namespace Gordo.Data

open System
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

    /// The answer of a reply (a `JsonException` when it is not such a reply); a top-level
    /// `error` wins over the statement's.
    let read (body: byte[]) : InfluxAnswer =
        let mutable r = Utf8JsonReader(ReadOnlySpan body)
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
