/// Coherence of the generated workflow with the tools it runs (issue 7, "Tests"): each
/// model-builder step's command runs with that step's environment, as the pod would (paths under
/// /gordo and /tmp mapped to a temp dir); then the server Deployment's command runs with its
/// environment (on loopback, a free port), and `/gordo/v0/{project}/models` lists every machine;
/// with the InfluxDB of the test running, each machine's gordo-client step runs its script too.
module Gordo.Tests.Workflow.WorkflowCoherenceTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Net.Sockets
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open Expecto
open Gordo.Workflow
open Gordo.Tests.Support

let private project = "coherence"

let private config =
    """machines:
  - name: machine-a
    dataset:
      tags: [TAG-A1, TAG-A2, TAG-A3]
  - name: machine-b
    dataset:
      tags: [TAG-B1, TAG-B2]
globals:
  dataset:
    data_provider: {type: RandomDataProvider}
    train_start_date: 2020-01-01T00:00:00+00:00
    train_end_date: 2020-01-02T00:00:00+00:00
    resolution: 30T
  model:
    gordo.machine.model.anomaly.diff.DiffBasedAnomalyDetector:
      require_thresholds: false
      base_estimator:
        sklearn.pipeline.Pipeline:
          steps:
            - sklearn.preprocessing.MinMaxScaler
            - sklearn.linear_model.LinearRegression
  evaluation:
    cv_mode: build_only
"""

let private generate (dir: string) : JsonNode =
    let path = Path.Combine(dir, "config.yaml")
    File.WriteAllText(path, config)

    let arguments =
        dict [
            "machine-config", path
            "project-name", project
            "project-revision", "1700000000000"
        ]

    let sources = {
        Arguments = Dictionary(arguments) :> IReadOnlyDictionary<string, string>
        Environment = (fun _ -> None)
        Now = DateTimeOffset.UnixEpoch
        InstalledVersion = "0.1.0"
        LogLevel = None
    }

    match WorkflowOptions.parse sources |> Result.mapError (List.map _.Message) with
    | Error e -> failtestf "options: %A" e
    | Ok options ->
        match WorkflowGenerator.generate options (fun _ -> None) with
        | Error e -> failtestf "generate: %A" e.Messages
        | Ok g ->
            match YamlJson.parseDocuments g.Text with
            | Ok [ workflow ] -> workflow
            | other -> failtestf "one Workflow expected: %A" other

/// The node at a path of keys.
let private at (keys: string list) (node: JsonNode) : JsonNode =
    keys |> List.fold (fun (n: JsonNode) (k: string) -> n[k]) node

let private items (node: JsonNode) : JsonNode list =
    match node with
    | :? JsonArray as a -> List.ofSeq a
    | _ -> []

let private text (node: JsonNode) : string = node.GetValue<string>()

let private named (name: string) (nodes: JsonNode list) : JsonNode =
    nodes |> List.find (fun n -> text (at [ "name" ] n) = name)

let private parameters (task: JsonNode) : Map<string, string> =
    items (at [ "arguments"; "parameters" ] task)
    |> List.map (fun p -> text (at [ "name" ] p), text (at [ "value" ] p))
    |> Map.ofList

/// `{{inputs.parameters.x}}` replaced by the caller's values, as Argo does.
let private substitute (values: Map<string, string>) (s: string) : string =
    Regex.Replace(s, @"\{\{inputs\.parameters\.([A-Za-z0-9_.-]+)\}\}", fun m -> values[m.Groups[1].Value])

/// A container path as the pod sees it, mapped into the temp dir (/gordo, /tmp, /metrics).
let private mapPath (root: string) (value: string) : string =
    if [ "/gordo"; "/tmp"; "/metrics" ] |> List.exists value.StartsWith then
        root + value
    else
        value

/// The cluster's PostgreSQL service as the local test server of .ci/setup.d/50-postgres.sh, if
/// it runs (a pod reaches `gordo-postgres-<project>:5432`; here that name does not resolve).
let private localPostgres () : JsonObject option =
    let env name =
        Environment.GetEnvironmentVariable name |> Option.ofObj

    env "GORDO_TEST_POSTGRES_HOST"
    |> Option.map (fun host ->
        JsonObject(
            dict [
                "host", JsonValue.Create host :> JsonNode
                "port", JsonValue.Create(env "GORDO_TEST_POSTGRES_PORT" |> Option.defaultValue "5432" |> int)
                "user", JsonValue.Create(env "GORDO_TEST_POSTGRES_USER" |> Option.defaultValue "postgres")
                "password", JsonValue.Create(env "GORDO_TEST_POSTGRES_PASSWORD" |> Option.defaultValue "postgres")
                "database", JsonValue.Create(env "GORDO_TEST_POSTGRES_DATABASE" |> Option.defaultValue "postgres")
            ]
        ))

/// The `MACHINE` payload with the PostgresReporter pointed at the local test server (or dropped
/// when none runs), as a service name is mapped to loopback; everything else is unchanged.
let private mapServices (machine: string) : string =
    let payload = JsonNode.Parse machine
    let key = "gordo.reporters.postgres.PostgresReporter"
    // `runtime` is itself JSON-encoded text in Gordo's wire format (spec §1.9).
    let runtime = JsonNode.Parse(text payload["runtime"])

    match runtime["reporters"] with
    | :? JsonArray as reporters ->
        for reporter in List.ofSeq reporters do
            match reporter with
            | :? JsonObject as o when o.ContainsKey key ->
                match localPostgres () with
                | Some settings -> o[key] <- settings
                | None -> reporters.Remove reporter |> ignore
            | _ -> ()

        payload["runtime"] <- JsonValue.Create(runtime.ToJsonString())
        payload.ToJsonString()
    | _ -> machine

/// A container's literal env values (valueFrom entries, e.g. optional config maps, are skipped).
let private environment (root: string) (values: Map<string, string>) (container: JsonNode) =
    items (at [ "env" ] container)
    |> List.choose (fun e ->
        match at [ "value" ] e with
        | null -> None
        | v ->
            let name = text (at [ "name" ] e)
            let value = mapPath root (substitute values (text v))
            Some(name, (if name = "MACHINE" then mapServices value else value)))

let private gordoDll =
    Path.Combine(repoRoot, "src", "Gordo.Cli", "bin", "Release", "net10.0", "gordo.dll")

/// `gordo ...` as `dotnet exec gordo.dll ...` with exactly the given environment additions.
let private start (command: string list) (env: (string * string) list) : Process =
    Expect.equal (List.head command) "gordo" "the container runs the gordo CLI"

    let psi =
        ProcessStartInfo(
            "dotnet",
            "exec" :: gordoDll :: List.tail command,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        )

    for k, v in env do
        psi.Environment[k] <- v

    Process.Start psi

let private freePort () =
    let listener = new TcpListener(IPAddress.Loopback, 0)
    listener.Start()
    let port = (listener.LocalEndpoint :?> IPEndPoint).Port
    listener.Stop()
    port

let private build (root: string) (workflow: JsonNode) : string list =
    let templates = items (at [ "spec"; "templates" ] workflow)
    let builder = named "model-builder" templates
    let command = items (at [ "container"; "command" ] builder) |> List.map text
    let tasks = items (at [ "dag"; "tasks" ] (named "do-all" templates))
    Directory.CreateDirectory(root + "/tmp") |> ignore

    [
        for task in tasks do
            if text (at [ "template" ] task) = "model-builder" then
                let values = parameters task
                let machine = values["machine-name"]
                use proc = start command (environment root values (at [ "container" ] builder))
                let out = proc.StandardOutput.ReadToEndAsync()
                let err = proc.StandardError.ReadToEndAsync()
                proc.WaitForExit()
                Expect.equal proc.ExitCode 0 $"gordo build of %s{machine}: %s{out.Result}%s{err.Result}"
                machine
    ]

/// The Kubernetes object a server template applies (its `resource` parameter), for the project's
/// server host.
let private serverResource (workflow: JsonNode) (template: string) : JsonNode =
    let templates = items (at [ "spec"; "templates" ] workflow)
    let tasks = items (at [ "dag"; "tasks" ] (named "do-all" templates))
    let host = parameters (named "gordo-server" tasks)

    let resource =
        items (at [ "steps" ] (named template templates))
        |> List.head
        |> items
        |> List.head
        |> parameters
        |> Map.find "resource"
        |> substitute host

    match YamlJson.parseDocuments resource with
    | Ok [ o ] -> o
    | other -> failtestf "one object expected from %s: %A" template other

/// The server Deployment's containers.
let private serverContainers (workflow: JsonNode) : JsonNode list =
    items (at [ "spec"; "template"; "spec"; "containers" ] (serverResource workflow "gordo-server-deployment"))

let private serverContainer (workflow: JsonNode) : JsonNode =
    match serverContainers workflow with
    | [ c ] -> c
    | cs -> failtestf "the server Deployment runs one container (no metrics sidecar), found %d" cs.Length

/// The container port of a named port.
let private containerPort (container: JsonNode) (name: string) : int =
    items (at [ "ports" ] container)
    |> List.find (fun p -> text (at [ "name" ] p) = name)
    |> at [ "containerPort" ]
    |> fun n -> int (n.GetValue<int64>())

/// The container's probes requested as the kubelet does (httpGet on the named port; success is
/// 200-399), the container's port 5555 being `port` on loopback here. Returns the probes done.
let private probes (container: JsonNode) (port: int) (client: HttpClient) : string list = [
    for probe in [ "readinessProbe"; "livenessProbe" ] do
        match at [ probe; "httpGet" ] container with
        | null -> ()
        | get ->
            let named = text (at [ "port" ] get)
            Expect.equal (containerPort container named) 5555 $"%s{probe} targets the server's port"
            let path = text (at [ "path" ] get)
            let response = client.GetAsync($"http://127.0.0.1:%d{port}%s{path}").Result
            let code = int response.StatusCode
            Expect.isTrue (code >= 200 && code < 400) $"%s{probe} answered %d{code}"
            probe
]

let rec private poll (client: HttpClient) (url: string) (deadline: DateTime) (server: Process) : string =
    let answer =
        try
            let r = client.GetAsync(url).Result

            if r.IsSuccessStatusCode then
                Some(r.Content.ReadAsStringAsync().Result)
            else
                None
        with :? AggregateException ->
            None

    match answer with
    | Some body -> body
    | None when DateTime.UtcNow < deadline && not server.HasExited ->
        Threading.Thread.Sleep 250
        poll client url deadline server
    | None -> failtestf "the server did not answer %s (exited: %b)" url server.HasExited

/// The InfluxDB of the test (.ci/setup.d/40-influxdb.sh) as `user:password@host:port`, if it runs.
let private localInflux () : string option =
    Environment.GetEnvironmentVariable "GORDO_TEST_INFLUX_URI"
    |> Option.ofObj
    |> Option.filter ((<>) "")
    |> Option.map (fun uri -> uri.Substring(0, uri.LastIndexOf '/'))

let private influxQuery (server: string) (q: string) : string =
    let credentials, host = server.Split('@').[0], server.Split('@').[1]
    use client = new HttpClient()
    let url = $"http://%s{host}/query?db=feeder&q=" + Uri.EscapeDataString q
    use req = new HttpRequestMessage(HttpMethod.Post, url)
    let raw = Text.Encoding.UTF8.GetBytes credentials
    req.Headers.Authorization <- Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String raw)
    client.Send(req).Content.ReadAsStringAsync().Result

/// Each machine's `gordo-client` step: its bash script with its environment, `gordo` being the
/// built CLI, the server and InfluxDB hosts mapped to loopback (the `feeder` database is made
/// afresh first, as the workflow's database step does). Returns the machines whose step succeeded.
let private runClients (root: string) (workflow: JsonNode) (port: int) (influx: string) : string list =
    let templates = items (at [ "spec"; "templates" ] workflow)
    let client = named "gordo-client" templates
    let script = text (at [ "script"; "source" ] client)
    let tasks = items (at [ "dag"; "tasks" ] (named "do-all" templates))
    // A fresh database: measurements left by an earlier run must not satisfy the assertions.
    influxQuery influx "DROP DATABASE feeder" |> ignore
    influxQuery influx "CREATE DATABASE feeder" |> ignore

    let mapEnv (name: string, value: string) =
        match name with
        | "GORDO_CLIENT_HOST" -> name, "127.0.0.1"
        | "GORDO_CLIENT_PORT" -> name, string port
        | "GORDO_CLIENT_PREDICT_INFLUX_URI" -> name, influx + value.Substring(value.IndexOf '/')
        | _ -> name, value

    [
        for task in tasks do
            if text (at [ "template" ] task) = "gordo-client-para-limited" then
                let values = parameters task
                let env = environment root values (at [ "script" ] client) |> List.map mapEnv

                let psi =
                    ProcessStartInfo("bash", RedirectStandardOutput = true, RedirectStandardError = true)

                psi.ArgumentList.Add "-c"
                psi.ArgumentList.Add($"gordo() {{ dotnet exec '%s{gordoDll}' \"$@\"; }}\n" + script)

                for k, v in env do
                    psi.Environment[k] <- v

                use proc = Process.Start psi
                let out = proc.StandardOutput.ReadToEndAsync()
                let err = proc.StandardError.ReadToEndAsync()
                proc.WaitForExit()
                let machine = values["model-name"]
                Expect.equal proc.ExitCode 0 $"gordo-client step of %s{machine}: %s{out.Result}%s{err.Result}"
                machine
    ]

/// What the running server showed: the machines it lists, the probes that passed, its /metrics.
type private Served = {
    Models: string list
    Probes: string list
    Metrics: string
}

let private serve (root: string) (workflow: JsonNode) (whileUp: int -> unit) : Served =
    let container = serverContainer workflow
    let command = items (at [ "command" ] container) |> List.map text
    let port = freePort ()

    let env =
        environment root Map.empty container
        @ [ "GORDO_SERVER_HOST", "127.0.0.1"; "GORDO_SERVER_PORT", string port ]

    use server = start command env

    try
        use client = new HttpClient(Timeout = TimeSpan.FromSeconds 10.0)
        let url = $"http://127.0.0.1:%d{port}/gordo/v0/%s{project}/models"
        let body = poll client url (DateTime.UtcNow.AddSeconds 60.0) server
        let probed = probes container port client
        whileUp port

        {
            Models = items (at [ "models" ] (JsonNode.Parse body)) |> List.map text
            Probes = probed
            Metrics = client.GetStringAsync($"http://127.0.0.1:%d{port}/metrics").Result
        }
    finally
        if not server.HasExited then
            server.Kill()
            server.WaitForExit()

/// Every template that runs a container or a script of ours: (name, image, script source).
let private ownSteps (workflow: JsonNode) : (string * string * string option) list = [
    for t in items (at [ "spec"; "templates" ] workflow) do
        for kind in [ "container"; "script" ] do
            match at [ kind ] t with
            | null -> ()
            | step ->
                let source =
                    match at [ "source" ] step with
                    | null -> None
                    | s -> Some(text s)

                text (at [ "name" ] t), text (at [ "image" ] step), source
]

/// Runs a script with bash and the given environment; fails the test unless it exits 0 within
/// a minute. Returns its standard output.
let private runBash (what: string) (script: string) (env: (string * string) list) : string =
    let psi =
        ProcessStartInfo("bash", RedirectStandardOutput = true, RedirectStandardError = true)

    psi.ArgumentList.Add "-c"
    psi.ArgumentList.Add script

    for k, v in env do
        psi.Environment[k] <- v

    use proc = Process.Start psi
    let out = proc.StandardOutput.ReadToEndAsync()
    let err = proc.StandardError.ReadToEndAsync()
    Expect.isTrue (proc.WaitForExit 60000) $"%s{what} finishes"
    Expect.equal proc.ExitCode 0 $"%s{what}: %s{out.Result}%s{err.Result}"
    out.Result

/// A script step's script against a stub HTTP service on loopback (the service URL mapped there,
/// the image's /home/gordo/resources/ mapped to the repository's deploy/): what it posted.
let private runAgainstStub (workflow: JsonNode) (template: string) (service: string) : (string * string) list =
    let templates = items (at [ "spec"; "templates" ] workflow)
    let script = text (at [ "script"; "source" ] (named template templates))
    let posted = Collections.Concurrent.ConcurrentQueue<string * string>()

    use stub =
        new Gordo.Tests.Client.FakeServer.Server(fun (_, path, body, _) ->
            posted.Enqueue((path, body))
            200, "{}")

    let mapped =
        script
            .Replace(service, $"http://127.0.0.1:%d{stub.Port}")
            .Replace("/home/gordo/resources/", Path.Combine(repoRoot, "deploy") + "/")

    runBash template mapped [] |> ignore
    List.ofSeq posted

/// `kubectl` as a recording stub, for scripts run without a cluster: each call's arguments go
/// to `$STUB_DIR/calls` and an applied manifest (`apply -f -`) to `$STUB_DIR/applied`; `get ... -o
/// json` answers an empty list; every call succeeds.
let private kubectlStub =
    """kubectl() {
  printf '%s\n' "$*" >> "$STUB_DIR/calls"
  case " $* " in
    *" apply "*) cat >> "$STUB_DIR/applied"; printf '\n---\n' >> "$STUB_DIR/applied" ;;
    *" -o json"*) echo '{"items": []}' ;;
  esac
}
"""

/// `{{inputs.parameters.x}}` replaced by the given values, others by a DNS-safe placeholder.
let private fill (values: Map<string, string>) (s: string) : string =
    Regex.Replace(
        s,
        @"\{\{inputs\.parameters\.([A-Za-z0-9_.-]+)\}\}",
        fun m -> values.TryFind m.Groups[1].Value |> Option.defaultValue "coherence-param"
    )

/// Every resource the workflow applies through `apply-with-retries`, as Argo passes it.
let private appliedResources (workflow: JsonNode) : string list = [
    for t in items (at [ "spec"; "templates" ] workflow) do
        for group in items (at [ "steps" ] t) do
            for step in items group do
                if text (at [ "template" ] step) = "apply-with-retries" then
                    fill Map.empty (parameters step).["resource"]
]

/// Runs every kubectl-calling script step of ours with the kubectl stub and the step's env;
/// `apply-with-retries` once per applied resource. Returns the kubectl calls and the manifests.
let private runKubectlSteps (root: string) (workflow: JsonNode) : string list * string =
    let stubDir = Directory.CreateDirectory(Path.Combine(root, "kubectl")).FullName
    let templates = items (at [ "spec"; "templates" ] workflow)

    let run (t: JsonNode) (values: Map<string, string>) =
        let script = at [ "script" ] t

        let env =
            items (at [ "env" ] script)
            |> List.choose (fun e ->
                match at [ "value" ] e with
                | null -> None
                | v -> Some(text (at [ "name" ] e), fill values (text v)))

        runBash (text (at [ "name" ] t)) (kubectlStub + text (at [ "source" ] script)) (("STUB_DIR", stubDir) :: env)
        |> ignore

    for t in templates do
        match at [ "script" ] t with
        | null -> ()
        | script when (text (at [ "source" ] script)).Contains "kubectl" ->
            if text (at [ "name" ] t) = "apply-with-retries" then
                for resource in appliedResources workflow do
                    run t (Map.ofList [ "resource", resource ])
            else
                run t Map.empty
        | _ -> ()

    let read name =
        let path = Path.Combine(stubDir, name)
        if File.Exists path then File.ReadAllText path else ""

    read("calls").Split('\n', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray, read "applied"

/// The measurements a dashboard's InfluxQL queries read.
let private dashboardMeasurements (payload: string) : string list =
    let panels = items (at [ "dashboard"; "panels" ] (JsonNode.Parse payload))

    [
        for p in panels do
            for t in items (at [ "targets" ] p) do
                for m in Regex.Matches(text (at [ "query" ] t), "FROM \"([^\"]+)\"") -> m.Groups[1].Value
    ]
    |> List.distinct

[<Tests>]
let tests =
    testList "Workflow.Coherence" [
        test "builder steps run as pods would, and the server Deployment serves every machine" {
            let root =
                Path.Combine(Path.GetTempPath(), "gordo-coherence-" + Guid.NewGuid().ToString("N"))

            Directory.CreateDirectory root |> ignore

            try
                let workflow = generate root
                let built = build root workflow
                Expect.equal built [ "machine-a"; "machine-b" ] "one builder step per machine"
                let mutable predicted = []

                let clients (port: int) =
                    match localInflux () with
                    | Some influx ->
                        predicted <- runClients root workflow port influx

                        let reply =
                            influxQuery influx "SELECT count(sensor_value) FROM \"model-output\" GROUP BY machine"

                        for machine in predicted do
                            Expect.stringContains reply $"\"machine\":\"%s{machine}\"" "predictions in feeder"
                    | None -> ()

                let served = serve root workflow clients
                Expect.equal (List.sort served.Models) built "/models lists every machine"
                Expect.equal served.Probes [ "readinessProbe"; "livenessProbe" ] "both probes pass"
                Expect.stringContains served.Metrics "gordo_server_requests_total" "/metrics on the server's port"

                let container = serverContainer workflow

                for port in items (at [ "spec"; "ports" ] (serverResource workflow "gordo-server-svc")) do
                    let target = text (at [ "targetPort" ] port)
                    Expect.equal (containerPort container target) 5555 $"Service port %s{target} reaches the server"

                if (localInflux ()).IsSome then
                    Expect.equal predicted built "one gordo-client step per machine, each succeeded"

                let posted =
                    runAgainstStub workflow "gordo-grafana-datasource-creator" $"http://gordo-grafana-%s{project}:3000"

                let paths = posted |> List.map fst
                Expect.equal paths [ "/api/datasources"; "/api/datasources"; "/api/dashboards/db" ] "Grafana calls"
                let measurements = dashboardMeasurements (snd posted.[2])
                Expect.isNonEmpty measurements "the dashboard reads measurements"

                match localInflux () with
                | Some influx ->
                    let shown = influxQuery influx "SHOW MEASUREMENTS"

                    for m in measurements do
                        Expect.stringContains shown $"\"%s{m}\"" $"the dashboard's measurement %s{m} is forwarded"
                | None -> ()
            finally
                Directory.Delete(root, true)
        }
        test "script steps run without a cluster: kubectl stubbed, InfluxDB and Grafana on loopback" {
            let root =
                Path.Combine(Path.GetTempPath(), "gordo-coherence-" + Guid.NewGuid().ToString("N"))

            Directory.CreateDirectory root |> ignore

            try
                let workflow = generate root
                let calls, applied = runKubectlSteps root workflow

                for expected in
                    [
                        "get workflows"
                        "apply -f -"
                        "delete hpa"
                        "delete deployments"
                        "delete svc"
                    ] do
                    Expect.exists calls (fun c -> c.StartsWith expected) $"a 'kubectl %s{expected}' call"

                let manifests =
                    applied.Split("\n---\n", StringSplitOptions.RemoveEmptyEntries)
                    |> Array.filter (fun m -> m.Trim() <> "")

                Expect.equal manifests.Length (appliedResources workflow).Length "one manifest per applied resource"

                for m in manifests do
                    match YamlJson.parseDocuments m with
                    | Ok docs ->
                        for d in docs do
                            for key in [ "apiVersion"; "kind" ] do
                                Expect.isNotNull (at [ key ] d) $"applied manifest has %s{key}: %s{m}"

                            Expect.isNotNull (at [ "metadata"; "name" ] d) $"applied manifest has a name: %s{m}"
                    | Error e -> failtestf "an applied manifest is not YAML (%A): %s" e m

                let influx =
                    runAgainstStub workflow "gordo-influx-database-creator" $"http://gordo-influx-%s{project}:8086"

                Expect.equal influx [ "/query", "q=CREATE+DATABASE+feeder" ] "the feeder database is created"
            finally
                Directory.Delete(root, true)
        }
        test "every step of ours runs our image, and every script step is valid bash" {
            let root =
                Path.Combine(Path.GetTempPath(), "gordo-coherence-" + Guid.NewGuid().ToString("N"))

            Directory.CreateDirectory root |> ignore

            try
                let steps = ownSteps (generate root)
                Expect.isGreaterThan steps.Length 5 "templates with containers or scripts"

                for name, image, source in steps do
                    Expect.equal image "localhost/gordo-dotnet:0.1.0" $"%s{name} runs our image"

                    source
                    |> Option.iter (fun script ->
                        let psi =
                            ProcessStartInfo("bash", RedirectStandardError = true, RedirectStandardOutput = true)

                        psi.ArgumentList.Add "-n"
                        psi.ArgumentList.Add "-c"
                        psi.ArgumentList.Add script
                        use proc = Process.Start psi
                        let err = proc.StandardError.ReadToEnd()
                        proc.WaitForExit()
                        Expect.equal proc.ExitCode 0 $"bash -n of %s{name}: %s{err}")

                for c in serverContainers (generate root) do
                    Expect.equal (text (at [ "image" ] c)) "localhost/gordo-dotnet:0.1.0" "server container image"
            finally
                Directory.Delete(root, true)
        }
    ]
