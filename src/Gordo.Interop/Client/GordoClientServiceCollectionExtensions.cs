using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Gordo.Interop;

/// <summary>Registering <see cref="IGordoClient"/> with a typed <see cref="HttpClient"/>.</summary>
public static class GordoClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IGordoClient"/> (implemented by <see cref="GordoClient"/>) as a typed
    /// HTTP client with <paramref name="configure"/>'s options: base address and project, batch
    /// size and parallelism, and retries by Microsoft.Extensions.Http.Resilience (5xx, I/O errors
    /// and timeouts, exponential backoff from <see cref="GordoClientOptions.BackoffBase"/>). The
    /// client's own retries are then off, so a request is not retried twice.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    /// <remarks>Resolving the client throws <see cref="InvalidOperationException"/> when <see cref="GordoClientOptions.BaseAddress"/> is not set.</remarks>
    public static IHttpClientBuilder AddGordoClient(this IServiceCollection services, Action<GordoClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GordoClientOptions>().Configure(configure);
        var builder = services.AddHttpClient<IGordoClient, GordoClient>((http, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<GordoClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress
                ?? throw new InvalidOperationException("AddGordoClient: set GordoClientOptions.BaseAddress (the server root)");
            var single = new GordoClientOptions
            {
                BaseAddress = options.BaseAddress, Project = options.Project, BatchSize = options.BatchSize,
                Parallelism = options.Parallelism, Retries = 0, BackoffBase = options.BackoffBase,
                UseParquet = options.UseParquet, ForwardResampledSensors = options.ForwardResampledSensors,
                ApiKey = options.ApiKey, Quality = options.Quality, Events = options.Events,
            };
            foreach (var (k, v) in options.Metadata) single.Metadata[k] = v;
            return new GordoClient(http, single);
        });
        builder.AddResilienceHandler("gordo", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<GordoClientOptions>>().Value;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, options.Retries),
                Delay = options.BackoffBase * 4,
                BackoffType = DelayBackoffType.Exponential,
                MaxDelay = options.BackoffBase * 300,
                UseJitter = false,
            });
        });
        return builder;
    }
}
