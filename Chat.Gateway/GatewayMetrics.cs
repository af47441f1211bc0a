using System.Diagnostics.Metrics;

namespace Chat.Gateway;

/// <summary>The gateway's instruments (meter <c>Chat.Res</c>).</summary>
public static class GatewayMetrics
{
    public const string MeterName = "Chat.Gateway";

    private static readonly Meter Meter = new(MeterName);

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>(
        "chat.gateway.connections", unit: "{connection}", description: "Open client WebSocket connections.");

    public static readonly Counter<long> SlowClientsDropped = Meter.CreateCounter<long>(
        "chat.gateway.slow_clients", unit: "{connection}", description: "Connections closed because their send queue was full.");
}
