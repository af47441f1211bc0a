using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace Chat.Tests.Hostile;

/// <summary>
/// Seeded fuzzing of the gateway (WebSocket frames) and of the service (requests straight on NATS):
/// every frame is answered or its socket closed with a status, no internal error, no lost NATS
/// connection, bystanders keep talking, and the target rooms end as they began. Half the sockets have
/// unlocked the target rooms, so their requests reach the rooms' parsers; the others show the access
/// checks the same input. Set <c>CHAT_FUZZ_SEED</c> to replay a failure with the seed it printed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output) : HostileSpec(postgres)
{
    private const int Frames = 10_000;
    private const int NatsRequests = 10_000;
    private const int Workers = 8;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    // The fuzz tests parsing, not the per-connection budgets (their own tests cover them); members
    // of the target rooms stay present for the whole run.
    protected override Dictionary<string, string?> Overrides => new()
    {
        ["Chat:Gateway:RequestsPerSecond"] = "1000000",
        ["Chat:Gateway:RequestBurst"] = "1000000",
        ["Chat:Rooms:HeartbeatTimeout"] = "00:05:00",
        ["Chat:Rooms:GracePeriod"] = "00:06:00",
        ["Chat:Rooms:PassivateIdleAfter"] = "00:07:00",
    };

    [Fact]
    public async Task MalformedFramesAndNatsRequests_AreAllAnswered_AndChangeNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CHAT_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"CHAT_FUZZ_SEED={seed}");
        var (rooms, members) = await TargetRoomsAsync();
        var before = await SnapshotAsync(rooms);
        var problems = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();

        await UnderAttack(async () =>
        {
            var frames = Task.WhenAll(Enumerable.Range(0, Workers).Select(w =>
                FuzzWebSocketAsync(new FuzzInput(seed + w, rooms, 256 * 1024, members), Frames / Workers, w % 2 == 0 ? rooms : [], problems)));
            var requests = FuzzNatsAsync(new FuzzInput(seed - 1, rooms, 256 * 1024, members), problems);
            await Task.WhenAll(frames, requests);
        });

        output.WriteLine($"{Frames} frames and {NatsRequests} NATS requests in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var problem in problems.Take(50))
        {
            output.WriteLine(problem);
        }

        problems.Should().BeEmpty($"every fuzzed input must be answered cleanly (CHAT_FUZZ_SEED={seed})");
        (await SnapshotAsync(rooms)).Should().Equal(before, $"malformed input changes no room (CHAT_FUZZ_SEED={seed})");
        Node.Logs.Lines.Should().NotContain(l => l.StartsWith("Error", StringComparison.Ordinal), $"no input is a bug (CHAT_FUZZ_SEED={seed})");
    }

    private async Task FuzzWebSocketAsync(FuzzInput input, int count, IReadOnlyList<string> unlock, ConcurrentQueue<string> problems)
    {
        var socket = await FuzzSocket.ConnectAsync(Node.WebSocketUri, unlock, problems);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var frame = input.NextFrame();
                await socket.SendAsync(frame);
                switch (frame.Expect)
                {
                    case FuzzExpectation.Reset:
                        socket.Abort();
                        break;
                    case FuzzExpectation.Close:
                        var status = await socket.ClosedStatusAsync(AnswerTimeout);
                        if (status is null || string.IsNullOrEmpty(socket.CloseReason))
                        {
                            problems.Enqueue($"frame {Describe(frame)}: socket not closed with a status and a reason");
                        }

                        break;
                    case FuzzExpectation.CloseByWebSocketLayer:
                        await socket.ClosedStatusAsync(AnswerTimeout);
                        if (!socket.IsClosed)
                        {
                            problems.Enqueue($"frame {Describe(frame)}: socket not closed");
                        }

                        break;
                    default:
                        var answer = await socket.NextAnswerAsync(AnswerTimeout);
                        if (Check(frame, answer) is { } problem)
                        {
                            problems.Enqueue($"frame {Describe(frame)}: {problem}");
                        }

                        break;
                }

                if (socket.IsClosed)
                {
                    socket.Dispose();
                    socket = await FuzzSocket.ConnectAsync(Node.WebSocketUri, unlock, problems);
                }
            }
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static string? Check(FuzzFrame frame, JsonObject? answer)
    {
        if (answer is null)
        {
            return "no answer";
        }

        if (answer["error"] is JsonObject error)
        {
            var code = error["code"]?.GetValue<string>();
            if (code is null || code == "system.internalError")
            {
                return $"error {error.ToJsonString()}";
            }
        }
        else if (!answer.ContainsKey("result"))
        {
            return $"neither result nor error: {answer.ToJsonString()[..Math.Min(200, answer.ToJsonString().Length)]}";
        }

        var id = answer["id"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : (long?)null;
        return id == frame.Id ? null : $"answered id {id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}";
    }

    private async Task FuzzNatsAsync(FuzzInput input, ConcurrentQueue<string> problems)
    {
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = Nats.Url, Name = "fuzzer" });
        await nats.ConnectAsync();
        using var slots = new SemaphoreSlim(32);
        var pending = new List<Task>();
        for (var i = 0; i < NatsRequests; i++)
        {
            var (subject, body) = input.NextNatsRequest();
            await slots.WaitAsync();
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var reply = await nats.RequestAsync<byte[], byte[]>(subject, body, replyOpts: new NatsSubOpts { Timeout = AnswerTimeout });
                    var json = JsonNode.Parse(reply.Data ?? []) as JsonObject;
                    var code = json?["error"]?["code"]?.GetValue<string>();
                    if (json is null || (code is null && !json.ContainsKey("result") && !json.ContainsKey("resource")) || code == "system.internalError")
                    {
                        problems.Enqueue($"NATS {Shorten(subject)}: answered {Shorten(Encoding.UTF8.GetString(reply.Data ?? []))}");
                    }
                }
                catch (Exception e)
                {
                    problems.Enqueue($"NATS {Shorten(subject)}: {e.GetType().Name} {e.Message}");
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
    }

    /// <summary>Two rooms the fuzz aims at: one active with a member and messages, one never used; and the member's id.</summary>
    private async Task<(List<string> Rooms, List<string> Members)> TargetRoomsAsync()
    {
        var active = TestPayloads.NewRoomId();
        await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.UnlockAsync(active);
        var member = TestPayloads.NewMemberKey();
        (await client.RequestAsync($"call.room.{active}.join", GatewayProtocolTests.JoinParams(member)))["error"].Should().BeNull();
        for (var i = 0; i < 3; i++)
        {
            (await client.RequestAsync($"call.room.{active}.messages.send", GatewayProtocolTests.SendParams(member)))["error"].Should().BeNull();
        }

        // The member stays present after this connection closes only without the disconnect hint: rejoin over NATS
        // with a cid of its own, and the token a gateway would send for it.
        var rejoined = await Listener.RequestAsync($"call.room.{active}.join", new JsonObject
        {
            ["cid"] = "fuzz-target",
            ["token"] = new JsonObject { ["rooms"] = new JsonArray(active) },
            ["params"] = GatewayProtocolTests.JoinParams(member),
        }.ToJsonString());
        rejoined.Json!["error"].Should().BeNull();
        return ([active, TestPayloads.NewRoomId()], [TestPayloads.MemberIdOf(member)]);
    }

    private async Task<List<string>> SnapshotAsync(List<string> rooms)
    {
        var state = new List<string>();
        foreach (var room in rooms)
        {
            foreach (var rid in new[] { $"room.{room}", $"room.{room}.messages", $"room.{room}.participants" })
            {
                state.Add((await Listener.RequestAsync($"get.{rid}")).Body);
            }
        }

        return state;
    }

    private static string Describe(FuzzFrame frame) => frame.Bytes.Length < 8
        ? $"bytes {Convert.ToHexString(frame.Bytes)}"
        : $"{(frame.Binary ? "binary " : string.Empty)}{Shorten(Encoding.UTF8.GetString(frame.Bytes))}";

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + $"... ({text.Length} chars)";

    /// <summary>A raw client that sends one frame at a time and reads the next frame that is not an event.</summary>
    private sealed class FuzzSocket : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly byte[] _buffer = new byte[64 * 1024];

        public bool IsClosed => _socket.State != WebSocketState.Open;

        /// <summary>Connects and unlocks <paramref name="rooms"/> with their proofs, as the page does on every connect.</summary>
        public static async Task<FuzzSocket> ConnectAsync(Uri uri, IReadOnlyList<string> rooms, ConcurrentQueue<string> problems)
        {
            var socket = new FuzzSocket();
            await socket._socket.ConnectAsync(uri, CancellationToken.None);
            foreach (var room in rooms)
            {
                var unlock = new JsonObject { ["id"] = "unlock", ["method"] = $"auth.room.{room}.unlock", ["params"] = new JsonObject { ["proof"] = TestPayloads.ProofOf(room) } };
                await socket._socket.SendAsync(Encoding.UTF8.GetBytes(unlock.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
                var answer = await socket.NextAnswerAsync(AnswerTimeout);
                if (answer is null || answer["error"] is not null || answer["id"]?.ToJsonString() != "\"unlock\"")
                {
                    problems.Enqueue($"unlocking {room}: {answer?.ToJsonString() ?? "no answer"}");
                }
            }

            return socket;
        }

        public async Task SendAsync(FuzzFrame frame)
        {
            try
            {
                await _socket.SendAsync(frame.Bytes, frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // The server may close while a large frame is still going out; the close is what is checked.
            }
        }

        public void Abort() => _socket.Abort();

        public async Task<JsonObject?> NextAnswerAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                var text = await ReceiveAsync(cts.Token);
                if (text is null)
                {
                    return null;
                }

                var frame = JsonNode.Parse(text) as JsonObject;
                if (frame?["event"] is null)
                {
                    return frame;
                }
            }
        }

        public string? CloseReason => _socket.CloseStatusDescription;

        /// <summary>Reads until the socket closes (or the timeout aborts it); the server's close status, if one came.</summary>
        public async Task<WebSocketCloseStatus?> ClosedStatusAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (await ReceiveAsync(cts.Token) is not null)
            {
            }

            return _socket.CloseStatus;
        }

        private async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
        {
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var received = await _socket.ReceiveAsync(_buffer, cancellationToken);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return null;
                    }

                    message.Write(_buffer, 0, received.Count);
                    if (received.EndOfMessage)
                    {
                        return Encoding.UTF8.GetString(message.ToArray());
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
