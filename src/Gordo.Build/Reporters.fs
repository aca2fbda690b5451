namespace Gordo.Build

open Gordo.Models

open System
open Npgsql
open NpgsqlTypes
open Gordo.Core
open Gordo.Models.Artifacts

/// Where `PostgresReporter` writes (spec §4.10; Gordo's defaults).
type internal PostgresSettings = {
    /// Server host.
    Host: string
    /// Server port (5432).
    Port: int
    /// User ("postgres").
    User: string
    /// Password ("postgres").
    Password: string
    /// Database ("postgres").
    Database: string
}

/// A reporter of `runtime.reporters`, run with every built machine.
[<RequireQualifiedAccess>]
type internal Reporter =
    /// `gordo.reporters.postgres.PostgresReporter`.
    | Postgres of PostgresSettings

/// The reporters of spec §4.10, run after a successful build.
[<RequireQualifiedAccess>]
module internal Reporters =
    /// The class path of Gordo's PostgreSQL reporter.
    let postgresClass = "gordo.reporters.postgres.PostgresReporter"

    let private text (args: Value) key fallback =
        match Value.tryGet key args with
        | Some(Value.String s) -> Ok s
        | Some(Value.Int i) -> Ok(string i)
        | None
        | Some Value.Null ->
            fallback
            |> Option.map Ok
            |> Option.defaultValue (Error $"'%s{key}' is required")
        | Some other -> Error $"'%s{key}' must be a string, not %A{other}"

    let private postgres (args: Value) : Result<Reporter, string> =
        let port =
            match Value.tryGet "port" args with
            | None
            | Some Value.Null -> Ok 5432
            | Some(Value.Int p) when p > 0L && p < 65536L -> Ok(int p)
            | Some other -> Error $"'port' must be a port number, not %A{other}"

        match text args "host" None, port, text args "user" (Some "postgres") with
        | Ok host, Ok port, Ok user ->
            text args "password" (Some "postgres")
            |> Result.bind (fun password ->
                text args "database" (Some "postgres")
                |> Result.map (fun database ->
                    Reporter.Postgres {
                        Host = host
                        Port = port
                        User = user
                        Password = password
                        Database = database
                    }))
        | Error e, _, _
        | _, Error e, _
        | _, _, Error e -> Error e

    /// A reporter definition: a class path, or `{class path: {arguments}}`.
    let ofDefinition (definition: Value) : Result<Reporter, BuildError> =
        let fail message =
            Error(BuildError.Reporter("ReporterException", $"runtime.reporters: %s{message}"))

        match definition with
        | Value.String path when path = postgresClass -> fail "PostgresReporter needs at least 'host'"
        | Value.Map [ path, args ] when path = postgresClass ->
            match postgres args with
            | Ok r -> Ok r
            | Error e -> fail $"PostgresReporter: %s{e}"
        | Value.String path
        | Value.Map [ path, _ ] when path.EndsWith "MlFlowReporter" ->
            fail "MlFlowReporter is not available in Gordo for .NET (no AzureML/MLflow client); remove it"
        | other -> fail $"unknown reporter %s{Json.toText other}; the known one is %s{postgresClass}"

    let private createSql =
        """CREATE TABLE IF NOT EXISTS machine (
    id SERIAL PRIMARY KEY,
    name VARCHAR(255) NOT NULL UNIQUE,
    dataset JSONB NOT NULL,
    model JSONB NOT NULL,
    metadata JSONB NOT NULL)"""

    let private upsertSql =
        """INSERT INTO machine (name, dataset, model, metadata) VALUES ($1, $2, $3, $4)
ON CONFLICT (name) DO UPDATE
SET dataset = EXCLUDED.dataset, model = EXCLUDED.model, metadata = EXCLUDED.metadata;"""

    /// The connection string of the settings (short timeouts: a build must not hang on it).
    let connectionString (s: PostgresSettings) : string =
        NpgsqlConnectionStringBuilder(
            Host = s.Host,
            Port = s.Port,
            Username = s.User,
            Password = s.Password,
            Database = s.Database,
            Timeout = 10,
            CommandTimeout = 30
        )
            .ConnectionString

    /// Upserts the machine (name, dataset, model, metadata as JSONB) into table `machine`.
    let postgresReport (settings: PostgresSettings) (metadata: Value) (name: string) : unit =
        let json key =
            Value.tryGet key metadata |> Option.defaultValue (Value.Map []) |> Json.toText

        use connection = new NpgsqlConnection(connectionString settings)
        connection.Open()

        using (new NpgsqlCommand(createSql, connection)) (fun create -> create.ExecuteNonQuery() |> ignore)

        use batch = new NpgsqlCommand(upsertSql, connection)
        batch.Parameters.Add(NpgsqlParameter(Value = name)) |> ignore

        for key in [ "dataset"; "model"; "metadata" ] do
            batch.Parameters.Add(NpgsqlParameter(Value = json key, NpgsqlDbType = NpgsqlDbType.Jsonb))
            |> ignore

        batch.ExecuteNonQuery() |> ignore

    /// Runs one reporter with a built machine.
    let run (reporter: Reporter) (built: BuiltModel) : Result<unit, BuildError> =
        match reporter with
        | Reporter.Postgres settings ->
            try
                postgresReport settings built.Metadata built.Machine.Name |> Ok
            with
            | :? NpgsqlException
            | :? PostgresException
            | :? InvalidOperationException
            | :? TimeoutException
            | :? Net.Sockets.SocketException as e ->
                Error(
                    BuildError.Reporter(
                        "PostgresReporterException",
                        $"PostgresReporter (%s{settings.Host}:%d{settings.Port}/%s{settings.Database}): %s{e.Message}"
                    )
                )

    /// Runs every reporter of the machine's `runtime.reporters`, in order; the first failure stops.
    let report (built: BuiltModel) : Result<BuiltModel, BuildError> =
        built.Machine.Runtime.Reporters
        |> List.fold
            (fun acc definition ->
                acc
                |> Result.bind (fun () -> ofDefinition definition |> Result.bind (fun r -> run r built)))
            (Ok())
        |> Result.map (fun () -> built)
