using System.Text.Json;
using Microsoft.FSharp.Core;
using Gordo.Server;

namespace Gordo.Interop;

/// <summary>
/// Settings of Gordo endpoints hosted in an ASP.NET Core application (spec §5.1). A property left
/// <c>null</c> falls back to its environment variable, as with <c>gordo run-server</c>.
/// </summary>
public sealed class GordoServerOptions
{
    /// <summary>The revision directory of the models (<c>MODEL_COLLECTION_DIR</c>).</summary>
    public string? ModelCollectionDirectory { get; set; }

    /// <summary>Model names the deployment expects (<c>EXPECTED_MODELS</c>).</summary>
    public IList<string>? ExpectedModels { get; set; }

    /// <summary>How many loaded models the store keeps (<c>N_CACHED_MODELS</c>).</summary>
    public int? CachedModels { get; set; }

    /// <summary>How many metadata documents the store keeps (<c>N_CACHED_METADATA</c>).</summary>
    public int? CachedMetadata { get; set; }

    /// <summary>The most memory, in MB, the loaded models may hold together (<c>CACHED_MODELS_MB</c>).</summary>
    public int? CachedModelsMegabytes { get; set; }

    /// <summary>The largest request body accepted, in MB; a larger one is answered 413 (<c>MAX_REQUEST_BODY_MB</c>).</summary>
    public int? MaxRequestBodyMegabytes { get; set; }

    /// <summary>
    /// Whether the expected models load in the background once the host has started, so that the first
    /// requests do not wait for them (<c>PRELOAD_EXPECTED_MODELS</c>).
    /// </summary>
    public bool? PreloadExpectedModels { get; set; }

    /// <summary>
    /// Whether the Gordo endpoints are timed and counted, served in Prometheus' text format at
    /// <c>{prefix}/metrics</c> (<c>ENABLE_PROMETHEUS</c>; under access control it needs a key unless
    /// <see cref="Anonymous"/> lists <c>metrics</c>).
    /// </summary>
    public bool? EnablePrometheus { get; set; }

    /// <summary>
    /// How many prediction requests compute at once, each on a thread of its own; the others wait
    /// in arrival order (<c>MAX_CONCURRENT_PREDICTIONS</c>, default: half the cores, at least one).
    /// </summary>
    public int? MaxConcurrentPredictions { get; set; }

    /// <summary>
    /// How many of its latest scored rows the server keeps per model for the project page's chart, events and
    /// data-quality warnings (<c>GORDO_SERVER_RECENT_ROWS</c>, default 1000; 0 keeps none).
    /// </summary>
    public int? RecentRows { get; set; }

    /// <summary>The project name (<c>PROJECT</c>).</summary>
    public string? Project { get; set; }

    /// <summary>
    /// A file of <c>KEY ROLE</c> lines (role <c>read</c> or <c>admin</c>), re-read when it changes; callers
    /// send <c>X-API-Key: KEY</c> or <c>Authorization: Bearer KEY</c> (<c>GORDO_SERVER_API_KEYS_FILE</c>).
    /// </summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>One more API key, with the <c>read</c> role, besides those of <see cref="ApiKeysFile"/> (<c>GORDO_SERVER_API_KEY</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The key that signs JWT bearer tokens: a PEM public key (RSA or EC) or a base64 symmetric key of at
    /// least 32 bytes (<c>GORDO_SERVER_JWT_SIGNING_KEY</c>).
    /// </summary>
    public string? JwtSigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose keys sign the tokens (<c>GORDO_SERVER_JWT_AUTHORITY</c>).</summary>
    public string? JwtAuthority { get; set; }

    /// <summary>The required token audience (<c>GORDO_SERVER_JWT_AUDIENCE</c>; unset: not checked).</summary>
    public string? JwtAudience { get; set; }

    /// <summary>The required token issuer (<c>GORDO_SERVER_JWT_ISSUER</c>).</summary>
    public string? JwtIssuer { get; set; }

    /// <summary>The claim whose values <c>read</c>/<c>admin</c> give the role (<c>GORDO_SERVER_JWT_ROLE_CLAIM</c>, default <c>roles</c>).</summary>
    public string? JwtRoleClaim { get; set; }

    /// <summary>
    /// Which of <c>metrics</c>, <c>docs</c> and <c>index</c> are open without credentials when access control
    /// is on (<c>GORDO_SERVER_ANONYMOUS</c>; default none).
    /// </summary>
    public IList<string>? Anonymous { get; set; }

    private string? Lookup(string name) => name switch
    {
        "MODEL_COLLECTION_DIR" when ModelCollectionDirectory is not null => ModelCollectionDirectory,
        "EXPECTED_MODELS" when ExpectedModels is not null => JsonSerializer.Serialize(ExpectedModels),
        "N_CACHED_MODELS" when CachedModels is not null => CachedModels.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "N_CACHED_METADATA" when CachedMetadata is not null => CachedMetadata.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "CACHED_MODELS_MB" when CachedModelsMegabytes is not null => CachedModelsMegabytes.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "MAX_REQUEST_BODY_MB" when MaxRequestBodyMegabytes is not null => MaxRequestBodyMegabytes.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "PRELOAD_EXPECTED_MODELS" when PreloadExpectedModels is not null => PreloadExpectedModels.Value ? "true" : "false",
        "ENABLE_PROMETHEUS" when EnablePrometheus is not null => EnablePrometheus.Value ? "true" : "false",
        "GORDO_SERVER_API_KEY" when ApiKey is not null => ApiKey,
        "MAX_CONCURRENT_PREDICTIONS" when MaxConcurrentPredictions is not null => MaxConcurrentPredictions.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "GORDO_SERVER_RECENT_ROWS" when RecentRows is not null => RecentRows.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "PROJECT" when Project is not null => Project,
        "GORDO_SERVER_API_KEYS_FILE" when ApiKeysFile is not null => ApiKeysFile,
        "GORDO_SERVER_JWT_SIGNING_KEY" when JwtSigningKey is not null => JwtSigningKey,
        "GORDO_SERVER_JWT_AUTHORITY" when JwtAuthority is not null => JwtAuthority,
        "GORDO_SERVER_JWT_AUDIENCE" when JwtAudience is not null => JwtAudience,
        "GORDO_SERVER_JWT_ISSUER" when JwtIssuer is not null => JwtIssuer,
        "GORDO_SERVER_JWT_ROLE_CLAIM" when JwtRoleClaim is not null => JwtRoleClaim,
        "GORDO_SERVER_ANONYMOUS" when Anonymous is not null => string.Join(",", Anonymous),
        _ => Environment.GetEnvironmentVariable(name),
    };

    /// <summary>The server's configuration; a bad value is an <see cref="ArgumentException"/> naming it.</summary>
    internal ServerConfig ToServerConfig()
    {
        var result = ServerConfigModule.ofLookup(FSharpFunc<string, string>.FromConverter(name => Lookup(name)!));
        return result.IsOk ? result.ResultValue : throw new ArgumentException($"Gordo server options: {result.ErrorValue}");
    }
}
