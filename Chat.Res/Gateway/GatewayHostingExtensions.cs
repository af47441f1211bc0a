using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Res.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>
    /// The embedded RES gateway on this node's NATS connection (register <c>AddChatRes</c> too).
    /// With <c>Chat:Gateway:Url</c> set it is registered but serves nothing: pages use that gateway.
    /// </summary>
    public static IServiceCollection AddChatGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddSingleton<ResGateway>();
        services.AddHostedService(provider => provider.GetRequiredService<ResGateway>());
        return services;
    }

    /// <summary>Serves the gateway's WebSocket at <paramref name="path"/> (only when it is the embedded one).</summary>
    public static IEndpointRouteBuilder MapChatGateway(this IEndpointRouteBuilder endpoints, string path = "/ws")
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (!options.IsEmbedded)
        {
            return endpoints;
        }

        endpoints.Map(path, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await context.RequestServices.GetRequiredService<ResGateway>().ServeAsync(socket, context.RequestAborted);
        });
        return endpoints;
    }
}
