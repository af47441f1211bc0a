using System.Buffers;
using System.Threading.Channels;
using NATS.Client.Core;

namespace Chat.Gateway;

/// <summary>
/// Numbers the messages of one NATS connection in the order they arrived, across subscriptions. NATS.Net
/// hands each subscription's messages to a channel of its own, and whoever reads two channels cannot tell
/// which message came first; Resgate can (one queue per resource) and RES relies on it: a get's reply and
/// the resource's events leave the service in order, and a gateway must apply them in that order.
/// </summary>
public sealed class ArrivalClock
{
    private long _last;

    /// <summary>Called by the connection's socket reader, one message at a time, in arrival order.</summary>
    internal long Next() => Interlocked.Increment(ref _last);
}

/// <summary>A message stamped with its place in its connection's arrival order.</summary>
/// <param name="NoResponders">The server's "no responders" status (a request nobody subscribes to).</param>
public sealed record StampedMsg(long Arrival, string Subject, byte[] Data, bool NoResponders);

/// <summary>
/// A core subscription whose messages carry their <see cref="ArrivalClock"/> stamp, taken on the socket
/// reader as the message arrives. Pending messages are bounded as NATS.Net bounds its own subscriptions'.
/// </summary>
public sealed class StampedSubscription : NatsSubBase
{
    private static readonly byte[] NoRespondersStatus = "NATS/1.0 503"u8.ToArray();

    private readonly ArrivalClock _clock;
    private readonly Channel<StampedMsg> _messages;

    private StampedSubscription(INatsConnection connection, string subject, ArrivalClock clock, CancellationToken cancellationToken)
        : base(connection, connection.SubscriptionManager, subject, queueGroup: null, opts: null, cancellationToken)
    {
        _clock = clock;
        _messages = Channel.CreateBounded<StampedMsg>(new BoundedChannelOptions(connection.Opts.SubPendingChannelCapacity)
        {
            FullMode = connection.Opts.SubPendingChannelFullMode,
            SingleWriter = true,
            SingleReader = false,
        });
    }

    public ChannelReader<StampedMsg> Msgs => _messages.Reader;

    /// <summary>Subscribes; the server has the subscription before any message this connection publishes afterwards.</summary>
    public static async Task<StampedSubscription> SubscribeAsync(INatsConnection connection, string subject, ArrivalClock clock, CancellationToken cancellationToken)
    {
        var subscription = new StampedSubscription(connection, subject, clock, cancellationToken);
        await connection.AddSubAsync(subscription, cancellationToken);
        return subscription;
    }

    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        var noResponders = payloadBuffer.IsEmpty && headersBuffer is { } headers && StartsWith(headers, NoRespondersStatus);
        _messages.Writer.TryWrite(new StampedMsg(_clock.Next(), subject, payloadBuffer.ToArray(), noResponders));
        return ValueTask.CompletedTask;
    }

    protected override void TryComplete() => _messages.Writer.TryComplete();

    private static bool StartsWith(ReadOnlySequence<byte> buffer, byte[] prefix)
    {
        if (buffer.Length < prefix.Length)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[prefix.Length];
        buffer.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }
}
