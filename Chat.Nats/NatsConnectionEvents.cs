using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Chat.Nats;

/// <summary>
/// Counts every time one of this node's NATS connections (the service's, the gateway's) is lost.
/// A lost connection drops everything in flight on it, so it must never be something a client can
/// cause; the count is a metric for operators and what the hostile-client tests assert on.
/// </summary>
public sealed partial class NatsConnectionEvents(ILogger<NatsConnectionEvents> logger)
{
    public const string Service = "service";
    public const string Gateway = "gateway";

    private static readonly Meter Meter = new(NatsMetrics.MeterName);
    private static readonly Counter<long> Disconnected = Meter.CreateCounter<long>(
        "chat.nats.disconnects", unit: "{disconnect}", description: "Times one of the node's NATS connections was lost.");

    private readonly ConcurrentDictionary<string, int> _disconnects = new(StringComparer.Ordinal);

    public void Watch(INatsConnection connection, string name)
    {
        _disconnects.TryAdd(name, 0);
        connection.ConnectionDisconnected += (_, args) =>
        {
            _disconnects.AddOrUpdate(name, 1, (_, n) => n + 1);
            Disconnected.Add(1, new KeyValuePair<string, object?>("connection", name));
            LogDisconnected(logger, name, args.Message);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>How often the connection called <paramref name="name"/> was lost since the node started.</summary>
    public int Disconnects(string name) => _disconnects.GetValueOrDefault(name);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "NATS connection '{Name}' lost: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, string name, string reason);
}
