module Gordo.Tests.Builder.ReporterTests

open System
open System.Threading
open Expecto
open Npgsql
open Gordo.Build
open Gordo.Tests.Builder.ModelBuilderTests

let private env (name: string) =
    match Environment.GetEnvironmentVariable name with
    | null
    | "" -> None
    | v -> Some v

/// The test server of .ci/setup.d/50-postgres.sh, if its variables are set.
let private server () : PostgresSettings option =
    env "GORDO_TEST_POSTGRES_HOST"
    |> Option.map (fun host -> {
        Host = host
        Port = env "GORDO_TEST_POSTGRES_PORT" |> Option.map int |> Option.defaultValue 5432
        User = env "GORDO_TEST_POSTGRES_USER" |> Option.defaultValue "postgres"
        Password = env "GORDO_TEST_POSTGRES_PASSWORD" |> Option.defaultValue "postgres"
        Database = env "GORDO_TEST_POSTGRES_DATABASE" |> Option.defaultValue "postgres"
    })

let private requireServer () =
    match server () with
    | Some s -> s
    | None ->
        skiptest "GORDO_TEST_POSTGRES_HOST is not set: source .ci/setup.d/50-postgres.sh to start the test PostgreSQL"

let private reporterConfig (s: PostgresSettings) (name: string) (owner: string) (password: string) =
    let runtime =
        $"""    runtime:
      reporters:
        - gordo.reporters.postgres.PostgresReporter:
            host: %s{s.Host}
            port: %d{s.Port}
            user: %s{s.User}
            password: %s{password}
            database: %s{s.Database}"""

    (configText sampleData.Value pipelineModel runtime)
        .Replace("name: pump-1", $"name: %s{name}")
        .Replace("owner: builder-tests", $"owner: %s{owner}")

let private buildWith (text: string) =
    let options = {
        OutputDirectory = None
        RegisterDirectory = None
        ReplaceCache = false
    }

    CachedBuilder.build (inputOf text) options ignore CancellationToken.None

let private rows (s: PostgresSettings) (name: string) =
    use connection = new NpgsqlConnection(Reporters.connectionString s)
    connection.Open()

    use command =
        new NpgsqlCommand(
            "SELECT metadata->'user_defined'->'machine-metadata'->>'owner', jsonb_typeof(dataset), jsonb_typeof(model), metadata->'build_metadata'->'model' ? 'model_offset' FROM machine WHERE name = $1",
            connection
        )

    command.Parameters.Add(NpgsqlParameter(Value = name)) |> ignore
    use reader = command.ExecuteReader()

    [
        while reader.Read() do
            reader.GetString 0, reader.GetString 1, reader.GetString 2, reader.GetBoolean 3
    ]

[<Tests>]
let tests =
    testSequenced
    <| testList "Reporters" [
        test "PostgresReporter upserts the machine into table machine (JSONB columns)" {
            let s = requireServer ()
            let name = "pg-" + Guid.NewGuid().ToString("N").Substring(0, 8)

            match buildWith (reporterConfig s name "first" s.Password) with
            | Error e -> failtestf "build failed: %s" e.Message
            | Ok _ -> ()

            Expect.equal (rows s name) [ "first", "object", "object", true ] "inserted"

            match buildWith (reporterConfig s name "second" s.Password) with
            | Error e -> failtestf "rebuild failed: %s" e.Message
            | Ok _ -> ()

            Expect.equal (rows s name) [ "second", "object", "object", true ] "updated in place (one row)"
        }
        test "a failing PostgresReporter is PostgresReporterException, exit 90" {
            let s = requireServer ()

            match buildWith (reporterConfig s "pg-bad-password" "x" "wrong-password") with
            | Error e ->
                Expect.equal e.TypeName "PostgresReporterException" e.Message
                Expect.equal e.ExitCode 90 "exit code class"
                Expect.stringContains e.Message "PostgresReporter" "says which reporter"
            | Ok _ -> failtest "should fail"
        }
        test "unknown and MLflow reporters are ReporterException, exit 90, without a server" {
            for definition in [ "gordo.reporters.mlflow.MlFlowReporter"; "my.Reporter" ] do
                match Reporters.ofDefinition (Gordo.Core.Value.String definition) with
                | Error e -> Expect.equal e.ExitCode 90 e.Message
                | Ok _ -> failtestf "%s should be rejected" definition
        }
    ]
