namespace Chat.Nats;

/// <summary>The meter of what the service and the gateway count alike: lost NATS connections, refused input.</summary>
public static class NatsMetrics
{
    public const string MeterName = "Chat.Nats";
}
