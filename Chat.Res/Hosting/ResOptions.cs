using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Chat.Res.Hosting;

/// <summary>
/// The node's NATS connection and RES service, bound from <c>Nats</c>:
/// <code>"Nats": { "Url": "nats://127.0.0.1:4222", "QueueGroup": "chat" }</code>
/// </summary>
public sealed class ResOptions
{
    public const string Section = "Nats";

    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>All nodes of one deployment share it, so each request is served by exactly one node.</summary>
    public string QueueGroup { get; set; } = "chat";

    /// <summary>Requests buffered per subscription before NATS drops new ones (the gateway then times out).</summary>
    public int PendingRequests { get; set; } = 65536;

    /// <summary>Messages waiting to be published; when full the oldest are dropped, and the reset after a reconnect repairs caches.</summary>
    public int OutboxCapacity { get; set; } = 262144;

    /// <summary>How much longer a gateway should wait when the room reports a slow write (the <c>timeout:"ms"</c> pre-response).</summary>
    public TimeSpan SlowReplyTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Wait between reconnect attempts after NATS was lost.</summary>
    public TimeSpan ReconnectWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How this node connects; each of its connections (service, gateway) has a name of its own.</summary>
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
