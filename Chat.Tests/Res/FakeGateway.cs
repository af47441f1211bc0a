using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using NATS.Client.Core;

namespace Chat.Tests.Res;

/// <summary>A message as the gateway saw it on NATS.</summary>
public sealed record Seen(string Subject, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// Plays Resgate's part over a real nats-server: sends RES requests with a reply inbox and records
/// every event and system message, so tests can check shapes and order.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly Channel<Seen> _events = Channel.CreateUnbounded<Seen>();
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;
    private int _inbox;

    private FakeGateway(NatsConnection nats)
    {
        _nats = nats;
    }

    public NatsConnection Connection => _nats;

    public static async Task<FakeGateway> ConnectAsync(string url)
    {
        var nats = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "fake-gateway",
            ReconnectWaitMin = TimeSpan.FromMilliseconds(10),
            ReconnectWaitMax = TimeSpan.FromMilliseconds(10),
            ReconnectJitter = TimeSpan.Zero,
        });
        await nats.ConnectAsync();
        var gateway = new FakeGateway(nats);
        var events = await nats.SubscribeCoreAsync<byte[]>("event.>");
        var system = await nats.SubscribeCoreAsync<byte[]>("system.>");
        await nats.PingAsync();
        gateway._listening = Task.WhenAll(gateway.Pump(events), gateway.Pump(system));
        return gateway;
    }

    /// <summary>Sends a request and returns the first reply that is not a <c>timeout:"ms"</c> pre-response.</summary>
    public async Task<Seen> RequestAsync(string subject, string? body = "{}", TimeSpan? timeout = null)
    {
        var inbox = NewInbox();
        await using var replies = await _nats.SubscribeCoreAsync<byte[]>(inbox);
        await _nats.PublishAsync(subject, body is null ? [] : Encoding.UTF8.GetBytes(body), replyTo: inbox);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        await foreach (var reply in replies.Msgs.ReadAllAsync(cts.Token))
        {
            var text = Encoding.UTF8.GetString(reply.Data ?? []);
            if (!text.StartsWith("timeout:", StringComparison.Ordinal))
            {
                return new Seen(reply.Subject, text);
            }
        }

        throw new InvalidOperationException("The reply subscription ended.");
    }

    public async Task<JsonNode?> RequestJsonAsync(string subject, string? body = "{}") => (await RequestAsync(subject, body)).Json;

    /// <summary>The next recorded event or system message that matches, skipping others.</summary>
    public async Task<Seen> NextAsync(Func<Seen, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var seen = await _events.Reader.ReadAsync(cts.Token);
            if (match(seen))
            {
                return seen;
            }
        }
    }

    /// <summary>
    /// Sends a request and returns, in arrival order, every message on subjects starting with
    /// <paramref name="eventPrefix"/> up to and including the reply, all seen through one subscription.
    /// </summary>
    public async Task<List<Seen>> RequestAndCollectAsync(string subject, string body, string eventPrefix)
    {
        var inbox = NewInbox();
        await using var everything = await _nats.SubscribeCoreAsync<byte[]>(">");
        await _nats.PingAsync();
        await _nats.PublishAsync(subject, Encoding.UTF8.GetBytes(body), replyTo: inbox);
        var seen = new List<Seen>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var message in everything.Msgs.ReadAllAsync(cts.Token))
        {
            if (message.Subject == inbox || message.Subject.StartsWith(eventPrefix, StringComparison.Ordinal))
            {
                seen.Add(new Seen(message.Subject, Encoding.UTF8.GetString(message.Data ?? [])));
            }

            if (message.Subject == inbox)
            {
                break;
            }
        }

        return seen;
    }

    public string NewInbox() => $"_INBOX.fake.{Guid.NewGuid():N}.{Interlocked.Increment(ref _inbox)}";

    private async Task Pump(INatsSub<byte[]> subscription)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(_stop.Token))
            {
                await _events.Writer.WriteAsync(new Seen(message.Subject, Encoding.UTF8.GetString(message.Data ?? [])));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening;
        await _nats.DisposeAsync();
        _stop.Dispose();
    }
}
