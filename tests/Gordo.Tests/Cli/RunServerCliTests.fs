module Gordo.Tests.Cli.RunServerCliTests

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Threading
open Expecto
open Gordo.Tests.Support

let private start (env: (string * string) list) (args: string list) =
    let dll =
        Path.Combine(repoRoot, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo.dll")

    let psi =
        ProcessStartInfo(
            "dotnet",
            "exec" :: dll :: "run-server" :: args,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        )

    for k, v in env do
        psi.Environment.[k] <- v

    let proc = Process.Start psi
    proc, proc.StandardOutput.ReadToEndAsync(), proc.StandardError.ReadToEndAsync()

let freePort () =
    let l = new TcpListener(IPAddress.Loopback, 0)
    l.Start()
    let port = (l.LocalEndpoint :?> IPEndPoint).Port
    l.Stop()
    port

let waitHealthy (port: int) =
    use http = new HttpClient(Timeout = TimeSpan.FromSeconds 2.0)
    let watch = Stopwatch.StartNew()
    let mutable ok = false

    while not ok && watch.Elapsed < TimeSpan.FromSeconds 60.0 do
        try
            ok <- http.GetAsync($"http://127.0.0.1:%d{port}/healthcheck").Result.IsSuccessStatusCode
        with _ ->
            Thread.Sleep 200

    ok

let private fails (env: (string * string) list) (args: string list) (message: string) =
    let proc, out, err = start env args
    proc.WaitForExit()
    Expect.equal proc.ExitCode 2 $"exit code (%s{out.Result})"
    Expect.stringContains err.Result message "message"

[<Tests>]
let tests =
    testSequenced
    <| testList "Cli.run-server" [
        test "options and GORDO_SERVER_* variables bind the server; SIGTERM shuts it down gracefully (exit 0)" {
            let port = freePort ()
            let dir = Gordo.Tests.Server.ServerFixture.collectionDir ()

            let proc, out, err =
                start [
                    "GORDO_SERVER_PORT", string port
                    "MODEL_COLLECTION_DIR", dir
                    "ENABLE_PROMETHEUS", "true"
                ] [ "--host"; "127.0.0.1"; "--log-level"; "info"; "--workers"; "2" ]

            Expect.isTrue (waitHealthy port) "healthy"
            use http = new HttpClient()

            let models =
                http.GetStringAsync($"http://127.0.0.1:%d{port}/gordo/v0/p/models").Result

            Expect.stringContains models "\"detector\"" "models served"
            let metrics = http.GetStringAsync($"http://127.0.0.1:%d{port}/metrics").Result
            Expect.stringContains metrics "gordo_server_requests_total" "metrics"
            Process.Start("kill", $"-TERM %d{proc.Id}").WaitForExit()
            Expect.isTrue (proc.WaitForExit 30000) "stopped"
            Expect.equal proc.ExitCode 0 "exit code"
            Expect.stringContains (out.Result + err.Result) "Application is shutting down" "graceful shutdown logged"
        }
        test "invalid options and variables: exit 2 with the option named" {
            fails [] [ "--port"; "70000" ] "--port: 70000 is not in 1..65535"
            fails [ "GORDO_SERVER_WORKERS", "9" ] [] "--workers: 9 is not in 1..4"
            fails [] [ "--host"; "localhost:1" ] "--host: 'localhost:1' is not an IP address"
            fails [] [ "--log-level"; "loud" ] "--log-level: 'loud' is not one of"
            fails [ "ENABLE_PROMETHEUS", "maybe" ] [] "ENABLE_PROMETHEUS must be a boolean"
        }
        test "no revision folder to serve: exit 2 naming MODEL_COLLECTION_DIR, before listening" {
            fails [ "MODEL_COLLECTION_DIR", "" ] [ "--host"; "127.0.0.1" ] "MODEL_COLLECTION_DIR is not set"

            let missing =
                Path.Combine(Path.GetTempPath(), "gordo-no-such-revision", "1700000000000")

            fails
                [ "MODEL_COLLECTION_DIR", missing ]
                [ "--host"; "127.0.0.1" ]
                $"MODEL_COLLECTION_DIR '%s{missing}' is not a directory"
        }
        test "a port in use: exit 1 naming the address, no stack trace" {
            let taken = new TcpListener(IPAddress.Loopback, 0)
            taken.Start()
            let port = (taken.LocalEndpoint :?> IPEndPoint).Port
            let models = Directory.CreateTempSubdirectory "gordo-port-"

            try
                let proc, out, err =
                    start [ "MODEL_COLLECTION_DIR", models.FullName ] [ "--host"; "127.0.0.1"; "--port"; string port ]

                Expect.isTrue (proc.WaitForExit 60000) "the server gives up instead of hanging"
                Expect.equal proc.ExitCode 1 err.Result
                Expect.stringContains err.Result $"cannot listen on 127.0.0.1:%d{port}" "address named"
                // (the console log goes to standard output)
                Expect.isFalse (err.Result.Contains "   at " || out.Result.Contains "   at ") out.Result
            finally
                taken.Stop()
                models.Delete true
        }
    ]
