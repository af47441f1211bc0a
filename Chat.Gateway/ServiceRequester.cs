using System.Text;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using Chat.Nats;
using NATS.Client.Core;

namespace Chat.Gateway;

/// <summary>
/// Sends RES service requests the way Resgate does: a fresh inbox per request, a deadline that a
/// <c>timeout:"ms"</c> pre-response extends, no responders reported as <c>system.notFound</c> and
/// silence as <c>system.timeout</c>. Every request is answered: a request that cannot be sent
/// (NATS gone) is <c>system.timeout</c> too, never an exception.
/// </summary>
public sealed class ServiceRequester(INatsConnection nats, TimeSpan timeout)
{
    /// <summary>Stamps replies, and the events of cached resources, in the order the connection received them.</summary>
    public ArrivalClock Arrivals { get; } = new();

    /// <summary>A subscription on this requester's connection, its messages stamped in the same order as its replies.</summary>
    public Task<StampedSubscription> SubscribeInOrderAsync(string subject, CancellationToken cancellationToken) =>
        StampedSubscription.SubscribeAsync(nats, subject, Arrivals, cancellationToken);

    public async Task<ServiceReply> RequestAsync(string subject, JsonObject body, CancellationToken cancellationToken) =>
        (await RequestStampedAsync(subject, body, cancellationToken)).Reply;

    /// <summary>The reply and its place in the connection's <see cref="Arrivals"/> (0 when none arrived).</summary>
    public async Task<(ServiceReply Reply, long Arrival)> RequestStampedAsync(string subject, JsonObject body, CancellationToken cancellationToken)
    {
        var inbox = $"_INBOX.gw.{Guid.NewGuid():N}";
        try
        {
            await using var replies = await StampedSubscription.SubscribeAsync(nats, inbox, Arrivals, cancellationToken);
            await nats.PublishAsync(subject, Encoding.UTF8.GetBytes(body.ToJsonString()), replyTo: inbox, cancellationToken: cancellationToken);
            return await AwaitReplyAsync(replies, cancellationToken);
        }
        catch (Exception e) when (e is NatsException or ChannelClosedException or ObjectDisposedException)
        {
            // ChannelClosedException: the reply inbox's subscription ended under the wait, as it does when the
            // connection is closed, and also when the caller's token ends it (NATS.Net ends a subscription with
            // the token it was made with). A caller that gave up gets its cancellation, whichever the wait saw
            // first; otherwise the request is answered (two fuzz runs in CI logged these as failed requests).
            cancellationToken.ThrowIfCancellationRequested();
            return (ServiceReply.Fail(ResError.Timeout), 0);
        }
    }

    private async Task<(ServiceReply, long)> AwaitReplyAsync(StampedSubscription replies, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return (ServiceReply.Fail(ResError.Timeout), 0);
            }

            wait.CancelAfter(left);
            StampedMsg reply;
            try
            {
                reply = await replies.Msgs.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (ServiceReply.Fail(ResError.Timeout), 0);
            }

            if (reply.NoResponders)
            {
                return (ServiceReply.Fail(ResError.NotFound), reply.Arrival);
            }

            var data = reply.Data;
            if (ResPreResponse.Is(data))
            {
                if (ResPreResponse.TryReadTimeout(Encoding.UTF8.GetString(data), out var extension))
                {
                    deadline = DateTime.UtcNow + extension;
                }

                continue;
            }

            return (ServiceReply.Read(data), reply.Arrival);
        }
    }
}
