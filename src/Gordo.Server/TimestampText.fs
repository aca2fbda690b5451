namespace Gordo.Server

open System
open System.Globalization

/// Row labels and start/end times as pandas prints them, written by .NET's formatter straight
/// as UTF-8 bytes: `2019-01-01 00:00:00+00:00` (`str(Timestamp)`, separator ' ') or
/// `2019-01-01T00:00:00+00:00` (`Timestamp.isoformat()`, separator 'T'), with `.ffffff` when
/// the time has a fraction of a second and no offset for naive times. None of these bytes
/// needs JSON escaping.
[<RequireQualifiedAccess>]
module internal TimestampText =
    /// The most bytes a timestamp's text takes.
    [<Literal>]
    let MaxLength = 32

    /// The custom format of each case, indexed by `index`.
    let private formats = [|
        for separator in [ ' '; 'T' ] do
            for fraction in [ ""; ".ffffff" ] do
                for offset in [ ""; "zzz" ] -> $"yyyy-MM-dd'%c{separator}'HH:mm:ss%s{fraction}%s{offset}"
    |]

    let private index (separator: char) (naive: bool) (t: DateTimeOffset) : int =
        (if separator = 'T' then 4 else 0)
        + (if t.Ticks % TimeSpan.TicksPerSecond = 0L then 0 else 2)
        + (if naive then 0 else 1)

    /// Writes the text of `t` at the start of `dest` (at least `MaxLength` bytes); its length.
    let write (separator: char) (naive: bool) (t: DateTimeOffset) (dest: Span<byte>) : int =
        let mutable written = 0
        let format = formats.[index separator naive t]

        if not (t.TryFormat(dest, &written, format.AsSpan(), CultureInfo.InvariantCulture)) then
            invalidArg (nameof dest) $"fewer than %d{MaxLength} bytes"

        written
