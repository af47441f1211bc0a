using Chat.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>
    /// The embedded RES gateway, with a NATS connection of its own to the server named by <c>Nats:Url</c>.
    /// With <c>Chat:Gateway:Url</c> set it is registered but serves nothing: pages use that gateway.
    /// </summary>
    public static IServiceCollection AddChatGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddChatNats(configuration);
        services.AddSingleton<ResGateway>();
        services.AddHostedService(provider => provider.GetRequiredService<ResGateway>());
        return services;
    }

    /// <summary>Serves the gateway's WebSocket at <paramref name="path"/> (only when it is the embedded one).</summary>
    public static IEndpointRouteBuilder MapChatGateway(this IEndpointRouteBuilder endpoints, string path = "/ws")
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.IsEmbedded)
        {
            endpoints.Map(path, context => context.RequestServices.GetRequiredService<ResGateway>().AcceptAsync(context));
        }

        return endpoints;
    }
}
