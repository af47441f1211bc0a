using System.Text;
using NATS.Client.Core;

namespace Chat.Tests.Browser;

/// <summary>Every message on a nats-server, whatever its subject, for as long as the capture runs.</summary>
internal sealed class NatsCapture : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly INatsSub<byte[]> _all;
    private readonly StringBuilder _seen = new();
    private readonly List<CapturedNatsMessage> _messages = [];
    private readonly Task _pump;

    private NatsCapture(NatsConnection nats, INatsSub<byte[]> all)
    {
        _nats = nats;
        _all = all;
        _pump = Pump();
    }

    public int Count { get; private set; }

    public static async Task<NatsCapture> StartAsync(string url)
    {
        var nats = new NatsConnection(NatsOpts.Default with { Url = url, Name = "capture" });
        await nats.ConnectAsync();
        var all = await nats.SubscribeCoreAsync<byte[]>(">");
        await nats.PingAsync();
        return new NatsCapture(nats, all);
    }

    /// <summary>The messages seen so far, each with its line of <see cref="Text"/>, for checks that depend on the subject.</summary>
    public IReadOnlyList<CapturedNatsMessage> Messages()
    {
        lock (_seen)
        {
            return [.. _messages];
        }
    }

    /// <summary>Subjects, reply subjects, headers and payloads seen so far, one message a line.</summary>
    public string Text()
    {
        lock (_seen)
        {
            return _seen.ToString();
        }
    }

    private async Task Pump()
    {
        await foreach (var message in _all.Msgs.ReadAllAsync())
        {
            lock (_seen)
            {
                Count++;
                var line = $"{message.Subject} {message.ReplyTo} {message.Headers} {Encoding.UTF8.GetString(message.Data ?? [])}";
                _seen.AppendLine(line);
                _messages.Add(new CapturedNatsMessage(message.Subject, line, DateTime.UtcNow, message.ReplyTo, Encoding.UTF8.GetString(message.Data ?? [])));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _all.UnsubscribeAsync();
        await _pump;
        await _nats.DisposeAsync();
    }
}

/// <summary>One captured message: its subject, its whole line (subject, reply subject, headers, payload), when it came, its reply subject and payload.</summary>
internal sealed record CapturedNatsMessage(string Subject, string Text, DateTime At, string? ReplyTo, string Body);
