using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Chat.Nats;

/// <summary>
/// How a node reaches NATS, bound from <c>Nats</c> by each part that connects (the room service, the gateway), so
/// that neither borrows the other's connection: <code>"Nats": { "Url": "nats://127.0.0.1:4222" }</code>
/// The room service reads its own keys (queue group, outbox) from the same section.
/// </summary>
public sealed class NatsOptions
{
    public const string Section = "Nats";

    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>Messages buffered per subscription (requests for the service, events for the gateway) before NATS drops new ones.</summary>
    public int PendingRequests { get; set; } = 65536;

    /// <summary>Wait between reconnect attempts after NATS was lost.</summary>
    public TimeSpan ReconnectWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How one connection connects; each (service, gateway) has a name of its own, shown by the NATS server.</summary>
    public NatsOpts ConnectionOptions(string name, ILoggerFactory loggers) => NatsOpts.Default with
    {
        Url = Url,
        Name = name,
        LoggerFactory = loggers,
        SubPendingChannelCapacity = PendingRequests,
        ReconnectWaitMin = ReconnectWait,
        ReconnectWaitMax = ReconnectWait,
        MaxReconnectRetry = -1,
    };
}
