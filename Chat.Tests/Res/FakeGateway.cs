using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Chat.Testing.Res;
using NATS.Client.Core;

namespace Chat.Tests.Res;

/// <summary>A message as the gateway saw it on NATS.</summary>
public sealed record Seen(string Subject, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// Plays Resgate's part over a real nats-server: sends RES requests through the shared <see cref="ResRequester"/> and
/// records every event and system message, so tests can check shapes and order.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly ResRequester _requester;
    private readonly Channel<Seen> _events = Channel.CreateUnbounded<Seen>();
    private int _inbox;

    private FakeGateway(ResRequester requester)
    {
        _requester = requester;
    }

    public NatsConnection Connection => _requester.Connection;

    public static async Task<FakeGateway> ConnectAsync(string url)
    {
        var options = NatsOpts.Default with
        {
            Url = url,
            Name = "fake-gateway",
            ReconnectWaitMin = TimeSpan.FromMilliseconds(10),
            ReconnectWaitMax = TimeSpan.FromMilliseconds(10),
            ReconnectJitter = TimeSpan.Zero,
        };
        var gateway = new FakeGateway(await ResRequester.ConnectAsync(options, TimeSpan.FromSeconds(15)));
        await gateway._requester.ListenAsync("event.>", gateway.Record);
        await gateway._requester.ListenAsync("system.>", gateway.Record);
        return gateway;
    }

    /// <summary>
    /// Sends a request and returns its reply (a <c>timeout:"ms"</c> pre-response extends the wait, as in Resgate);
    /// the reply's <see cref="Seen.Subject"/> is the request's.
    /// </summary>
    public async Task<Seen> RequestAsync(string subject, string? body = "{}", TimeSpan? timeout = null) =>
        new(subject, await _requester.RequestAsync(subject, body, timeout));

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
        await using var everything = await Connection.SubscribeCoreAsync<byte[]>(">");
        await Connection.PingAsync();
        await Connection.PublishAsync(subject, Encoding.UTF8.GetBytes(body), replyTo: inbox);
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

    private void Record(string subject, byte[] body, long arrived) =>
        _events.Writer.TryWrite(new Seen(subject, Encoding.UTF8.GetString(body)));

    public ValueTask DisposeAsync() => _requester.DisposeAsync();
}
