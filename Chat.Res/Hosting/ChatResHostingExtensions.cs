using Chat.Actors.Rooms;
using Chat.Nats;
using Chat.Res.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Chat.Res.Hosting;

public static class ChatResHostingExtensions
{
    /// <summary>
    /// Makes this node a RES service for <c>room.*</c> over NATS: its own connection, the request
    /// subscriptions in a queue group, and room output published as RES events and responses.
    /// Use with <c>AddChatCluster</c>; the order of the two calls does not matter.
    /// </summary>
    public static IServiceCollection AddChatRes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResOptions>().Bind(configuration.GetSection(ResOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResOptions>, ResOptionsValidator>());
        services.AddChatNats(configuration);
        services.TryAddSingleton<INatsConnection>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<NatsOptions>>().Value;
            var connection = new NatsConnection(options.ConnectionOptions("chat-node", provider.GetRequiredService<ILoggerFactory>()));
            provider.GetRequiredService<NatsConnectionEvents>().Watch(connection, NatsConnectionEvents.Service);
            return connection;
        });
        services.AddSingleton<NatsOutbox>();
        services.AddHostedService(provider => provider.GetRequiredService<NatsOutbox>());
        services.AddSingleton<NatsRoomOutput>();
        services.RemoveAll<IRoomOutput>();
        services.AddSingleton<IRoomOutput>(provider => provider.GetRequiredService<NatsRoomOutput>());
        services.AddHostedService<ResService>();
        return services;
    }
}
