using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Chat.Bench.Gateway;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Client.Envelope;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 3: pages through the embedded gateway. Many WebSocket clients (RES client protocol:
/// version, call join, call send) in many rooms send envelope-encrypted messages on an open-loop
/// schedule; every other client of the room times the message's add event. Also measures memory per
/// connection and how many connections stay open.
/// </summary>
public static class EndToEndScenario
{
    // Receivers decrypt one delivery in this many: enough to prove the envelope arrives intact,
    // without spending the shared cores on work each browser would do on its own machine.
    private const int DecryptOneIn = 10;

    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        var node = context.RequireNode;
        var fdLimit = OpenFileLimit();
        var roomCount = Math.Max(1, p.WsClients / p.WsClientsPerRoom);
        var rate = p.WsClients * p.WsSendsPerClientPerSecond;
        context.Announce("3. End to end through the embedded gateway (WebSocket, RES client protocol)",
            ("clients", $"{p.WsClients:N0} WebSocket connections, {p.WsClientsPerRoom} per room ({roomCount:N0} rooms)"),
            ("client", "version handshake, call.room.{id}.join (encrypted profile), then call.room.{id}.messages.send with the C# envelope"),
            ("load", $"open loop, {p.WsSendsPerClientPerSecond} sends/s per client = {rate:N0} sends/s, {rate * (p.WsClientsPerRoom - 1):N0} deliveries/s"),
            ("latency", "from the scheduled send time to each other room member's messages.add event frame"),
            ("memory", "managed heap and working set after a full GC, before and after the connections open; clients and node share this process, so it counts both ends"),
            ("open-file limit", $"{fdLimit:N0} (each connection costs two descriptors here: client and server end)"),
            ("warm-up / window", $"{p.WarmUp.TotalSeconds} s / {p.WsWindow.TotalSeconds} s"));

        var deliveries = new Deliveries();
        var clients = new ConcurrentBag<ResWsClient>();
        try
        {
            var before = MemorySample.Take();
            var connectStart = Clock.Now;
            var connectErrors = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, p.WsClients), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = context.Cancellation }, async (_, ct) =>
            {
                try
                {
                    clients.Add(await ResWsClient.ConnectAsync(node.WebSocketUri, deliveries.OnAdd, ct));
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or InvalidOperationException or TimeoutException)
                {
                    Interlocked.Increment(ref connectErrors);
                }
            });
            var connectSeconds = Clock.Seconds(connectStart, Clock.Now);
            var after = MemorySample.Take();
            var connected = clients.Count;
            Progress.Line($"   {connected:N0} connected in {connectSeconds:F1} s ({connectErrors} failed)");
            context.Add(new Figure("4. memory", "managed heap per WebSocket connection (both ends)", (after.HeapBytes - before.HeapBytes) / (double)Math.Max(1, connected), "bytes", connected,
                Note: $"working set {(after.WorkingSetBytes - before.WorkingSetBytes) / (double)Math.Max(1, connected):N0} bytes per connection; idle after the version handshake"));

            var all = clients.ToArray();
            var rooms = Enumerable.Range(0, roomCount).Select(_ => new BenchRoom()).ToArray();
            var joinErrors = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, all.Length), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = context.Cancellation }, async (i, _) =>
            {
                var client = all[i];
                client.Room = rooms[i % roomCount];
                var reply = await client.RequestAsync($"call.room.{client.Room.Id}.join",
                    ResBodies.JoinParams(client.Member, client.Room.SealProfile(client.Member)));
                if (reply["result"] is null)
                {
                    Interlocked.Increment(ref joinErrors);
                }
            });
            Progress.Line($"   joined {all.Length:N0} clients to {roomCount:N0} rooms ({joinErrors} errors)");

            var sendErrors = await SendOnScheduleAsync(context, all, deliveries, rate);

            var expected = deliveries.Expected;
            var deadline = Clock.After(Clock.Now, 15);
            while (deliveries.Received < expected && Clock.Now < deadline)
            {
                await Task.Delay(50, context.Cancellation);
            }

            var latency = deliveries.Latencies.Summarize();
            var held = all.Count(c => c.IsOpen && !c.Dropped);
            var rttP50 = context.Baseline("nats.rtt.p50ms");
            var rttP99 = context.Baseline("nats.rtt.p99ms");
            var note = $"{deliveries.Received:N0} of {expected:N0} deliveries arrived; {sendErrors} send errors; {deliveries.DecryptFailures} of {deliveries.Decrypted:N0} checked decryptions failed";
            context.Add(new Figure("3. end to end", $"delivery sender → receiver p50 at {rate:N0} sends/s", latency.P50, "ms", latency.Count,
                "NATS round trip p50 ms", rttP50, Note: note));
            context.Add(new Figure("3. end to end", $"delivery sender → receiver p95 at {rate:N0} sends/s", latency.P95, "ms", latency.Count,
                "NATS round trip p99 ms", rttP99));
            context.Add(new Figure("3. end to end", $"delivery sender → receiver p99 at {rate:N0} sends/s", latency.P99, "ms", latency.Count,
                "NATS round trip p99 ms", rttP99, Note: $"max {latency.Max:F1} ms"));
            context.Add(new Figure("3. end to end", "WebSocket connections held", held, "connections", all.Length,
                "connections the open-file limit allows (limit ÷ 2)", fdLimit / 2.0, "10,000 on one node", held >= 10_000,
                $"{connectErrors} failed to connect, {all.Length - held} dropped; connect rate {connected / connectSeconds:N0}/s"));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<int> SendOnScheduleAsync(BenchContext context, ResWsClient[] clients, Deliveries deliveries, double rate)
    {
        var p = context.Profile;
        var total = (long)(rate * (p.WarmUp + p.WsWindow).TotalSeconds);
        var start = Clock.Now;
        var windowStart = Clock.After(start, p.WarmUp.TotalSeconds);
        var replies = new List<Task<JsonObject>>();
        long sent = 0;
        while (sent < total)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(Clock.Seconds(start, Clock.Now) * rate));
            for (; sent < due; sent++)
            {
                // Senders take turns so that every client sends at the same average rate.
                var sender = clients[sent % clients.Length];
                var room = sender.Room!;
                var scheduled = Clock.After(start, sent / rate);
                var body = new MessageBody(sender.Member, "bench", $"Message {sent} from a page in an end-to-end benchmark.", MessageBody.FormatTime(DateTimeOffset.UtcNow));
                var id = Guid.NewGuid().ToString();
                var box = room.Keys.SealMessage(id, body);
                deliveries.Expect(id, sender, room, scheduled, scheduled >= windowStart, context.Profile.WsClientsPerRoom - 1);
                replies.Add(sender.Send($"call.room.{room.Id}.messages.send", ResBodies.SendParams(sender.Member, id, box), out _));
            }

            await Task.Delay(1, context.Cancellation);
        }

        var errors = 0;
        foreach (var reply in replies)
        {
            try
            {
                if ((await reply.WaitAsync(ResRequester.RequestTimeout))["result"] is null)
                {
                    errors++;
                }
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or TimeoutException)
            {
                errors++;
            }
        }

        return errors;
    }

    /// <summary>The soft limit on open files of this process (each socket is one).</summary>
    private static long OpenFileLimit()
    {
        const string limits = "/proc/self/limits";
        var line = File.Exists(limits) ? File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        return line is not null && long.TryParse(line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var soft) ? soft : 0;
    }

    /// <summary>Every message sent, and the time each other member of its room saw it arrive.</summary>
    private sealed class Deliveries
    {
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
                if (sent.Room.Keys.OpenMessage(messageId, box) is null)
                {
                    Interlocked.Increment(ref _decryptFailures);
                }
            }
        }

        private sealed record Sent(ResWsClient Sender, BenchRoom Room, long Scheduled, bool Counted);
    }
}
