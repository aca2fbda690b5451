namespace Gordo.Server

open System

/// A fast reader of the row-label timestamps clients send (`2020-01-05 00:00:00+00:00`,
/// ISO-8601 with `T` or a space, optional fraction, `Z` or `±hh:mm` offset or none). Anything
/// else is left to the general .NET parsers, which give the same result more slowly.
[<RequireQualifiedAccess>]
module internal RowTimestamp =
    let private digits (s: ReadOnlySpan<char>) (start: int) (count: int) : int =
        let mutable value = 0
        let mutable i = start

        while value >= 0 && i < start + count do
            let d = int s.[i] - int '0'
            value <- if d < 0 || d > 9 then -1 else value * 10 + d
            i <- i + 1

        value

    let private fraction (s: ReadOnlySpan<char>) (start: int) : struct (int64 * int) =
        let mutable ticks = 0L
        let mutable scale = TimeSpan.TicksPerSecond
        let mutable i = start

        while i < s.Length && s.[i] >= '0' && s.[i] <= '9' && scale > 1L do
            scale <- scale / 10L
            ticks <- ticks + int64 (int s.[i] - int '0') * scale
            i <- i + 1

        struct (ticks, i)

    let private offset (s: ReadOnlySpan<char>) (i: int) : TimeSpan voption =
        if i = s.Length then
            ValueSome TimeSpan.MinValue
        elif s.Length = i + 1 && s.[i] = 'Z' then
            ValueSome TimeSpan.Zero
        elif s.Length = i + 6 && (s.[i] = '+' || s.[i] = '-') && s.[i + 3] = ':' then
            let h, m = digits s (i + 1) 2, digits s (i + 4) 2

            if h < 0 || m < 0 || h > 14 || m > 59 then
                ValueNone
            else
                ValueSome(TimeSpan(h, m, 0) * (if s.[i] = '-' then -1.0 else 1.0))
        else
            ValueNone

    let private valid (y: int) (mo: int) (d: int) (h: int) (mi: int) (sec: int) =
        y > 1
        && y < 9999
        && mo >= 1
        && mo <= 12
        && d >= 1
        && h >= 0
        && h < 24
        && mi >= 0
        && mi < 60
        && sec >= 0
        && sec < 60
        && d <= DateTime.DaysInMonth(y, mo)

    /// The timestamp and whether it was naive (no offset; taken as UTC), or ValueNone when the
    /// text is not in one of the common forms.
    let tryParseChars (s: ReadOnlySpan<char>) : struct (DateTimeOffset * bool) voption =
        if
            s.Length < 19
            || s.[4] <> '-'
            || s.[7] <> '-'
            || (s.[10] <> ' ' && s.[10] <> 'T')
            || s.[13] <> ':'
            || s.[16] <> ':'
        then
            ValueNone
        else
            let y, mo, d = digits s 0 4, digits s 5 2, digits s 8 2
            let h, mi, sec = digits s 11 2, digits s 14 2, digits s 17 2

            let struct (ticks, next) =
                if s.Length > 19 && s.[19] = '.' then
                    fraction s 20
                else
                    struct (0L, 19)

            match offset s next with
            | ValueSome o when valid y mo d h mi sec && not (next = 20) ->
                let local = DateTime(y, mo, d, h, mi, sec).AddTicks ticks

                if o = TimeSpan.MinValue then
                    ValueSome(struct (DateTimeOffset(local, TimeSpan.Zero), true))
                else
                    ValueSome(struct (DateTimeOffset(local, o), false))
            | _ -> ValueNone

    /// `tryParseChars` of a string.
    let tryParse (text: string) : struct (DateTimeOffset * bool) voption = tryParseChars (text.AsSpan())
