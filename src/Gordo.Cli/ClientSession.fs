namespace Gordo.Cli

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Net
open System.Net.Http
open System.Net.Security
open System.Security.Cryptography.X509Certificates
open Gordo.Core
open Gordo.Core.Config
open Gordo.Core.Yaml

/// How the server's certificate is checked (`verify` of `--session-config`).
[<RequireQualifiedAccess>]
type internal Verify =
    /// The system's trust store.
    | System
    /// Any certificate (`verify: false`).
    | Off
    /// Only the CA certificates of a PEM bundle (`verify: /path/ca.pem`).
    | Bundle of path: string

/// What `--session-config` sets on the HTTP session: the `requests.Session` attributes that
/// Gordo's client users set (`headers`, `auth`, `verify`, `cert`, `proxies`).
type internal Session = {
    Headers: (string * string) list
    Verify: Verify
    /// Client certificate: a PEM file with certificate and key, or the two files.
    Cert: (string * string option) option
    /// Proxy URL by scheme (`http`, `https`, `all`).
    Proxies: (string * string) list
}

[<RequireQualifiedAccess>]
module internal Session =
    /// No settings: system trust, no extra headers, no proxy.
    let none = {
        Headers = []
        Verify = Verify.System
        Cert = None
        Proxies = []
    }

    let private text (v: Value) =
        match v with
        | Value.String s -> s
        | other -> Print.json other

    let private basic (user: string) (password: string) =
        "Basic "
        + Convert.ToBase64String(Text.Encoding.UTF8.GetBytes(user + ":" + password))

    let private field (s: Session) (key: string, value: Value) : Result<Session, string> =
        let expected what =
            Error $"--session-config: '%s{key}' must be %s{what}"

        match key, value with
        | "headers", Value.Map h ->
            Ok {
                s with
                    Headers = s.Headers @ (h |> List.map (fun (k, v) -> k, text v))
            }
        | "headers", _ -> expected "a mapping of header names to values"
        | "auth", Value.List [ Value.String user; Value.String password ] ->
            Ok {
                s with
                    Headers = s.Headers @ [ "Authorization", basic user password ]
            }
        | "auth", _ -> expected "[user, password]"
        | "verify", Value.Bool true -> Ok { s with Verify = Verify.System }
        | "verify", Value.Bool false -> Ok { s with Verify = Verify.Off }
        | "verify", Value.String path when File.Exists path -> Ok { s with Verify = Verify.Bundle path }
        | "verify", Value.String path -> Error $"--session-config: 'verify': no CA bundle at '%s{path}'"
        | "verify", _ -> expected "true, false or the path of a CA bundle (PEM)"
        | "cert", Value.String path when File.Exists path -> Ok { s with Cert = Some(path, None) }
        | "cert", Value.List [ Value.String c; Value.String k ] when File.Exists c && File.Exists k ->
            Ok { s with Cert = Some(c, Some k) }
        | "cert", _ -> expected "an existing PEM file with certificate and key, or [certificate file, key file]"
        | "proxies", Value.Map ps when ps |> List.forall (fun (_, v) -> v.IsString) ->
            Ok {
                s with
                    Proxies = ps |> List.map (fun (k, v) -> k, text v)
            }
        | "proxies", _ -> expected "a mapping such as {\"https\": \"http://proxy.example:3128\"}"
        | _ ->
            eprintfn "gordo client: warning: --session-config: '%s' is not used by this client" key
            Ok s

    /// The session of a `--session-config` document.
    let ofValue (value: Value) : Result<Session, string> =
        match value with
        | Value.Map entries ->
            entries
            |> List.fold (fun acc e -> acc |> Result.bind (fun s -> field s e)) (Ok none)
        | _ -> Error "--session-config: expected a mapping such as {\"headers\": {\"API-KEY\": \"x\"}}"

    /// Accepts a server certificate that chains to one of the bundle's certificates.
    let private trusting (bundle: X509Certificate2Collection) =
        RemoteCertificateValidationCallback(fun _ cert _ errors ->
            match cert with
            | :? X509Certificate2 as cert when
                errors &&& ~~~SslPolicyErrors.RemoteCertificateChainErrors = SslPolicyErrors.None
                ->
                use chain = new X509Chain()
                chain.ChainPolicy.TrustMode <- X509ChainTrustMode.CustomRootTrust
                chain.ChainPolicy.CustomTrustStore.AddRange bundle
                chain.ChainPolicy.RevocationMode <- X509RevocationMode.NoCheck
                chain.Build cert
            | _ -> false)

    /// The handler of a session (connections bounded by the client's parallelism).
    let handler (s: Session) (scheme: string) (connections: int) : SocketsHttpHandler =
        let h = new SocketsHttpHandler(MaxConnectionsPerServer = max 2 connections)

        match s.Verify with
        | Verify.System -> ()
        | Verify.Off -> h.SslOptions.RemoteCertificateValidationCallback <- fun _ _ _ _ -> true
        | Verify.Bundle path ->
            let bundle = X509Certificate2Collection()
            bundle.ImportFromPemFile path
            h.SslOptions.RemoteCertificateValidationCallback <- trusting bundle

        s.Cert
        |> Option.iter (fun (cert, key) ->
            let c = X509Certificate2.CreateFromPemFile(cert, Option.toObj key)
            h.SslOptions.ClientCertificates <- X509CertificateCollection [| c :> X509Certificate |])

        let proxy =
            s.Proxies
            |> List.tryFind (fst >> (=) scheme)
            |> Option.orElse (s.Proxies |> List.tryFind (fst >> (=) "all"))

        proxy
        |> Option.iter (fun (_, url) ->
            h.Proxy <- WebProxy(url)
            h.UseProxy <- true)

        h

/// `--log-level debug`: one line per HTTP request (method, URL, status, time, size) on stderr.
type internal RequestLog(inner: HttpMessageHandler, writer: TextWriter) =
    inherit DelegatingHandler(inner)

    let line (text: string) =
        lock writer (fun () ->
            writer.WriteLine(
                DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
                + " DEBUG "
                + text
            ))

    member private _.Inner(request, cancel) = base.SendAsync(request, cancel)

    override this.SendAsync(request, cancel) =
        task {
            let clock = Stopwatch.StartNew()
            let what = $"%O{request.Method} %O{request.RequestUri}"

            try
                let! response = this.Inner(request, cancel)

                let size =
                    response.Content.Headers.ContentLength
                    |> Option.ofNullable
                    |> Option.defaultValue -1L

                line $"%s{what} -> %d{int response.StatusCode} in %d{clock.ElapsedMilliseconds} ms, %d{size} bytes"
                return response
            with e ->
                line $"%s{what} -> failed after %d{clock.ElapsedMilliseconds} ms: %s{e.Message}"
                return raise e
        }
