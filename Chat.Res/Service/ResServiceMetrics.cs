using System.Diagnostics.Metrics;

namespace Chat.Res.Service;

/// <summary>The RES service's instruments (meter <c>Chat.Res.Service</c>); exported by OpenTelemetry in the node.</summary>
public static class ResServiceMetrics
{
    public const string MeterName = "Chat.Res.Service";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> OutboxDelay = Meter.CreateHistogram<double>(
        "chat.res.outbox.delay", unit: "ms", description: "From queueing an event or reply until NATS took it (the outbox's queue and the publish).");
}
