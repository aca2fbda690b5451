namespace Gordo.Server

open System
open System.IO
open System.Net
open System.Security.Cryptography
open System.Text
open System.Text.Json
open System.Text.RegularExpressions
open System.Threading.Tasks
open Microsoft.AspNetCore.Authentication
open Microsoft.AspNetCore.Authentication.JwtBearer
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.IdentityModel.Tokens

/// What a request needs to pass.
[<RequireQualifiedAccess>]
type internal Need =
    /// Nothing (`/healthcheck`).
    | Nothing
    /// Nothing when `GORDO_SERVER_ANONYMOUS` names the part (`metrics`, `docs`, `index`: the
    /// project page and its files), else `read`.
    | Part of string
    /// A role.
    | Role of Role

/// Access control: API keys and JWT bearer tokens, checked before anything else of a request.
[<RequireQualifiedAccess>]
module internal Access =
    /// The authentication scheme of the bearer tokens (not `Bearer`, so a host application's own
    /// JWT scheme is left alone).
    [<Literal>]
    let Scheme = "GordoBearer"

    /// The project page and its files (`_page/...`; also as route templates).
    let private indexPage =
        Regex(@"^/gordo/v0/[^/]+(/_page/[^/]+)?$", RegexOptions.Compiled)

    /// What a request needs, from its method and its path (or route template) below Gordo's root.
    let need (method: string) (path: string) : Need =
        // Routing ignores case, so must this (`/DOWNLOAD-MODEL` is the admin route too).
        let p = (if path.Length > 1 then path.TrimEnd '/' else path).ToLowerInvariant()

        if p = "/healthcheck" then
            Need.Nothing
        elif p.StartsWith OpenApiDocs.UiPath || p.StartsWith "/openapi" then
            Need.Part "docs"
        elif p = "/metrics" then
            Need.Part "metrics"
        elif HttpMethods.IsDelete method || p.EndsWith "/download-model" then
            Need.Role Role.Admin
        elif indexPage.IsMatch p then
            Need.Part "index"
        else
            Need.Role Role.Read

    let private isEnabled (a: AccessConfig) =
        a.ApiKeysFile.IsSome
        || a.ApiKey.IsSome
        || a.JwtAuthority.IsSome
        || a.JwtSigningKey.IsSome

    let private usesJwt (a: AccessConfig) =
        a.JwtAuthority.IsSome || a.JwtSigningKey.IsSome

    /// The key that signs bearer tokens: a PEM public key (RSA or EC) or a base64 HMAC key.
    let signingKey (text: string) : Result<SecurityKey, string> =
        let invalid =
            "GORDO_SERVER_JWT_SIGNING_KEY is neither a PEM public key (RSA or EC) nor a base64 symmetric key"

        try
            if text.TrimStart().StartsWith "-----BEGIN" then
                try
                    let rsa = RSA.Create()
                    rsa.ImportFromPem text
                    Ok(RsaSecurityKey rsa :> SecurityKey)
                with :? ArgumentException ->
                    let ec = ECDsa.Create()
                    ec.ImportFromPem text
                    Ok(ECDsaSecurityKey ec :> SecurityKey)
            else
                let bytes = Convert.FromBase64String(text.Trim())

                if bytes.Length < 32 then
                    Error "GORDO_SERVER_JWT_SIGNING_KEY: a symmetric key must have at least 32 bytes (256 bits)"
                else
                    Ok(SymmetricSecurityKey bytes :> SecurityKey)
        with
        | :? FormatException
        | :? ArgumentException
        | :? CryptographicException -> Error invalid

    /// Checks what can be checked before serving: the keys file and the signing key.
    let check (a: AccessConfig) : Result<unit, string> =
        match a.JwtSigningKey |> Option.map signingKey with
        | Some(Error e) -> Error e
        | _ ->
            match a.ApiKeysFile with
            | Some path -> ApiKeysFile(path, ignore).Load()
            | None -> Ok()

    let private configureJwt (a: AccessConfig) (o: JwtBearerOptions) =
        o.MapInboundClaims <- false
        a.JwtAuthority |> Option.iter (fun v -> o.Authority <- v)
        let p = o.TokenValidationParameters
        p.RoleClaimType <- a.JwtRoleClaim

        match a.JwtAudience with
        | Some audience -> p.ValidAudience <- audience
        | None -> p.ValidateAudience <- false

        match a.JwtIssuer, a.JwtAuthority with
        | Some issuer, _ -> p.ValidIssuer <- issuer
        | None, None -> p.ValidateIssuer <- false
        | None, Some _ -> ()

        match a.JwtSigningKey |> Option.map signingKey with
        | Some(Ok key) -> p.IssuerSigningKey <- key
        | Some(Error e) -> invalidOp e
        | None -> ()

    /// Registers the bearer-token scheme, configured from `access` when first used.
    let addServices (services: IServiceCollection) (access: IServiceProvider -> AccessConfig) : unit =
        services.AddAuthentication().AddJwtBearer(Scheme, ignore) |> ignore

        services
            .AddOptions<JwtBearerOptions>(Scheme)
            .Configure<IServiceProvider>(fun o provider -> configureJwt (access provider) o)
        |> ignore

    /// The warning to log when the server listens beyond loopback without access control.
    let exposedWarning (a: AccessConfig) (urls: string seq) : string option =
        let beyondLoopback (url: string) =
            match Uri.TryCreate(url.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute) with
            | true, uri ->
                match IPAddress.TryParse(uri.Host.Trim('[', ']')) with
                | true, ip -> not (IPAddress.IsLoopback ip)
                | _ -> uri.Host <> "localhost"
            | _ -> true

        match urls |> Seq.filter beyondLoopback |> List.ofSeq with
        | exposed :: _ when not (isEnabled a) ->
            Some
                $"no access control: every route is open to anyone who reaches %s{exposed}; set GORDO_SERVER_API_KEYS_FILE, GORDO_SERVER_API_KEY or GORDO_SERVER_JWT_SIGNING_KEY/_AUTHORITY (README, \"Access control\")"
        | _ -> None

    let private deny (ctx: HttpContext) (status: int) (message: string) : Task =
        task {
            use buffer = new MemoryStream()

            using (new Utf8JsonWriter(buffer)) (fun w ->
                w.WriteStartObject()
                w.WriteString("error", message)
                w.WriteEndObject())

            ctx.Response.StatusCode <- status

            if status = 401 then
                ctx.Response.Headers.WWWAuthenticate <- "Bearer, ApiKey header=\"X-API-Key\""

            ctx.Response.ContentType <- "application/json"
            ctx.Response.ContentLength <- buffer.Length
            do! ctx.Response.Body.WriteAsync(buffer.ToArray())
        }

    /// The credential of a request: `X-API-Key`, else an `Authorization: Bearer` value.
    let private credential (ctx: HttpContext) : (string * bool) option =
        match ctx.Request.Headers.TryGetValue "X-API-Key" with
        | true, v when v.Count > 0 && (string v).Length > 0 -> Some(string v, false)
        | _ ->
            let auth = string ctx.Request.Headers.Authorization

            if auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) then
                Some(auth.Substring(7).Trim(), true)
            else
                None

    /// Checks requests against a configuration: `Some` of a handler when access control is on.
    type Gate(a: AccessConfig, keys: ApiKeysFile option) =
        let single =
            a.ApiKey
            |> Option.map (fun key -> [| SHA256.HashData(Encoding.UTF8.GetBytes key), Role.Read |])
            |> Option.defaultValue [||]

        let keyRole (value: string) =
            match keys |> Option.bind (fun k -> k.RoleOf value) with
            | Some role -> Some role
            | None -> ApiKeys.roleOf single value

        let roleOfToken (ctx: HttpContext) : Task<Result<Role, int * string>> =
            task {
                let! result = ctx.AuthenticateAsync Scheme

                if not result.Succeeded then
                    return Error(401, "The bearer token is not valid (signature, expiry, issuer or audience)")
                else
                    let roles =
                        result.Principal.FindAll a.JwtRoleClaim
                        |> Seq.map (fun c -> c.Value.ToLowerInvariant())
                        |> Set.ofSeq

                    if roles.Contains "admin" then
                        return Ok Role.Admin
                    elif roles.Contains "read" then
                        return Ok Role.Read
                    else
                        return Error(403, $"The token's claim '%s{a.JwtRoleClaim}' has neither read nor admin")
            }

        let roleOf (ctx: HttpContext) : Task<Result<Role, int * string>> =
            task {
                match credential ctx with
                | None ->
                    return Error(401, "Credentials required: send X-API-Key: KEY or Authorization: Bearer KEY|TOKEN")
                | Some(value, bearer) ->
                    match keyRole value with
                    | Some role -> return Ok role
                    | None when bearer && usesJwt a -> return! roleOfToken ctx
                    | None -> return Error(401, "Unknown API key")
            }

        /// Passes the request to `next` or answers 401/403.
        member _.Run(ctx: HttpContext, need: Need, next: unit -> Task) : Task =
            task {
                let required =
                    match need with
                    | Need.Nothing -> None
                    | Need.Part p when List.contains p a.Anonymous -> None
                    | Need.Part _ -> Some Role.Read
                    | Need.Role r -> Some r

                match required with
                | None -> do! next ()
                | Some required ->
                    match! roleOf ctx with
                    | Error(status, message) -> do! deny ctx status message
                    | Ok Role.Read when required = Role.Admin ->
                        do! deny ctx 403 "This route needs the admin role; the credential has read"
                    | Ok _ -> do! next ()
            }

    /// The gate of a configuration, or None when access control is off (Gordo's behaviour).
    let gate (a: AccessConfig) (warn: string -> unit) : Gate option =
        if isEnabled a then
            let keys =
                a.ApiKeysFile
                |> Option.map (fun path ->
                    let file = ApiKeysFile(path, warn)

                    match file.Load() with
                    | Ok() -> file
                    | Error e -> invalidOp e)

            a.JwtSigningKey
            |> Option.iter (signingKey >> Result.mapError invalidOp >> ignore)

            Some(Gate(a, keys))
        else
            None
