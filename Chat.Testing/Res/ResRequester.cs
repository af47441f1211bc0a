using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Chat.Nats;
using NATS.Client.Core;

namespace Chat.Testing.Res;

/// <summary>
/// Plays a gateway's side of the RES service protocol over a real nats-server, for the tests and the benchmark's load
/// generators alike: one connection, one wildcard reply subscription, requests matched to replies by the last token of
/// their reply subject (as Resgate's inbox does), a deadline per request that a <c>timeout:"ms"</c> pre-response
/// extends, as in Resgate.
/// </summary>
public sealed class ResRequester : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly string _inbox = $"_INBOX.res.{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly TimeSpan _requestTimeout;
    private INatsSub<byte[]>? _replies;
    private long _next;

    private ResRequester(NatsConnection connection, TimeSpan requestTimeout, CancellationToken cancellation)
    {
        Connection = connection;
        _requestTimeout = requestTimeout;

        // An interrupted run must not wait for replies that will never come.
        cancellation.Register(() =>
        {
            foreach (var waiting in _pending.Values)
            {
                waiting.Reply.TrySetCanceled(cancellation);
            }
        });
    }

    public NatsConnection Connection { get; }

    /// <summary>Connects with <paramref name="options"/>; a request not answered within <paramref name="requestTimeout"/> fails with <see cref="TimeoutException"/>.</summary>
    public static async Task<ResRequester> ConnectAsync(NatsOpts options, TimeSpan requestTimeout, CancellationToken cancellation = default)
    {
        var connection = new NatsConnection(options);
        await connection.ConnectAsync();
        var requester = new ResRequester(connection, requestTimeout, cancellation);
        requester._replies = await connection.SubscribeCoreAsync<byte[]>(requester._inbox + ".*", cancellationToken: cancellation);
        requester._pumps.Add(requester.PumpRepliesAsync(requester._replies));
        await connection.PingAsync(cancellation);
        return requester;
    }

    /// <summary>Sends a request; the task completes with the final reply's body (empty when no service listens).</summary>
    public async Task<string> RequestAsync(string subject, string? body, TimeSpan? timeout = null)
    {
        var reply = Send(subject, body, out var published, timeout);
        await published;
        return await reply;
    }

    /// <summary>Publishes a request and returns at once with the reply still to come (open-loop senders).</summary>
    public Task<string> Send(string subject, string? body, out ValueTask published, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _next);
        var pending = new Pending(subject, timeout ?? _requestTimeout);
        _pending[id] = pending;
        pending.Deadline.Token.Register(() =>
        {
            if (_pending.TryRemove(id, out var expired))
            {
                expired.Reply.TrySetException(new TimeoutException($"No reply to {expired.Subject} in time."));
            }
        });
        published = Connection.PublishAsync(subject, body is null ? [] : Encoding.UTF8.GetBytes(body), replyTo: $"{_inbox}.{id.ToString(CultureInfo.InvariantCulture)}");
        return pending.Reply.Task;
    }

    /// <summary>Calls <paramref name="onMessage"/> for every message on <paramref name="subject"/>, with its arrival (a Stopwatch timestamp).</summary>
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
                var id = long.Parse(message.Subject.AsSpan(message.Subject.LastIndexOf('.') + 1), CultureInfo.InvariantCulture);
                var data = message.Data ?? [];
                if (ResPreResponse.Is(data))
                {
                    if (ResPreResponse.TryReadTimeout(Encoding.UTF8.GetString(data), out var extension) && _pending.TryGetValue(id, out var slow))
                    {
                        slow.Extend(extension);
                    }

                    continue;
                }

                if (_pending.TryRemove(id, out var waiting))
                {
                    waiting.Deadline.Dispose();
                    waiting.Reply.TrySetResult(Encoding.UTF8.GetString(data));
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
                onMessage(message.Subject, message.Data ?? [], System.Diagnostics.Stopwatch.GetTimestamp());
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
            waiting.Reply.TrySetCanceled();
        }

        await Connection.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class Pending(string subject, TimeSpan timeout)
    {
        public string Subject { get; } = subject;

        public TaskCompletionSource<string> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Deadline { get; } = new(timeout);

        public void Extend(TimeSpan extension)
        {
            try
            {
                Deadline.CancelAfter(extension);
            }
            catch (ObjectDisposedException)
            {
                // Answered meanwhile.
            }
        }
    }
}
