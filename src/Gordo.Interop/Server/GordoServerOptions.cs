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

    /// <summary>
    /// How many prediction requests compute at once, each on a thread of its own; the others wait
    /// in arrival order (<c>MAX_CONCURRENT_PREDICTIONS</c>, default: half the cores, at least one).
    /// </summary>
    public int? MaxConcurrentPredictions { get; set; }

    /// <summary>The project name (<c>PROJECT</c>).</summary>
    public string? Project { get; set; }

    private string? Lookup(string name) => name switch
    {
        "MODEL_COLLECTION_DIR" when ModelCollectionDirectory is not null => ModelCollectionDirectory,
        "EXPECTED_MODELS" when ExpectedModels is not null => JsonSerializer.Serialize(ExpectedModels),
        "N_CACHED_MODELS" when CachedModels is not null => CachedModels.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "N_CACHED_METADATA" when CachedMetadata is not null => CachedMetadata.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "MAX_CONCURRENT_PREDICTIONS" when MaxConcurrentPredictions is not null => MaxConcurrentPredictions.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "PROJECT" when Project is not null => Project,
        _ => Environment.GetEnvironmentVariable(name),
    };

    /// <summary>The server's configuration; a bad value is an <see cref="ArgumentException"/> naming it.</summary>
    internal ServerConfig ToServerConfig()
    {
        var result = ServerConfigModule.ofLookup(FSharpFunc<string, string>.FromConverter(name => Lookup(name)!));
        return result.IsOk ? result.ResultValue : throw new ArgumentException($"Gordo server options: {result.ErrorValue}");
    }
}
