using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;
using Xunit.Abstractions;

namespace Chat.Tests.Sharding;

/// <summary>Three nodes in one cluster behind one queue group, on one PostgreSQL and one nats-server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ThreeNodeClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ChatNode> _nodes = [];
    private NatsServer _nats = null!;
    private FakeGateway _gateway = null!;
    private string _db = string.Empty;

    public async Task InitializeAsync()
    {
        _db = await postgres.Server.CreateDatabaseAsync("cluster");
        _nats = await NatsServer.StartAsync();
        _gateway = await FakeGateway.ConnectAsync(_nats.Url);
        var seedPort = FreePort.Next();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var port = i == 0 ? seedPort : FreePort.Next();
            _nodes.Add(await ChatNode.StartAsync(_db, new Dictionary<string, string?>
            {
                ["Chat:Cluster:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Chat:Cluster:SeedNodes:0"] = $"akka.tcp://chat@127.0.0.1:{seedPort}",
                ["Chat:Rooms:RateBurst"] = "100000",
                ["Chat:Rooms:RatePerSecond"] = "100000",
                ["Nats:ReconnectWait"] = "00:00:01",
            }, _nats.Url));
        }

        // Every node's service has subscribed once three node-wide resets have been seen.
        for (var i = 0; i < 3; i++)
        {
            await _gateway.NextAsync(s => s.Subject == "system.reset" && s.Body.Contains("\"access\"", StringComparison.Ordinal));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _gateway.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task RoomsSpreadOverAllNodes_AndRequestsAtAnyNodeReachTheOwner_InOrder()
    {
        var rooms = Enumerable.Range(0, 30).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        foreach (var (room, member) in rooms)
        {
            await Join(room, member);
            for (var i = 1; i <= 5; i++)
            {
                (await Send(room, member, Guid.NewGuid()))!["result"]!["seq"]!.GetValue<long>().Should().Be(i);
            }
        }

        var owners = new List<int>();
        foreach (var node in _nodes)
        {
            var state = await node.Rooms.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
            owners.Add(state.Shards.Sum(s => s.EntityIds.Count));
        }

        output.WriteLine($"rooms per node: {string.Join(", ", owners)}");
        owners.Should().OnlyContain(count => count > 0, "rooms spread over every node").And.HaveCount(3);
        owners.Sum().Should().BeGreaterThanOrEqualTo(30);
        foreach (var (room, member) in rooms)
        {
            var model = await _gateway.RequestJsonAsync($"get.room.{room}");
            model!["result"]!["model"]!["messageCount"]!.GetValue<long>().Should().Be(5);

            // Whichever node received it, the owner publishes the events, then the reply.
            var seen = await _gateway.RequestAndCollectAsync($"call.room.{room}.messages.send", SendBody(member, Guid.NewGuid()), $"event.room.{room}.");
            seen.Select(s => s.Subject.Split('.')[^1]).Should().Equal("add", "change", seen[^1].Subject.Split('.')[^1]);
            seen[^1].Subject.Should().StartWith("_INBOX.");
            seen[^1].Json!["result"]!["seq"]!.GetValue<long>().Should().Be(6);
        }
    }

    [Fact]
    public async Task NodeLeavingGracefully_DuringSteadySends_LosesNothingAcknowledged_AndDuplicatesNothing()
    {
        var rooms = Enumerable.Range(0, 30).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        foreach (var (room, member) in rooms)
        {
            await Join(room, member);
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        using var stop = new CancellationTokenSource();
        var clients = rooms.Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A client keeps one message until it is stored, retrying with the same id as the page does.
                var id = Guid.NewGuid();
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    var reply = await TrySend(r.Room, r.Member, id);
                    if (reply?["result"]?["seq"] is { } seq)
                    {
                        acknowledged[id] = (r.Room, seq.GetValue<long>());
                        break;
                    }

                    if (reply?["error"]?["code"]?.GetValue<string>() == "room.notJoined")
                    {
                        await Join(r.Room, r.Member);
                    }
                }
            }
        })).ToList();

        await WaitFor(() => acknowledged.Count >= 300, TimeSpan.FromSeconds(60));
        var leaving = _nodes[2];
        _nodes.RemoveAt(2);
        var beforeLeave = acknowledged.Count;
        await leaving.DisposeAsync();
        var atLeave = acknowledged.Count;
        await WaitFor(() => acknowledged.Count >= atLeave + 300, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"{acknowledged.Count} messages acknowledged: {beforeLeave} before the leave, {atLeave - beforeLeave} while the node left, the rest after");
        foreach (var room in acknowledged.GroupBy(a => a.Value.Room))
        {
            var count = room.Count();
            var stored = new List<(Guid, long)>();
            for (long before = count + 1; before > 1; before -= 200)
            {
                var page = await _gateway.RequestJsonAsync($"call.room.{room.Key}.messages.history", "{\"params\":{\"before\":" + before + ",\"limit\":200}}");
                stored.AddRange(page!["result"]!["messages"]!.AsArray().Select(m => (Guid.Parse(m!["id"]!.GetValue<string>()), m["seq"]!.GetValue<long>())));
            }

            stored.Should().BeEquivalentTo(room.Select(a => (a.Key, a.Value.Seq)), "every acknowledged message is stored once, with its seq");
            var model = await _gateway.RequestJsonAsync($"get.room.{room.Key}");
            model!["result"]!["model"]!["messageCount"]!.GetValue<long>().Should().Be(count, "nothing was stored that was not acknowledged");
        }
    }

    private async Task Join(string room, string member)
    {
        var body = new JsonObject
        {
            ["cid"] = "cid1",
            ["params"] = new JsonObject
            {
                ["member"] = member,
                ["profile"] = new JsonObject { ["ciphertext"] = TestPayloads.Base64(48), ["nonce"] = TestPayloads.Base64(12) },
            },
        }.ToJsonString();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var reply = await _gateway.RequestJsonAsync($"call.room.{room}.join", body);
            if (reply?["resource"] is not null)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Could not join {room}.");
    }

    private async Task<JsonNode?> Send(string room, string member, Guid id) =>
        await _gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(member, id));

    private static string SendBody(string member, Guid id) => new JsonObject
    {
        ["cid"] = "cid1",
        ["params"] = new JsonObject { ["id"] = id.ToString(), ["ciphertext"] = TestPayloads.Base64(64), ["nonce"] = TestPayloads.Base64(12), ["member"] = member },
    }.ToJsonString();

    /// <summary>A send that may time out during a hand-off, as with Resgate's 3 s request timeout.</summary>
    private async Task<JsonNode?> TrySend(string room, string member, Guid id)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            return await Send(room, member, id).WaitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            return null;
        }
    }

    private static async Task WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not reached.");
            }

            await Task.Delay(20);
        }
    }
}
