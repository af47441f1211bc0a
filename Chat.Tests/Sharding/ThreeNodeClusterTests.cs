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

    private ResRoomClient _client = null!;

    // A crash terminates the actor system without leaving; only a test can ask for that, so it stays HOCON.
    private const string CrashWithoutLeavingHocon = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    public async Task InitializeAsync()
    {
        _db = await postgres.Server.CreateDatabaseAsync("cluster");
        _nats = await NatsServer.StartAsync();
        _gateway = await FakeGateway.ConnectAsync(_nats.Url);
        _client = new ResRoomClient(_gateway);
        var seedPort = FreePort.Next();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var port = i == 0 ? seedPort : FreePort.Next();
            _nodes.Add(await ChatNode.StartAsync(_db, TestSettings.LoadTest(
                ("Chat:Cluster:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Chat:Cluster:SeedNodes:0", $"akka.tcp://chat@127.0.0.1:{seedPort}"),
                ("Nats:ReconnectWait", "00:00:01"),
                // Short downing so a crashed node is removed within seconds.
                ("Chat:Cluster:SplitBrainResolver:StableAfter", "00:00:03"),
                ("Chat:Rooms:HeartbeatInterval", "00:00:01"),
                ("Chat:Rooms:HeartbeatTimeout", "00:00:03"),
                ("Chat:Rooms:GracePeriod", "00:00:08"),
                ("Chat:Rooms:PassivateIdleAfter", "00:01:00")), _nats.Url, CrashWithoutLeavingHocon));
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
        var rooms = Enumerable.Range(0, 30).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberKey())).ToList();
        foreach (var (room, member) in rooms)
        {
            await _client.JoinAsync(room, member);
            for (var i = 1; i <= 5; i++)
            {
                (await _client.SendAsync(room, member, Guid.NewGuid()))!["result"]!["seq"]!.GetValue<long>().Should().Be(i);
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
            var seen = await _gateway.RequestAndCollectAsync($"call.room.{room}.messages.send", ResRoomClient.SendBody(room, member, Guid.NewGuid()), $"event.room.{room}.");
            seen.Select(s => s.Subject.Split('.')[^1]).Should().Equal(["add", "change", seen[^1].Subject.Split('.')[^1]], seen[^1].Body);
            seen[^1].Subject.Should().StartWith("_INBOX.");
            seen[^1].Json!["result"]!["seq"]!.GetValue<long>().Should().Be(6);
        }
    }

    [Fact]
    public async Task NodeLeavingGracefully_DuringSteadySends_LosesNothingAcknowledged_AndDuplicatesNothing()
    {
        var rooms = Enumerable.Range(0, 30).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberKey())).ToList();
        foreach (var (room, member) in rooms)
        {
            await _client.JoinAsync(room, member);
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        using var stop = new CancellationTokenSource();
        var clients = rooms.Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A client keeps one message until it is stored, retrying with the same id as the page does.
                var id = Guid.NewGuid();
                var firstTry = DateTime.UtcNow;
                for (var attempt = 1; attempt <= 50; attempt++)
                {
                    var reply = await _client.TrySendAsync(r.Room, r.Member, id);
                    if (reply?["result"]?["seq"] is { } seq)
                    {
                        acknowledged[id] = (r.Room, seq.GetValue<long>());
                        break;
                    }

                    if (ResRoomClient.IsNotJoined(reply))
                    {
                        await _client.JoinAsync(r.Room, r.Member);
                    }
                    else if (reply is not null)
                    {
                        await ResRoomClient.BackOffAsync(firstTry);
                    }
                }
            }
        })).ToList();

        await ResRoomClient.WaitForAsync(() => acknowledged.Count >= 300, TimeSpan.FromSeconds(60), "300 sends acknowledged before the leave");
        var leaving = _nodes[2];
        _nodes.RemoveAt(2);
        var beforeLeave = acknowledged.Count;
        await leaving.DisposeAsync();
        var atLeave = acknowledged.Count;
        await ResRoomClient.WaitForAsync(() => acknowledged.Count >= atLeave + 300, TimeSpan.FromSeconds(60), "300 more acknowledged after the leave");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"{acknowledged.Count} messages acknowledged: {beforeLeave} before the leave, {atLeave - beforeLeave} while the node left, the rest after");
        foreach (var room in acknowledged.GroupBy(a => a.Value.Room))
        {
            var count = room.Count();
            var stored = new List<(Guid, long)>();
            for (long before = count + 1; before > 1; before -= 200)
            {
                var page = await _gateway.RequestJsonAsync($"call.room.{room.Key}.messages.history", ResRoomClient.HistoryBody(room.Key, before));
                stored.AddRange(page!["result"]!["messages"]!.AsArray().Select(m => (Guid.Parse(m!["id"]!.GetValue<string>()), m["seq"]!.GetValue<long>())));
            }

            stored.Should().BeEquivalentTo(room.Select(a => (a.Key, a.Value.Seq)), "every acknowledged message is stored once, with its seq");
            var model = await _gateway.RequestJsonAsync($"get.room.{room.Key}");
            model!["result"]!["model"]!["messageCount"]!.GetValue<long>().Should().Be(count, "nothing was stored that was not acknowledged");
        }
    }

    [Fact]
    public async Task NodeCrashing_DuringSteadySends_LosesNothingAcknowledged_AndNoRoomWithMembersCloses()
    {
        var rooms = Enumerable.Range(0, 30).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberKey())).ToList();
        foreach (var (room, member) in rooms)
        {
            await _client.JoinAsync(room, member);
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        var lastSuccess = new ConcurrentDictionary<string, DateTime>();
        using var stop = new CancellationTokenSource();
        var clients = rooms.Select(r => Task.Run(async () =>
        {
            var lastHeartbeat = DateTime.UtcNow;
            while (!stop.IsCancellationRequested)
            {
                // The page heartbeats about every second, and re-joins when the room forgot it.
                if (DateTime.UtcNow - lastHeartbeat > TimeSpan.FromSeconds(1))
                {
                    lastHeartbeat = DateTime.UtcNow;
                    var beat = await _client.TryRequestAsync($"call.room.{r.Room}.heartbeat", ResRoomClient.MemberBody(r.Room, r.Member));
                    if (beat?["error"]?["code"]?.GetValue<string>() == "room.notJoined")
                    {
                        await _client.JoinAsync(r.Room, r.Member);
                    }
                }

                var id = Guid.NewGuid();
                var firstTry = DateTime.UtcNow;
                for (var attempt = 1; attempt <= 50 && !stop.IsCancellationRequested; attempt++)
                {
                    var reply = await _client.TrySendAsync(r.Room, r.Member, id);
                    if (reply?["result"]?["seq"] is { } seq)
                    {
                        acknowledged[id] = (r.Room, seq.GetValue<long>());
                        lastSuccess[r.Room] = DateTime.UtcNow;
                        break;
                    }

                    if (ResRoomClient.IsNotJoined(reply))
                    {
                        await _client.JoinAsync(r.Room, r.Member);
                    }
                    else if (reply is not null)
                    {
                        await ResRoomClient.BackOffAsync(firstTry);
                    }
                }

                await Task.Delay(50);
            }
        })).ToList();

        await ResRoomClient.WaitForAsync(() => acknowledged.Count >= 300, TimeSpan.FromSeconds(60), "300 sends acknowledged before the crash");
        var crashed = _nodes[2];
        _nodes.RemoveAt(2);
        var crashAt = DateTime.UtcNow;
        var beforeCrash = acknowledged.Count;
        await crashed.CrashAsync();

        // Every room answers again once the survivors have downed the crashed node and taken its shards.
        await ResRoomClient.WaitForAsync(() => rooms.All(r => lastSuccess.TryGetValue(r.Room, out var at) && at > crashAt), TimeSpan.FromSeconds(90), "every room answering again after the crash");
        var recovery = rooms.Max(r => lastSuccess[r.Room]) - crashAt;
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Read every room's status at once: without heartbeats they would (rightly) end a few seconds from now.
        foreach (var (room, _) in rooms)
        {
            var status = (await _gateway.RequestJsonAsync($"get.room.{room}"))!["result"]!["model"]!["status"]!.GetValue<string>();
            status.Should().Be("active", "a room whose members kept heartbeating never closes");
        }

        output.WriteLine($"{acknowledged.Count} messages acknowledged, {beforeCrash} before the crash; every room answered again {recovery.TotalSeconds:F1} s after the crash");
        // The rooms end soon after their clients stopped (correctly), so check the journal and the read
        // model, the source of truth and its projection, instead of asking the rooms.
        var journalCounts = await ResRoomClient.MessagesPerRoomInJournalAsync(_db);
        foreach (var room in acknowledged.GroupBy(a => a.Value.Room))
        {
            journalCounts.GetValueOrDefault(room.Key).Should().Be(room.Count(), "every acknowledged message is in the journal once, and nothing else");
        }

        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(_db, "messages") >= acknowledged.Count, TimeSpan.FromSeconds(60), "the projection caught up");
        (await ReadModelTables.MessagesAsync(_db)).Select(m => m.Id).Should().BeEquivalentTo(acknowledged.Keys);
    }
}
