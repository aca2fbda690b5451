namespace Gordo.Client

open System
open Gordo.Core.Config

/// Settings of a client (spec §8.1: `gordo_client.Client`'s constructor).
type ClientOptions = {
    /// Project name (the URL's `<project>`).
    Project: string
    /// Server host (default `localhost`).
    Host: string
    /// Server port (default 443).
    Port: int
    /// `http` or `https` (default `https`).
    Scheme: string
    /// Extra tags written with every forwarded point (`--metadata key,value`).
    Metadata: (string * string) list
    /// Replaces each machine's data provider, if given.
    DataProvider: DataProvider option
    /// Rows per request (default 100000).
    BatchSize: int
    /// Requests in flight at once, over all machines (default 10).
    Parallelism: int
    /// Forward the resampled sensor data (measurement `resampled`).
    ForwardResampledSensors: bool
    /// Retries of a failed request (5xx, I/O, timeout; default 5).
    Retries: int
    /// Base of the backoff: the k-th retry waits `min(base × 2^(k+1), 300 × base)` (8, 16, 32 s with 1 s).
    BackoffBase: TimeSpan
    /// Send Parquet rather than JSON.
    UseParquet: bool
    /// Ask for every column (`all_columns=true`).
    AllColumns: bool
    /// Ask for the data-quality columns (`quality=true`, docs/quality.md).
    Quality: bool
    /// Headers sent with every request (`--session-config {"headers": ...}`).
    Headers: (string * string) list
    /// Per-request timeout.
    Timeout: TimeSpan
    /// Path in front of `/gordo/v0` when the server sits behind a prefix (`/apps/gordo`);
    /// empty by default, as Gordo's client has none.
    PathPrefix: string
}

/// Defaults of spec §8.1.
[<RequireQualifiedAccess>]
module ClientOptions =
    /// The options of `Client(project)`.
    let create (project: string) : ClientOptions = {
        Project = project
        Host = "localhost"
        Port = 443
        Scheme = "https"
        Metadata = []
        DataProvider = None
        BatchSize = 100000
        Parallelism = 10
        ForwardResampledSensors = false
        Retries = 5
        BackoffBase = TimeSpan.FromSeconds 1.0
        UseParquet = false
        AllColumns = false
        Quality = false
        Headers = []
        Timeout = TimeSpan.FromMinutes 5.0
        PathPrefix = ""
    }

    /// `<scheme>://<host>:<port><prefix>/gordo/v0/<project>` (the project escaped: a `?`, `#`
    /// or `/` in it must not change the path).
    let baseUrl (o: ClientOptions) : string =
        $"%s{o.Scheme}://%s{o.Host}:%d{o.Port}%s{o.PathPrefix.TrimEnd '/'}/gordo/v0/%s{Uri.EscapeDataString o.Project}"

/// The server said the resource is gone (410): the whole prediction run stops.
exception ResourceGoneException of url: string * body: string

/// What a machine's prediction run did.
type MachineOutcome = {
    /// Machine name.
    Name: string
    /// Prediction rows forwarded.
    Rows: int
    /// Error messages (empty when everything succeeded).
    Errors: string list
}

/// Progress of a prediction run.
[<RequireQualifiedAccess>]
type ClientEvent =
    /// A machine's data is fetched: `chunks` requests to make for `rows` rows.
    | Started of machine: string * rows: int * chunks: int
    /// A chunk was scored and forwarded (`done` of `total`, `rows` rows in this chunk).
    | ChunkDone of machine: string * ``done``: int * total: int * rows: int
    /// A chunk failed (its message is also in the outcome).
    | ChunkFailed of machine: string * message: string
    /// The machine is finished.
    | Finished of MachineOutcome
