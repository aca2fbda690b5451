/// InfluxDataProvider against a real InfluxDB 1.x (started by .ci/setup.d/40-influxdb.sh, which
/// exports GORDO_TEST_INFLUX_URI). Without that variable the server tests are skipped.
module Gordo.Tests.Data.InfluxTests

open System
open System.Net.Http
open System.Threading
open Expecto
open Gordo.Core
open Gordo.Core.Config
open Gordo.Data

let private uri = Environment.GetEnvironmentVariable "GORDO_TEST_INFLUX_URI"

let private utc (s: string) =
    DateTimeOffset.Parse(s, Globalization.CultureInfo.InvariantCulture)

let private connection () =
    InfluxUri.tryParse uri None |> Result.defaultWith failwith

let private post (path: string) (body: string) =
    let c = connection ()
    use http = new HttpClient()
    let raw = Text.Encoding.UTF8.GetBytes(c.User + ":" + c.Password)

    use req =
        new HttpRequestMessage(HttpMethod.Post, c.BaseUrl + path, Content = new StringContent(body))

    req.Headers.Authorization <- Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String raw)
    let resp = http.Send req

    Expect.isTrue
        resp.IsSuccessStatusCode
        (sprintf "%s: %O %s" path resp.StatusCode (resp.Content.ReadAsStringAsync().Result))

let private seed =
    lazy
        (let c = connection ()
         post ("/query?q=" + Uri.EscapeDataString("CREATE DATABASE " + c.Database)) ""

         let lines = [
             for i in 0..47 ->
                 let t = (utc "2020-01-01T00:00:00Z").AddMinutes(float (30 * i)).ToUnixTimeSeconds()

                 sprintf
                     "sensors,tag=TAG-1.PV Value=%d %d\nsensors,tag=TAG-1xPV Value=-1 %d\nsensors,tag=TAG\\ 2 Value=%g %d"
                     i
                     t
                     t
                     (float i / 2.0)
                     t
         ]

         post (sprintf "/write?db=%s&precision=s" c.Database) (String.concat "\n" lines))

let private load (uriText: string) (tags: string list) =
    let args = [
        "measurement", Value.String "sensors"
        "uri", Value.String uriText
        "timeout", Value.Int 5L
    ]

    let p =
        DataProviderRegistry.create {
            Type = "InfluxDataProvider"
            Arguments = args
        }
        |> Result.defaultWith (fun e -> failwith e.Message)

    let tags = tags |> List.map (fun n -> { Name = n; Fields = [] })

    p
        .LoadAsync(utc "2020-01-01T00:00:00Z", utc "2020-01-01T12:00:00Z", tags, CancellationToken.None)
        .GetAwaiter()
        .GetResult()

let private server name body =
    if String.IsNullOrEmpty uri then
        ptestCase name ignore
    else
        testCase name (fun () ->
            seed.Force()
            body ())

[<Tests>]
let tests =
    testList "Data.Influx" [
        test "uri format of spec 1.5" {
            let c =
                InfluxUri.tryParse "me:se:cret@db.example:8086/influx/sensors" None
                |> Result.defaultWith failwith

            Expect.equal
                (c.BaseUrl, c.Database, c.User, c.Password)
                ("http://db.example:8086/influx", "sensors", "me", "se:cret")
                "parts"

            let k =
                InfluxUri.tryParse "me:pw@host:443/db" (Some("Ocp-Apim-Subscription-Key", "k"))
                |> Result.defaultWith failwith

            Expect.equal k.BaseUrl "https://host:443" "an API key means https"
            Expect.isError (InfluxUri.tryParse "host:8086" None) "malformed"
        }
        test "query text as Gordo writes it" {
            let c = InfluxUri.tryParse "u:p@h:1/db" None |> Result.defaultWith failwith
            let p = InfluxDataProvider(c, "sensors", "Value")

            Expect.equal
                (p.Query (utc "2020-01-01T00:00:00Z") (utc "2020-01-01T12:00:00Z") "A.B/1")
                "SELECT \"Value\" AS \"A.B/1\" FROM \"sensors\" WHERE (\"tag\" =~ /^A\\.B\\/1$/) AND time >= 1577836800s AND time <= 1577880000s"
                "query"
        }
        server "reads back what was written, inclusive range, regex-safe tag names" (fun () ->
            let frames =
                load uri [ "TAG-1.PV"; "TAG 2" ]
                |> Result.defaultWith (fun e -> failwith e.Message)

            Expect.equal (Frame.length frames.[0]) 25 "00:00..12:00 every 30 min, both ends"
            Expect.equal frames.[0].Data.[0].[24] 24.0 "values"
            Expect.equal frames.[1].Data.[0].[2] 1.0 "tag with a space"
            Expect.equal (Frame.timestamps frames.[0]).[1] (utc "2020-01-01T00:30:00Z") "timestamps")
        server "a tag without points comes back empty" (fun () ->
            let frames = load uri [ "NOPE" ] |> Result.defaultWith (fun e -> failwith e.Message)
            Expect.equal (Frame.length frames.[0]) 0 "empty")
        server "wrong password is Unauthorized" (fun () ->
            let c = connection ()
            let bad = uri.Replace(":" + c.Password + "@", ":wrong@")

            match load bad [ "TAG-1.PV" ] with
            | Error(ProviderError.Unauthorized _ as e) ->
                Expect.stringContains e.Message "refused the credentials" "message"
            | other -> failtestf "unexpected %A" other)
        server "unknown database is a server error" (fun () ->
            match load (uri.Substring(0, uri.LastIndexOf '/') + "/nodb") [ "TAG-1.PV" ] with
            | Error(ProviderError.BadResponse(_, d)) -> Expect.stringContains d "database not found" "detail"
            | other -> failtestf "unexpected %A" other)
        test "unreachable server fails fast with the endpoint" {
            match load "u:p@127.0.0.1:1/db" [ "A" ] with
            | Error(ProviderError.Unreachable(e, _) as err) ->
                Expect.stringContains e "127.0.0.1:1" "endpoint"
                Expect.stringContains err.Message "cannot reach" "message"
            | other -> failtestf "unexpected %A" other
        }
    ]
