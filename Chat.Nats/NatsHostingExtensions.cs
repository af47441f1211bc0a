using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Nats;

public static class NatsHostingExtensions
{
    /// <summary>
    /// <c>Nats:*</c> bound and validated at start, and the counter of lost connections. Both the room service and the
    /// gateway call it; calling it twice registers each thing once.
    /// </summary>
    public static IServiceCollection AddChatNats(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NatsOptions>().Bind(configuration.GetSection(NatsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NatsOptions>, NatsOptionsValidator>());
        services.TryAddSingleton<NatsConnectionEvents>();
        return services;
    }
}
