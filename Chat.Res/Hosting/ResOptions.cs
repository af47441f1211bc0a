namespace Chat.Res.Hosting;

/// <summary>
/// The room service's own keys in <c>Nats</c> (the connection's are <see cref="Chat.Nats.NatsOptions"/>):
/// <code>"Nats": { "QueueGroup": "chat" }</code>
/// </summary>
public sealed class ResOptions
{
    public const string Section = "Nats";

    /// <summary>All nodes of one deployment share it, so each request is served by exactly one node.</summary>
    public string QueueGroup { get; set; } = "chat";

    /// <summary>Messages waiting to be published; when full the oldest are dropped, and the reset after a reconnect repairs caches.</summary>
    public int OutboxCapacity { get; set; } = 262144;

    /// <summary>How much longer a gateway should wait when the room reports a slow write (the <c>timeout:"ms"</c> pre-response).</summary>
    public TimeSpan SlowReplyTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
