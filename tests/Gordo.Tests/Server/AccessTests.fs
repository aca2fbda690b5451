module Gordo.Tests.Server.AccessTests

open System
open System.IO
open System.Net.Http
open System.Security.Claims
open System.Security.Cryptography
open System.Text
open System.Threading
open Expecto
open Microsoft.IdentityModel.JsonWebTokens
open Microsoft.IdentityModel.Tokens
open Gordo.Server
open Gordo.Tests.Server.ServerFixture

let private keysFile (text: string) =
    let path =
        Path.Combine(Path.GetTempPath(), "gordo-keys-" + Guid.NewGuid().ToString("N"))

    File.WriteAllText(path, text)
    path

let private withAccess (access: AccessConfig) =
    let dir = createModels ()

    serveWith {
        config dir with
            EnablePrometheus = true
            Access = access
    }

let private noAccess = ServerConfig.defaults.Access

/// Sends a request with optional headers; returns status and body text.
let private call (c: HttpClient) (method: string) (path: string) (headers: (string * string) list) =
    use request = new HttpRequestMessage(HttpMethod method, path)

    if method = "POST" then
        request.Content <- new StringContent($"""{{"X": %s{rows 2}}}""", Encoding.UTF8, "application/json")

    for k, v in headers do
        request.Headers.TryAddWithoutValidation(k, v) |> ignore

    let r = c.SendAsync(request).Result
    int r.StatusCode, r.Content.ReadAsStringAsync().Result

let private expectJsonError (status: int) (expected: int) (body: string) (what: string) =
    Expect.equal status expected $"%s{what}: %s{body}"
    Expect.isTrue (body.StartsWith "{\"error\":") $"%s{what}: JSON error, got %s{body}"

let private keyTests =
    testList "API keys" [
        test "no key, unknown key: 401 JSON; /healthcheck open; read may GET and predict; admin routes 403" {
            let c =
                withAccess {
                    noAccess with
                        ApiKeysFile = Some(keysFile "# comment\nr3ad-key read\n\nadm1n-key admin\n")
                }

            let read = [ "X-API-Key", "r3ad-key" ]
            let status, body = call c "GET" "/gordo/v0/proj/models" []
            expectJsonError status 401 body "no key"
            let status, body = call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "r3ad-keyX" ]
            expectJsonError status 401 body "unknown key"
            Expect.isFalse (body.Contains "r3ad") "the reply does not echo the key"
            Expect.equal (fst (call c "GET" "/healthcheck" [])) 200 "healthcheck"
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" read)) 200 "read GET"
            Expect.equal (fst (call c "POST" "/gordo/v0/proj/scaler/prediction" read)) 200 "read POST"

            Expect.equal
                (fst (call c "GET" "/gordo/v0/proj/models" [ "Authorization", "Bearer r3ad-key" ]))
                200
                "as a bearer value"

            let status, body = call c "GET" "/gordo/v0/proj/scaler/download-model" read
            expectJsonError status 403 body "read download"
            let status, body = call c "DELETE" "/gordo/v0/proj/scaler/revision/111" read
            expectJsonError status 403 body "read delete"
            let status, body = call c "GET" "/GORDO/v0/proj/scaler/Download-Model/" read
            expectJsonError status 403 body "read download in other letter case"
            let admin = [ "X-API-Key", "adm1n-key" ]
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/scaler/download-model" admin)) 200 "admin download"
            Expect.equal (fst (call c "DELETE" "/gordo/v0/proj/scaler/revision/111" admin)) 200 "admin delete"
        }
        test "metrics, docs and the index page need a key unless GORDO_SERVER_ANONYMOUS opens them" {
            let file = keysFile "k read\n"

            let closed =
                withAccess {
                    noAccess with
                        ApiKeysFile = Some file
                }

            let opened =
                withAccess {
                    noAccess with
                        ApiKeysFile = Some file
                        Anonymous = [ "metrics"; "docs"; "index" ]
                }

            for path in
                [
                    "/metrics"
                    "/swagger/index.html"
                    "/openapi/v1.json"
                    "/gordo/v0/proj/"
                    "/gordo/v0/proj"
                ] do
                Expect.equal (fst (call closed "GET" path [])) 401 $"closed %s{path}"
                Expect.equal (fst (call closed "GET" path [ "X-API-Key", "k" ])) 200 $"closed with key %s{path}"
                Expect.equal (fst (call opened "GET" path [])) 200 $"opened %s{path}"

            Expect.equal (fst (call opened "GET" "/gordo/v0/proj/models" [])) 401 "the API stays closed"
        }
        test "the file is re-read when it changes; an invalid rewrite keeps the previous keys" {
            let file = keysFile "old-key read\n"

            let c =
                withAccess {
                    noAccess with
                        ApiKeysFile = Some file
                }

            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "old-key" ])) 200 "old key"
            File.WriteAllText(file, "new-key admin\n")
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds 5.0)
            Thread.Sleep 1100
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "old-key" ])) 401 "old key gone"
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "new-key" ])) 200 "new key"
            File.WriteAllText(file, "new-key superuser\n")
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds 10.0)
            Thread.Sleep 1100
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "new-key" ])) 200 "kept"
        }
        test "GORDO_SERVER_API_KEY: one more key with the read role" {
            let c =
                withAccess {
                    noAccess with
                        ApiKey = Some "client-key"
                }

            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "client-key" ])) 200 "read"
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", "other" ])) 401 "other"

            Expect.equal
                (fst (call c "GET" "/gordo/v0/proj/scaler/download-model" [ "X-API-Key", "client-key" ]))
                403
                "admin route"
        }
        test "file errors name the line, never the key" {
            match ApiKeys.parse "s3cr3t-value superuser\n" with
            | Error e ->
                Expect.stringContains e "line 1" "line"
                Expect.isFalse (e.Contains "s3cr3t") "no key in the message"
            | Ok _ -> failtest "a bad role must be an error"

            Expect.isError (ApiKeys.parse "only-one-word\n") "one word"
            Expect.isError (ApiKeys.parse "# nothing\n") "no keys"

            Expect.isError
                (Access.check {
                    noAccess with
                        ApiKeysFile = Some "/nonexistent/keys"
                })
                "missing file"
        }
        test "a key matches only itself (constant-time comparison of digests)" {
            let table =
                match ApiKeys.parse "abc read\nabcd admin\n" with
                | Ok t -> t
                | Error e -> failtest e

            Expect.equal (ApiKeys.roleOf table "abc") (Some Role.Read) "abc"
            Expect.equal (ApiKeys.roleOf table "abcd") (Some Role.Admin) "abcd"
            Expect.equal (ApiKeys.roleOf table "ab") None "prefix"
            Expect.equal (ApiKeys.roleOf table "") None "empty"
        }
    ]

let private signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes 32)

let private token (key: string) (claims: (string * obj) list) (expires: DateTime) (audience: string) =
    let descriptor =
        SecurityTokenDescriptor(
            Issuer = "test-issuer",
            Audience = audience,
            Expires = Nullable expires,
            NotBefore = Nullable(expires.AddHours -2.0),
            IssuedAt = Nullable(expires.AddHours -2.0),
            SigningCredentials =
                SigningCredentials(SymmetricSecurityKey(Convert.FromBase64String key), SecurityAlgorithms.HmacSha256)
        )

    descriptor.Claims <- dict claims
    JsonWebTokenHandler().CreateToken descriptor

let private jwtTests =
    testList "JWT bearer" [
        test "tokens signed by the configured key: roles from the claim; bad signature, expiry, audience: 401" {
            let c =
                withAccess {
                    noAccess with
                        JwtSigningKey = Some signingKey
                        JwtAudience = Some "gordo"
                        JwtRoleClaim = "gordo_roles"
                }

            let soon = DateTime.UtcNow.AddHours 1.0

            let bearer (t: string) = [ "Authorization", $"Bearer %s{t}" ]
            let read = token signingKey [ "gordo_roles", box [| "read" |] ] soon "gordo"
            let admin = token signingKey [ "gordo_roles", box "admin" ] soon "gordo"
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" (bearer read))) 200 "read GET"
            Expect.equal (fst (call c "POST" "/gordo/v0/proj/scaler/prediction" (bearer read))) 200 "read POST"
            let status, body = call c "GET" "/gordo/v0/proj/scaler/download-model" (bearer read)
            expectJsonError status 403 body "read download"
            Expect.equal (fst (call c "GET" "/gordo/v0/proj/scaler/download-model" (bearer admin))) 200 "admin"

            let other = Convert.ToBase64String(RandomNumberGenerator.GetBytes 32)

            for what, t in
                [
                    "signed by another key", token other [ "gordo_roles", box "admin" ] soon "gordo"
                    "expired", token signingKey [ "gordo_roles", box "admin" ] (DateTime.UtcNow.AddHours -1.0) "gordo"
                    "another audience", token signingKey [ "gordo_roles", box "admin" ] soon "other"
                    "not a token", "abc.def.ghi"
                ] do
                let status, body = call c "GET" "/gordo/v0/proj/models" (bearer t)
                expectJsonError status 401 body what

            let none = token signingKey [ "roles", box "admin" ] soon "gordo"
            let status, body = call c "GET" "/gordo/v0/proj/models" (bearer none)
            expectJsonError status 403 body "no role in the configured claim"
        }
        test "API keys and tokens together: a key is tried first, then the token" {
            let c =
                withAccess {
                    noAccess with
                        ApiKeysFile = Some(keysFile "k1 read\n")
                        JwtSigningKey = Some signingKey
                }

            let admin =
                token signingKey [ "roles", box "admin" ] (DateTime.UtcNow.AddHours 1.0) "any"

            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "Authorization", "Bearer k1" ])) 200 "key"

            Expect.equal
                (fst (call c "GET" "/gordo/v0/proj/scaler/download-model" [ "Authorization", $"Bearer %s{admin}" ]))
                200
                "token"

            Expect.equal (fst (call c "GET" "/gordo/v0/proj/models" [ "X-API-Key", admin ])) 401 "a token is not a key"
        }
        test "a signing key that is neither PEM nor base64 of 32 bytes: a start-up error" {
            Expect.isError
                (Access.check {
                    noAccess with
                        JwtSigningKey = Some "short"
                })
                "not base64"

            Expect.isError
                (Access.check {
                    noAccess with
                        JwtSigningKey = Some(Convert.ToBase64String [| 1uy; 2uy |])
                })
                "too short"

            use rsa = RSA.Create 2048

            Expect.isOk
                (Access.check {
                    noAccess with
                        JwtSigningKey = Some(rsa.ExportSubjectPublicKeyInfoPem())
                })
                "RSA PEM"
        }
    ]

let private environmentTests =
    testList "environment" [
        test "the access variables are read; GORDO_SERVER_ANONYMOUS names only metrics, docs, index" {
            let lookup (vars: (string * string) list) (name: string) =
                vars |> List.tryFind (fst >> (=) name) |> Option.map snd |> Option.toObj

            match
                ServerConfig.ofLookup (
                    lookup [
                        "GORDO_SERVER_API_KEYS_FILE", "/keys"
                        "GORDO_SERVER_API_KEY", "k"
                        "GORDO_SERVER_JWT_AUDIENCE", "gordo"
                        "GORDO_SERVER_JWT_ROLE_CLAIM", "groups"
                        "GORDO_SERVER_ANONYMOUS", "Metrics, index"
                    ]
                )
            with
            | Ok c ->
                Expect.equal c.Access.ApiKeysFile (Some "/keys") "keys file"
                Expect.equal c.Access.ApiKey (Some "k") "key"
                Expect.equal c.Access.JwtAudience (Some "gordo") "audience"
                Expect.equal c.Access.JwtRoleClaim "groups" "role claim"
                Expect.equal c.Access.Anonymous [ "metrics"; "index" ] "anonymous"
            | Error e -> failtest e

            Expect.equal (ServerConfig.ofLookup (lookup [])).IsOk true "no variables"
            Expect.equal ServerConfig.defaults.Access.JwtRoleClaim "roles" "default claim"

            match ServerConfig.ofLookup (lookup [ "GORDO_SERVER_ANONYMOUS", "metrics,predictions" ]) with
            | Error e -> Expect.stringContains e "'predictions' is not one of metrics, docs, index" "message"
            | Ok _ -> failtest "an unknown part must be an error"
        }
    ]

let private startupTests =
    testList "start-up warning" [
        test "without access control: a warning for non-loopback addresses only" {
            let warn urls = Access.exposedWarning noAccess urls
            Expect.isNone (warn [ "http://127.0.0.1:5555"; "http://[::1]:5555"; "http://localhost:80" ]) "loopback"
            Expect.isSome (warn [ "http://0.0.0.0:5555" ]) "any address"
            Expect.isSome (warn [ "http://[::]:5555" ]) "any IPv6"
            Expect.isSome (warn [ "http://10.1.2.3:80" ]) "an interface"
            Expect.isSome (warn [ "http://+:80" ]) "wildcard"

            Expect.isNone
                (Access.exposedWarning { noAccess with ApiKeysFile = Some "k" } [ "http://0.0.0.0:5555" ])
                "keys configured"
        }
    ]

[<Tests>]
let tests =
    testList "Server.Access" [ keyTests; jwtTests; environmentTests; startupTests ]
