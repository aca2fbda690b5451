namespace Gordo.Data

open System
open System.Threading
open System.Threading.Tasks
open Gordo.Core
open Gordo.Core.Config

/// Why a provider could not deliver data.
[<RequireQualifiedAccess>]
type ProviderError =
    /// The provider type is not known.
    | UnknownProvider of name: string
    /// A constructor argument is missing or has the wrong type.
    | BadArgument of provider: string * argument: string * problem: string
    /// A data file problem.
    | File of FileError
    /// The file/database has no data for a tag at all (no column, no series).
    | MissingTag of tag: string * source: string
    /// The server could not be reached (connection refused, DNS, timeout).
    | Unreachable of endpoint: string * detail: string
    /// The server refused the credentials.
    | Unauthorized of endpoint: string * detail: string
    /// The server answered with an error or something unexpected.
    | BadResponse of endpoint: string * detail: string

    /// A one-line description naming the provider, tag or endpoint and the cause.
    member this.Message: string =
        match this with
        | UnknownProvider n ->
            sprintf
                "unknown data provider '%s'; use RandomDataProvider, CSVDataProvider, FileDataProvider, InfluxDataProvider or SamplePlantDataProvider"
                n
        | BadArgument(p, a, problem) -> sprintf "%s: argument '%s': %s" p a problem
        | File e -> e.Message
        | MissingTag(t, s) -> sprintf "tag '%s' has no data in %s" t s
        | Unreachable(e, d) -> sprintf "cannot reach %s: %s" e d
        | Unauthorized(e, d) -> sprintf "%s refused the credentials: %s" e d
        | BadResponse(e, d) -> sprintf "%s answered with an error: %s" e d

/// A source of raw tag series (Gordo's data providers).
type IDataProvider =
    /// The canonical class path, e.g. `gordo_core.data_providers.providers.RandomDataProvider`.
    abstract TypeName: string

    /// Loads each tag's raw series in [start, finish] (both inclusive) as a one-column frame named
    /// after the tag, in the order of `tags`. A tag without any data yields an empty frame.
    abstract LoadAsync:
        start: DateTimeOffset * finish: DateTimeOffset * tags: SensorTag list * cancel: CancellationToken ->
            Task<Result<Frame list, ProviderError>>

/// Helpers shared by providers.
[<RequireQualifiedAccess>]
module internal Provider =

    /// A constructor argument as a string, if present and a string.
    let stringArg (args: (string * Value) list) (name: string) : string option =
        match List.tryFind (fst >> (=) name) args with
        | Some(_, Value.String s) -> Some s
        | _ -> None

    /// A constructor argument as an integer, if present and a number.
    let intArg (args: (string * Value) list) (name: string) : int64 option =
        match List.tryFind (fst >> (=) name) args with
        | Some(_, Value.Int i) -> Some i
        | Some(_, Value.Float f) when f = Math.Floor f -> Some(int64 f)
        | _ -> None

    /// A required string argument.
    let requireString (provider: string) (args: (string * Value) list) (name: string) : Result<string, ProviderError> =
        match stringArg args name with
        | Some s -> Ok s
        | None -> Error(ProviderError.BadArgument(provider, name, "required, a string"))

    /// A one-column, sorted frame of the samples of `f`'s column `column` within [start, finish].
    let tagSlice (start: DateTimeOffset) (finish: DateTimeOffset) (tag: string) (column: float[]) (f: Frame) : Frame =
        {
            f with
                Columns = [| tag |]
                Data = [| column |]
        }
        |> Frame.slice start finish
