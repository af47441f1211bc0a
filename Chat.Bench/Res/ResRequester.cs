using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NATS.Client.Core;

namespace Chat.Bench.Res;

/// <summary>
/// Plays Resgate's side of the RES service protocol at load: one NATS connection, one wildcard
/// reply subscription, requests matched to replies by the last token of their reply subject (as
/// Resgate's inbox does). A <c>timeout:"ms"</c> pre-response only extends the wait, as in Resgate.
/// </summary>
public sealed class ResRequester : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _pending = new();
    private readonly string _inbox = $"_INBOX.bench.{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private INatsSub<byte[]>? _replies;
    private long _next;

    private ResRequester(NatsConnection connection, CancellationToken cancellation)
    {
        Connection = connection;

        // An interrupted run must not wait for replies that will never come.
        cancellation.Register(() =>
        {
            foreach (var waiting in _pending.Values)
            {
                waiting.TrySetCanceled(cancellation);
            }
        });
    }

    /// <summary>As Resgate's default request timeout, a reply that does not come fails the request.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public NatsConnection Connection { get; }

    public static async Task<ResRequester> ConnectAsync(string url, CancellationToken cancellation)
    {
        // Subscriptions buffer generously and wait rather than drop: a lost event would read as latency.
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "bench-gateway",
            SubPendingChannelCapacity = 1 << 20,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        await connection.ConnectAsync();
        var requester = new ResRequester(connection, cancellation);
        requester._replies = await connection.SubscribeCoreAsync<byte[]>(requester._inbox + ".*", cancellationToken: cancellation);
        requester._pumps.Add(requester.PumpRepliesAsync(requester._replies));
        await connection.PingAsync(cancellation);
        return requester;
    }

    /// <summary>Sends a request; the task completes with the final reply's body.</summary>
    public async Task<string> RequestAsync(string subject, string body)
    {
        var reply = Send(subject, body, out var publish);
        await publish;
        return await reply.WaitAsync(RequestTimeout);
    }

    /// <summary>Publishes a request and returns at once with the reply still to come (open-loop senders).</summary>
    public Task<string> Send(string subject, string body, out ValueTask published)
    {
        var id = Interlocked.Increment(ref _next);
        var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiting;
        published = Connection.PublishAsync(subject, Encoding.UTF8.GetBytes(body), replyTo: $"{_inbox}.{id.ToString(CultureInfo.InvariantCulture)}");
        return waiting.Task;
    }

    /// <summary>Calls <paramref name="onMessage"/> for every message on <paramref name="subject"/>, with its arrival time.</summary>
    public async Task ListenAsync(string subject, Action<string, byte[], long> onMessage)
    {
        var subscription = await Connection.SubscribeCoreAsync<byte[]>(subject);
        _pumps.Add(PumpAsync(subscription, onMessage));
        await Connection.PingAsync();
    }

    private async Task PumpRepliesAsync(INatsSub<byte[]> subscription)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(_stop.Token))
            {
                var text = Encoding.UTF8.GetString(message.Data ?? []);
                if (text.StartsWith("timeout:", StringComparison.Ordinal))
                {
                    continue;
                }

                var id = long.Parse(message.Subject.AsSpan(message.Subject.LastIndexOf('.') + 1), CultureInfo.InvariantCulture);
                if (_pending.TryRemove(id, out var waiting))
                {
                    waiting.TrySetResult(text);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpAsync(INatsSub<byte[]> subscription, Action<string, byte[], long> onMessage)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(_stop.Token))
            {
                onMessage(message.Subject, message.Data ?? [], Measure.Clock.Now);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await subscription.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_pumps);
        if (_replies is not null)
        {
            await _replies.DisposeAsync();
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetCanceled();
        }

        await Connection.DisposeAsync();
        _stop.Dispose();
    }
}
