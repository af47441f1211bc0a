using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chat.Bench.Gateway;
using Chat.Bench.Measure;
using Chat.Bench.Res;
using Chat.Client.Envelope;

namespace Chat.Bench.Clients;

/// <summary>
/// Every message sent, and the time each other member of its room saw it arrive. Sender and
/// receivers live in the same process, so both ends of a latency come from one clock.
/// </summary>
public sealed class Deliveries
{
    // Receivers decrypt one delivery in this many: enough to prove the envelope arrives intact,
    // without spending the shared cores on work each browser would do on its own machine.
    private const int DecryptOneIn = 10;

    private readonly ConcurrentDictionary<string, Sent> _sent = new(StringComparer.Ordinal);
    private long _expected;
    private long _received;
    private long _decrypted;
    private long _decryptFailures;

    public Latencies Latencies { get; } = new();

    public long Expected => Interlocked.Read(ref _expected);

    public long Received => Interlocked.Read(ref _received);

    public long Decrypted => Interlocked.Read(ref _decrypted);

    public long DecryptFailures => Interlocked.Read(ref _decryptFailures);

    public void Expect(string id, ResWsClient sender, BenchRoom room, long scheduled, bool counted, int receivers)
    {
        _sent[id] = new Sent(sender, room, scheduled, counted);
        Interlocked.Add(ref _expected, receivers);
    }

    public void OnAdd(ResWsClient receiver, string messageId, byte[] frame, long arrived)
    {
        if (!_sent.TryGetValue(messageId, out var sent) || ReferenceEquals(sent.Sender, receiver))
        {
            return;
        }

        var n = Interlocked.Increment(ref _received);
        if (sent.Counted)
        {
            Latencies.AddTicks(sent.Scheduled, arrived);
        }

        if (n % DecryptOneIn == 0)
        {
            Interlocked.Increment(ref _decrypted);
            var data = JsonNode.Parse(frame)?["data"]?["value"]?["data"];
            var box = new SealedBox(data?["ciphertext"]?.GetValue<string>() ?? string.Empty, data?["nonce"]?.GetValue<string>() ?? string.Empty);
            // As the page checks it: the body opens, and names the member the server stamped on the message.
            if (sent.Room.Keys.OpenMessage(messageId, box) is not { } body || body.Member != data?["member"]?.GetValue<string>())
            {
                Interlocked.Increment(ref _decryptFailures);
            }
        }
    }

    private sealed record Sent(ResWsClient Sender, BenchRoom Room, long Scheduled, bool Counted);
}
