using Gordo.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gordo.Interop;

/// <summary>Registers the Gordo ML server's services in an ASP.NET Core application.</summary>
public static class GordoServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Gordo server options; <paramref name="configure"/> sets them (unset ones come from the
    /// environment variables of <c>gordo run-server</c>), access control included (API keys, JWT bearer
    /// tokens under the scheme <c>GordoBearer</c>, so the application's own schemes are untouched). The
    /// options are validated when first read (by <c>MapGordo</c>) and when the host starts: a bad value or
    /// a model collection directory that is not there throws an <see cref="OptionsValidationException"/>
    /// naming it, instead of failing every request. Map the endpoints with
    /// <see cref="GordoEndpointRouteBuilderExtensions.MapGordo"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddGordo(this IServiceCollection services, Action<GordoServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GordoServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GordoServerOptions>, GordoServerOptionsValidator>());
        services.TryAddSingleton<GordoRegistration>();
        if (configure is not null)
            services.Configure(configure);
        App.addHostedServices(services,
            provider => provider.GetRequiredService<IOptions<GordoServerOptions>>().Value.ToServerConfig());
        return services;
    }

    /// <summary>
    /// Adds the Gordo server options bound from <paramref name="configuration"/> (e.g.
    /// <c>builder.Configuration.GetSection("Gordo")</c>: keys are the property names of
    /// <see cref="GordoServerOptions"/>), validated when the host starts as with
    /// <see cref="AddGordo(IServiceCollection, Action{GordoServerOptions})"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IServiceCollection AddGordo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddGordo();
        services.Configure<GordoServerOptions>(configuration);
        return services;
    }
}

/// <summary>Maps the Gordo ML server's endpoints into an application's routing.</summary>
public static class GordoEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every Gordo route (<c>/healthcheck</c>, <c>/gordo/v0/{project}/...</c>) under <paramref name="prefix"/>
    /// (e.g. <c>"/ml"</c>; empty for the root). Revision selection, the <c>revision</c> and <c>Server-Timing</c>
    /// headers and Gordo's error replies apply to these endpoints only; the application's other endpoints
    /// are untouched. Requires <see cref="GordoServiceCollectionExtensions.AddGordo(IServiceCollection, Action{GordoServerOptions})"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><c>AddGordo</c> was not called.</exception>
    /// <exception cref="OptionsValidationException">An option is invalid or the model collection directory is missing.</exception>
    public static IEndpointConventionBuilder MapGordo(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<GordoRegistration>() is null)
            throw new InvalidOperationException("Call services.AddGordo(...) before app.MapGordo(...).");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GordoServerOptions>>();
        return App.mapHosted(options.Value.ToServerConfig(), endpoints, prefix);
    }
}

/// <summary>Marks that <see cref="GordoServiceCollectionExtensions.AddGordo(IServiceCollection, Action{GordoServerOptions})"/> ran.</summary>
internal sealed class GordoRegistration
{
}
