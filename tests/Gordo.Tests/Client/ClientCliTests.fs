/// `gordo client` against a scripted server: retries, 410, usage errors, failures named.
module Gordo.Tests.Client.ClientCliTests

open System
open System.IO
open System.IO.Compression
open Expecto
open Gordo.Tests.Client.FakeServer

let private gordo = Gordo.Tests.Cli.GordoProcess.run []

let private range = [ "2020-01-01T06:00:00+00:00"; "2020-01-01T18:00:00+00:00" ]

/// `gordo client --project proj --host 127.0.0.1 --port P --scheme http ... predict START END ...`.
let private predict (port: int) (extra: string list) =
    gordo (
        clientOptions port
        @ [ "--backoff-base"; "0.01"; "--batch-size"; "30"; "predict" ]
        @ range
        @ [ "--no-parquet" ]
        @ extra
    )

let private temp () =
    Path.Combine(Path.GetTempPath(), "gordo-client-" + Guid.NewGuid().ToString("N"))

let private csvRows (path: string) =
    use file = File.OpenRead path
    use reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress))

    reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
    |> Array.tail

let private noTrace (err: string) =
    Expect.isFalse (err.Contains "   at ") $"no stack trace: %s{err}"
    Expect.isFalse (err.Contains "Unhandled exception") $"no unhandled exception: %s{err}"

/// Runs `args` and expects a usage error (exit 2, no trace) whose message holds every `expected`.
let private usageError (args: string list) (expected: string list) =
    let code, _, err = gordo args
    Expect.equal code 2 $"usage error for %A{args}: %s{err}"

    for text in expected do
        Expect.stringContains err text $"the message of %A{args}"

    noTrace err

/// The names in a folder, sorted.
let private names (dir: string) =
    Directory.GetFiles dir |> Array.map Path.GetFileName |> Array.sort

/// The scoring route's path.
let private scoring = "/gordo/v0/proj/m-1/anomaly/prediction"

/// A server scoring every chunk, but answering `late` to the chunks after the first one from
/// `from()` on (the count of scoring requests when a second run starts: see `secondRun`).
let private changing (from: int ref) (late: string -> int * string) =
    new Server(
        standard (fun (body, n) ->
            if n > from.Value then
                late body
            else
                200, predictionReply body)
    )

/// Switches a `changing` server for the run to come: its second chunk on are answered `late`.
let private secondRun (server: Server) (from: int ref) = from.Value <- server.Count scoring

/// `--output-dir out` holds a complete previous run of `m-1`; its bytes. (The scripted replies
/// have no anomaly confidence to cut events from: `Client.FileForwarder` tests the events file.)
let private previousRun (port: int) (out: string) =
    let code, stdout, err = predict port [ "--output-dir"; out ]
    Expect.equal code 0 $"the previous run: %s{stdout}%s{err}"
    File.ReadAllBytes(Path.Combine(out, "m-1.csv.gz"))

[<Tests>]
let tests =
    testList "Client.Cli" [
        test "a server answering 500 then 200 is retried and the predictions are written" {
            use server =
                new Server(standard (fun (body, n) -> if n = 0 then 500, "{}" else 200, predictionReply body))

            let out = temp ()
            let code, stdout, err = predict server.Port [ "--output-dir"; out ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            let rows = csvRows (Path.Combine(out, "m-1.csv.gz"))
            Expect.isGreaterThan rows.Length 60 "rows of the range (start moved back by 5 buckets)"
            let times = rows |> Array.map (fun r -> DateTimeOffset.Parse(r.Split(',').[0]))
            Expect.equal times (Array.sort times) "rows in time order"

            Expect.isGreaterThan
                (server.Count "/gordo/v0/proj/m-1/anomaly/prediction")
                (rows.Length / 30)
                "the 500 was retried"
        }
        test "a 410 aborts the run: exit 1, the reason named, no stack trace" {
            use server = new Server(standard (fun _ -> 410, """{"message": "revision gone"}"""))
            let code, stdout, err = predict server.Port [ "--parallelism"; "1" ]
            Expect.equal code 1 $"exit 1: %s{stdout}%s{err}"
            Expect.stringContains err "410" "410 named"
            Expect.equal (server.Count "/gordo/v0/proj/m-1/anomaly/prediction") 1 "no retry after 410"
            noTrace err
        }
        test "a 422 switches to /prediction" {
            use server =
                new Server(fun (m, path, body, n) ->
                    if path.EndsWith "/anomaly/prediction" then
                        422, """{"message": "not an anomaly detector"}"""
                    else
                        standard (fun (b, _) -> 200, predictionReply b) (m, path, body, n))

            let code, stdout, err = predict server.Port [ "--parallelism"; "1" ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"

            Expect.equal
                (server.Count "/gordo/v0/proj/m-1/anomaly/prediction")
                1
                "one anomaly request, then /prediction"

            Expect.isGreaterThan (server.Count "/gordo/v0/proj/m-1/prediction") 1 "every chunk on /prediction"
        }
        test "a server that is down: retried, then the machine and the server named, exit 1" {
            let port = freePort ()
            let code, stdout, err = predict port [ "--target"; "m-1"; "--n-retries"; "2" ]
            Expect.equal code 1 $"exit 1: %s{stdout}%s{err}"
            Expect.stringContains err $"127.0.0.1:%d{port}" "server named"
            noTrace err
        }
        test "a 404 from the prediction route is recorded for the machine, not retried, exit 1" {
            use server = new Server(standard (fun _ -> 404, """{"message": "nope"}"""))
            let code, _, err = predict server.Port []
            Expect.equal code 1 "exit 1"
            Expect.stringContains err "m-1" "machine named in the summary"
            Expect.stringContains err "Failed to get predictions for dates" "Gordo's message"
        }
        test "an unknown --target is named; exit 1" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let code, _, err = predict server.Port [ "--target"; "nope" ]
            Expect.equal code 1 "exit 1"
            Expect.stringContains err "nope" "target named"
            Expect.stringContains err "m-1" "known machines listed"
        }
        test "--session-config headers and auth reach the server" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))

            let config =
                """{"headers": {"API-KEY": "secret"}, "auth": ["user", "pass"], "verify": true}"""

            let code, stdout, err = predict server.Port [ "--session-config"; config ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            Expect.equal (server.Header "API-KEY") (Some "secret") "header"
            Expect.equal (server.Header "Authorization") (Some "Basic dXNlcjpwYXNz") "basic auth"
        }
        test "--api-key is sent as X-API-Key" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let code, stdout, err = predict server.Port [ "--api-key"; "k-123" ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            Expect.equal (server.Header "X-API-Key") (Some "k-123") "header"
        }
        test "--session-config mistakes are usage errors naming the attribute" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))

            let cases = [
                """{"verify": "/no/such/ca.pem"}""", "/no/such/ca.pem"
                """{"cert": "/no/such/client.pem"}""", "'cert'"
                """{"auth": "user:pass"}""", "'auth'"
                """{"proxies": ["http://p:3128"]}""", "'proxies'"
                "[1, 2]", "expected a mapping"
            ]

            for config, expected in cases do
                let code, _, err = predict server.Port [ "--session-config"; config ]
                Expect.equal code 2 $"usage error for %s{config}: %s{err}"
                Expect.stringContains err expected "the attribute named"
                Expect.equal (server.Count "/gordo/v0/proj/revisions") 0 "no request made"
                noTrace err
        }
        test "--log-level debug logs every request; error leaves only the summary" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let code, stdout, err = predict server.Port [ "--log-level"; "debug" ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            Expect.stringContains err "DEBUG GET http://127.0.0.1" "requests logged"
            Expect.stringContains err "/anomaly/prediction?format=json&revision=1 -> 200" "scoring logged"
            Expect.stringContains stdout "[m-1] done" "progress as plain lines"
            let code, stdout, err = predict server.Port [ "--log-level"; "error" ]
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            Expect.equal (stdout.Trim(), err.Trim()) ("", "") "nothing printed on success"
        }
        test
            "usage errors come before any request: START >= END, bad --data-provider, bad --influx-uri, --events with nowhere to go" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))

            let args = clientOptions server.Port @ [ "predict" ]

            let cases = [
                [ "2020-01-02T00:00:00+00:00"; "2020-01-01T00:00:00+00:00" ], "must be before"
                range @ [ "--data-provider"; "{type: [" ], "--data-provider"
                range @ [ "--data-provider"; """{"type": "NoSuchProvider"}""" ], "NoSuchProvider"
                range @ [ "--influx-uri"; "not-a-uri" ], "--influx-uri"
                range @ [ "--events" ], "--events needs --influx-uri or --output-dir"
            ]

            for extra, expected in cases do
                let code, _, err = gordo (args @ extra)
                Expect.equal code 2 $"usage error for %A{extra}: %s{err}"
                Expect.stringContains err expected "the problem named"
                noTrace err

            Expect.equal (server.Count "/gordo/v0/proj/revisions") 0 "no request made"
        }
        test "group options are accepted after the subcommand, as the workflow template writes them" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let out = temp ()

            let code, stdout, err =
                gordo (
                    [
                        "client"
                        "predict"
                        "--project"
                        "proj"
                        "--host"
                        "127.0.0.1"
                        "--port"
                        string server.Port
                    ]
                    @ [
                        "--scheme"
                        "http"
                        "--parallelism"
                        "2"
                        "--metadata"
                        "version,1"
                        "--target"
                        "m-1"
                    ]
                    @ [ "--no-parquet"; "--output-dir"; out ]
                    @ range
                )

            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            Expect.isTrue (File.Exists(Path.Combine(out, "m-1.csv.gz"))) "predictions written"
        }
        test "InfluxDB down while forwarding: retried, then reported; exit 1" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let port = freePort ()

            let code, _, err =
                predict server.Port [ "--influx-uri"; $"u:p@127.0.0.1:%d{port}/feeder"; "--n-retries"; "2" ]

            Expect.equal code 1 "exit 1"
            Expect.stringContains err "Failed to forward predictions" "forwarding failure reported"
            Expect.stringContains err "m-1" "machine named"
            noTrace err
        }
        test "--host and --port that make no URL are usage errors before any request" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))

            let args (host: string) (port: string) = [
                "client"
                "--project"
                "proj"
                "--host"
                host
                "--port"
                port
                "--scheme"
                "http"
                "metadata"
            ]

            let p = string server.Port
            usageError (args "127.0.0.1" "70000") [ "--port: 70000"; "from 1 to 65535" ]
            usageError (args "127.0.0.1" "0") [ "--port: 0"; "from 1 to 65535" ]
            usageError (args "bad host" p) [ "--host: 'bad host'"; "host name or IP address" ]
            usageError (args "http://127.0.0.1" p) [ "--host: 'http://127.0.0.1'"; "no scheme, port or path" ]
            Expect.equal (server.Count "/gordo/v0/proj/revisions") 0 "no request made"
        }
        test "impossible numbers are usage errors naming the option and the range" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))

            let predictWith (group: string list) (extra: string list) =
                clientOptions server.Port @ group @ [ "predict" ] @ range @ extra

            usageError (predictWith [ "--batch-size"; "0" ] []) [ "--batch-size: 0"; "at least 1" ]
            usageError (predictWith [ "--parallelism"; "-1" ] []) [ "--parallelism: -1"; "at least 1" ]
            usageError (predictWith [ "--parallelism"; "0" ] []) [ "--parallelism: 0"; "at least 1" ]
            usageError (predictWith [] [ "--n-retries"; "-5" ]) [ "--n-retries: -5"; "at least 0" ]
            usageError (predictWith [ "--backoff-base"; "-1" ] []) [ "--backoff-base: -1"; "from 0 to 3600" ]
            usageError (clientOptions server.Port @ [ "--batch-size"; "0"; "metadata" ]) [ "--batch-size" ]
            Expect.equal (server.Count "/gordo/v0/proj/revisions") 0 "no request made"
        }
        test "START and END need a time zone; messages show ISO 8601" {
            let args = clientOptions (freePort ()) @ [ "predict" ]
            let zoned = "2020-01-02T00:00:00+00:00"

            usageError (args @ [ "2020-01-01"; zoned ]) [
                "START: '2020-01-01' has no time zone"
                "2020-01-01T00:00:00+00:00"
                "2020-01-01T00:00:00Z"
            ]

            usageError (args @ [ "2020-01-01T00:00:00Z"; "2020-01-03T06:30:00" ]) [
                "END: '2020-01-03T06:30:00' has no time zone"
                "2020-01-03T06:30:00+00:00"
            ]

            usageError (args @ [ zoned; "2020-01-01T00:00:00Z" ]) [
                "START (2020-01-02T00:00:00+00:00) must be before END (2020-01-01T00:00:00+00:00)"
            ]
        }
        test "SIGINT during predict: exit 130, says so; the previous csv.gz kept, no temp file" {
            let from = ref Int32.MaxValue

            use server =
                changing from (fun body ->
                    Threading.Thread.Sleep 2000
                    200, predictionReply body)

            let out = temp ()
            let before = previousRun server.Port out
            secondRun server from

            use proc =
                new Gordo.Tests.Cli.GordoProcess.Running(
                    [],
                    clientOptions server.Port
                    @ [ "--batch-size"; "30"; "predict" ]
                    @ range
                    @ [ "--no-parquet"; "--output-dir"; out ]
                )

            let started = proc.WaitFor(_.Out, "chunk 1/", TimeSpan.FromSeconds 60.0)
            Expect.isTrue started $"the first chunk forwarded: %s{proc.Out}%s{proc.Err}"
            proc.Interrupt()
            let code = proc.WaitForExit(TimeSpan.FromSeconds 30.0)
            Expect.equal code (Some 130) $"exit 130: %s{proc.Out}%s{proc.Err}"
            Expect.stringContains proc.Err "cancelled (exit 130): 0 of 1 machines done" "says so"
            Expect.stringContains proc.Err $"files of unfinished machines in %s{out} are unchanged" "and what was kept"
            noTrace proc.Err
            Expect.equal (File.ReadAllBytes(Path.Combine(out, "m-1.csv.gz"))) before "the previous csv.gz intact"
            Expect.equal (names out) [| "m-1.csv.gz" |] "no temporary file"
        }
        test "a machine that fails keeps its previous csv.gz; no temp file" {
            let from = ref Int32.MaxValue
            use server = changing from (fun _ -> 404, """{"message": "nope"}""")
            let out = temp ()
            let before = previousRun server.Port out
            secondRun server from

            let code, stdout, err =
                predict server.Port [ "--output-dir"; out; "--parallelism"; "1" ]

            Expect.equal code 1 $"exit 1: %s{stdout}%s{err}"
            Expect.equal (File.ReadAllBytes(Path.Combine(out, "m-1.csv.gz"))) before "the previous csv.gz intact"
            Expect.equal (names out) [| "m-1.csv.gz" |] "no temporary file"
        }
        test "download-model swaps each model's folder in whole; a failed download keeps the previous one" {
            // A model archive of ASCII files (the scripted server answers text).
            let tar =
                let source = temp ()
                Directory.CreateDirectory source |> ignore
                File.WriteAllText(Path.Combine(source, "info.json"), "{}")
                File.WriteAllText(Path.Combine(source, "model.txt"), "new")
                use bytes = new MemoryStream()
                Formats.Tar.TarFile.CreateFromDirectory(source, bytes, false)
                Text.Encoding.ASCII.GetString(bytes.ToArray())

            let download = "/gordo/v0/proj/m-1/download-model"

            let answer (failing: bool) =
                fun (m, path, body, n) ->
                    match path with
                    | p when p = download -> if failing then 500, """{"error": "boom"}""" else 200, tar
                    | _ -> standard (fun _ -> 404, "{}") (m, path, body, n)

            let root = temp ()
            let model = Path.Combine(root, "m-1")
            Directory.CreateDirectory model |> ignore
            File.WriteAllText(Path.Combine(model, "stale.txt"), "old")

            use server = new Server(answer false)

            let code, _, err =
                gordo (clientOptions server.Port @ [ "--backoff-base"; "0.01"; "download-model"; root ])

            Expect.equal code 0 err
            Expect.equal (names model) [| "info.json"; "model.txt" |] "the new model alone"

            Expect.equal
                (Directory.GetFileSystemEntries root |> Array.map Path.GetFileName)
                [| "m-1" |]
                "no temporary folder"

            use failing = new Server(answer true)

            let code, _, err =
                gordo (
                    clientOptions failing.Port
                    @ [ "--backoff-base"; "0.01"; "download-model"; root ]
                )

            Expect.equal code 1 err
            noTrace err
            Expect.equal (names model) [| "info.json"; "model.txt" |] "the previous model kept"

            Expect.equal
                (Directory.GetFileSystemEntries root |> Array.map Path.GetFileName)
                [| "m-1" |]
                "no temporary folder"
        }
        test "metadata --output-file: written whole; a missing folder is a usage error; a failed write is local" {
            use server = new Server(standard (fun (b, _) -> 200, predictionReply b))
            let metadata = clientOptions server.Port @ [ "metadata"; "--output-file" ]
            usageError (metadata @ [ "/nonexist/m.json" ]) [ "--output-file"; "/nonexist"; "does not exist" ]
            Expect.equal (server.Count "/gordo/v0/proj/revisions") 0 "no request made"
            let dir = temp ()
            Directory.CreateDirectory dir |> ignore
            let file = Path.Combine(dir, "m.json")
            let code, stdout, err = gordo (metadata @ [ file ])
            Expect.equal code 0 $"exit 0: %s{stdout}%s{err}"
            use json = Text.Json.JsonDocument.Parse(File.ReadAllText file)
            Expect.isTrue (json.RootElement.TryGetProperty "m-1" |> fst) "the machine's metadata"
            Expect.equal (names dir) [| "m.json" |] "no temporary file"
            let code, _, err = gordo (metadata @ [ dir ])
            Expect.equal code 1 $"exit 1: %s{err}"
            Expect.stringContains err $"cannot write the metadata to the local file %s{dir}" "a local failure"
            Expect.isFalse (err.Contains "cannot reach the server") "not blamed on the server"
            noTrace err
            Expect.equal (names dir) [| "m.json" |] "no temporary file"
        }
    ]
