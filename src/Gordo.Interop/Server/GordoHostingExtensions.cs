using Gordo.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gordo.Interop;

/// <summary>Registers the Gordo ML server's services in an ASP.NET Core application.</summary>
public static class GordoServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Gordo server options; <paramref name="configure"/> sets them (unset ones come from the
    /// environment variables of <c>gordo run-server</c>), access control included (API keys, JWT bearer
    /// tokens under the scheme <c>GordoBearer</c>, so the application's own schemes are untouched). Map the endpoints with
    /// <see cref="GordoEndpointRouteBuilderExtensions.MapGordo"/>.
    /// </summary>
    public static IServiceCollection AddGordo(this IServiceCollection services, Action<GordoServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GordoServerOptions>();
        services.AddSingleton<GordoRegistration>();
        if (configure is not null)
            services.Configure(configure);
        App.addHostedServices(services,
            provider => provider.GetRequiredService<IOptions<GordoServerOptions>>().Value.ToServerConfig());
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
    /// are untouched. Requires <see cref="GordoServiceCollectionExtensions.AddGordo"/>.
    /// </summary>
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

/// <summary>Marks that <see cref="GordoServiceCollectionExtensions.AddGordo"/> ran.</summary>
internal sealed class GordoRegistration
{
}
