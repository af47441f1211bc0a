using System.Collections.Concurrent;
using System.Globalization;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;
using Xunit.Abstractions;

namespace Chat.Tests.Sharding;

/// <summary>
/// Three Chat.Web processes in one cluster on loopback, sharing one PostgreSQL and one nats-server;
/// one of them is SIGKILLed while pages send into many rooms and keep heartbeating.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessKillClusterTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int RoomCount = 40;
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(1);
    private readonly List<ChatWebProcess> _nodes = [];
    private NatsServer _nats = null!;
    private FakeGateway _gateway = null!;
    private ResRoomClient _client = null!;
    private string _db = string.Empty;

    public async Task InitializeAsync()
    {
        _db = await postgres.Server.CreateDatabaseAsync("killed");
        _nats = await NatsServer.StartAsync();
        _gateway = await FakeGateway.ConnectAsync(_nats.Url);
        _client = new ResRoomClient(_gateway);
        var clusterPorts = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToList();
        foreach (var clusterPort in clusterPorts)
        {
            _nodes.Add(ChatWebProcess.Start(FreePort.Next(), NodeSettings(clusterPort, clusterPorts[0])));
        }

        await Task.WhenAll(_nodes.Select(n => n.WaitUntilHealthyAsync(TimeSpan.FromMinutes(3))));

        // Every node's RES service has subscribed once three node-wide resets have been seen.
        for (var i = 0; i < 3; i++)
        {
            await _gateway.NextAsync(s => s.Subject == "system.reset" && s.Body.Contains("\"access\"", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        await _gateway.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task Kill_DuringSends_LosesNoAcknowledgedMessage_AndRoomsWithMembersStayOpen()
    {
        var rooms = Enumerable.Range(0, RoomCount).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberKey())).ToList();
        foreach (var (room, member) in rooms)
        {
            await _client.JoinAsync(room, member);
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        var lastSuccess = new ConcurrentDictionary<string, DateTime>();
        var toldNotJoined = new ConcurrentDictionary<string, int>();
        using var stopSends = new CancellationTokenSource();
        using var stopHeartbeats = new CancellationTokenSource();
        var senders = rooms.Select(r => Task.Run(() => SendSteadily(r.Room, r.Member, acknowledged, lastSuccess, toldNotJoined, stopSends.Token))).ToList();
        var heartbeats = rooms.Select(r => Task.Run(() => Heartbeat(r.Room, r.Member, toldNotJoined, stopHeartbeats.Token))).ToList();

        await ResRoomClient.WaitForAsync(() => acknowledged.Count >= 300, TimeSpan.FromMinutes(1), "300 messages acknowledged before the kill");
        var killed = _nodes[2];
        var beforeKill = acknowledged.Count;
        var killAt = DateTime.UtcNow;
        await killed.KillAsync();
        toldNotJoined.Clear();

        // Every room answers again once the survivors have downed the dead node and taken its shards.
        await ResRoomClient.WaitForAsync(
            () => rooms.All(r => lastSuccess.TryGetValue(r.Room, out var at) && at > killAt), TimeSpan.FromMinutes(2), "every room answering after the kill");
        var recovery = rooms.Max(r => lastSuccess[r.Room]) - killAt;
        var atRecovery = acknowledged.Count;
        await ResRoomClient.WaitForAsync(() => acknowledged.Count >= atRecovery + 200, TimeSpan.FromMinutes(1), "200 more messages after recovery");
        await stopSends.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine(
            $"process {killed.Pid} SIGKILLed: every room answered again {recovery.TotalSeconds:F1} s later; " +
            $"{acknowledged.Count} messages acknowledged ({beforeKill} before the kill); " +
            $"{toldNotJoined.Count} of {RoomCount} rooms told their member room.notJoined after the kill");
        toldNotJoined.Should().NotBeEmpty("the rooms of the killed node recover with nobody present");

        // Members still heartbeat, so every room is open; each holds exactly what was acknowledged.
        foreach (var room in rooms)
        {
            var mine = acknowledged.Where(a => a.Value.Room == room.Room).Select(a => (a.Key, a.Value.Seq)).ToList();
            var model = (await _gateway.RequestJsonAsync($"get.room.{room.Room}"))!["result"]!["model"]!;
            model["status"]!.GetValue<string>().Should().Be("active", "a room whose member kept heartbeating never closes");
            model["messageCount"]!.GetValue<long>().Should().Be(mine.Count, "nothing was stored that was not acknowledged");
            (await _client.HistoryAsync(room.Room, mine.Count)).Should().BeEquivalentTo(mine, "every acknowledged message is in the recovered history once, with its seq");
            var beat = await _client.TryHeartbeatAsync(room.Room, room.Member);
            beat.Should().NotBeNull("the room answers its member's heartbeat");
            beat!.AsObject().ContainsKey("result").Should().BeTrue("the member re-joined after the kill: {0}", beat.ToJsonString());
        }

        var journal = await ResRoomClient.MessagesPerRoomInJournalAsync(_db);
        foreach (var (room, _) in rooms)
        {
            journal.GetValueOrDefault(room).Should().Be(acknowledged.Count(a => a.Value.Room == room), "every acknowledged message is in the journal once");
        }

        await stopHeartbeats.CancelAsync();
        await Task.WhenAll(heartbeats).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A page sending: one message at a time, retried with the same id until stored, as the page does.</summary>
    private async Task SendSteadily(
        string room,
        string member,
        ConcurrentDictionary<Guid, (string Room, long Seq)> acknowledged,
        ConcurrentDictionary<string, DateTime> lastSuccess,
        ConcurrentDictionary<string, int> toldNotJoined,
        CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // No stop check inside: a message may be stored with its reply lost, so it is finished before stopping.
            var id = Guid.NewGuid();
            var giveUpAt = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            for (var attempt = 1; ; attempt++)
            {
                if (DateTime.UtcNow > giveUpAt)
                {
                    throw new TimeoutException($"Message {id} to {room} was never acknowledged.");
                }

                var reply = await _client.TrySendAsync(room, member, id);
                if (reply?["result"]?["seq"] is { } seq)
                {
                    acknowledged[id] = (room, seq.GetValue<long>());
                    lastSuccess[room] = DateTime.UtcNow;
                    break;
                }

                if (ResRoomClient.IsNotJoined(reply))
                {
                    toldNotJoined.AddOrUpdate(room, 1, (_, n) => n + 1);
                    await _client.JoinAsync(room, member);
                }
                else if (reply is not null)
                {
                    await ResRoomClient.BackOffAsync(attempt);
                }
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>A page's heartbeat; when the room has forgotten the member (new owner), it joins again.</summary>
    private async Task Heartbeat(string room, string member, ConcurrentDictionary<string, int> toldNotJoined, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(HeartbeatEvery);
        while (await WaitTick(timer, stop))
        {
            var reply = await _client.TryHeartbeatAsync(room, member);
            if (ResRoomClient.IsNotJoined(reply))
            {
                toldNotJoined.AddOrUpdate(room, 1, (_, n) => n + 1);
                await _client.JoinAsync(room, member);
            }
        }
    }

    private static async Task<bool> WaitTick(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Dictionary<string, string?> NodeSettings(int clusterPort, int seedPort) => TestSettings.LoadTest(
        ("ConnectionStrings:Chat", _db),
        ("Nats:Url", _nats.Url),
        ("Nats:ReconnectWait", "00:00:01"),
        ("Chat:Cluster:Hostname", "127.0.0.1"),
        ("Chat:Cluster:Port", clusterPort.ToString(CultureInfo.InvariantCulture)),
        ("Chat:Cluster:SeedNodes:0", $"akka.tcp://chat@127.0.0.1:{seedPort.ToString(CultureInfo.InvariantCulture)}"),

        // A few seconds instead of 20 s, so a killed node is downed quickly; the rest as in ThreeNodeClusterTests.
        ("Chat:Cluster:SplitBrainResolver:StableAfter", "00:00:03"),
        ("Chat:Rooms:HeartbeatInterval", "00:00:01"),
        ("Chat:Rooms:HeartbeatTimeout", "00:00:03"),
        ("Chat:Rooms:GracePeriod", "00:00:08"),
        ("Chat:Rooms:PassivateIdleAfter", "00:01:00"),
        ("Logging:LogLevel:Default", "Warning"));
}
