namespace Gordo.Server

open System

/// Row labels and start/end times as pandas prints them, written straight as ASCII bytes:
/// `2019-01-01 00:00:00+00:00` (`str(Timestamp)`, separator ' ') or `2019-01-01T00:00:00+00:00`
/// (`Timestamp.isoformat()`, separator 'T'), with `.ffffff` when the time has a fraction of a
/// second and no offset for naive times. None of these bytes needs JSON escaping.
[<RequireQualifiedAccess>]
module internal TimestampText =
    /// The length of a timestamp's text.
    let length (naive: bool) (t: DateTimeOffset) : int =
        19
        + (if t.Ticks % TimeSpan.TicksPerSecond = 0L then 0 else 7)
        + (if naive then 0 else 6)

    let private two (dest: Span<byte>) (at: int) (value: int) =
        dest.[at] <- byte (48 + value / 10)
        dest.[at + 1] <- byte (48 + value % 10)

    let private fraction (dest: Span<byte>) (at: int) (microseconds: int) =
        dest.[at] <- byte '.'
        two dest (at + 1) (microseconds / 10000)
        two dest (at + 3) (microseconds / 100 % 100)
        two dest (at + 5) (microseconds % 100)

    let private offset (dest: Span<byte>) (at: int) (offset: TimeSpan) =
        let minutes = int (offset.Ticks / TimeSpan.TicksPerMinute)
        dest.[at] <- if minutes < 0 then byte '-' else byte '+'
        two dest (at + 1) (abs minutes / 60)
        dest.[at + 3] <- byte ':'
        two dest (at + 4) (abs minutes % 60)

    /// Writes the text of `t` (`length naive t` bytes) at the start of `dest`.
    let write (separator: char) (naive: bool) (t: DateTimeOffset) (dest: Span<byte>) : unit =
        let d = t.DateTime
        two dest 0 (d.Year / 100)
        two dest 2 (d.Year % 100)
        dest.[4] <- byte '-'
        two dest 5 d.Month
        dest.[7] <- byte '-'
        two dest 8 d.Day
        dest.[10] <- byte separator
        two dest 11 d.Hour
        dest.[13] <- byte ':'
        two dest 14 d.Minute
        dest.[16] <- byte ':'
        two dest 17 d.Second
        let sub = int (d.Ticks % TimeSpan.TicksPerSecond)

        if sub <> 0 then
            fraction dest 19 (sub / 10)

        if not naive then
            offset dest (length true t) t.Offset
