using Chat.Tests.Infrastructure;
using Chat.Tests.Gateway;

namespace Chat.Tests.Hostile;

/// <summary>The shared resource cache cannot be poisoned by a client that leaves mid-load or by a failed load.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileCacheTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    // The slow service needs access; long enough for a load the test holds back.
    protected override Dictionary<string, string?> Overrides => new() { ["Chat:Gateway:RequestTimeout"] = "00:00:20" };

    [Fact]
    public async Task FirstSubscriberResetsMidLoad_TheNextSubscriberStillGetsTheResource()
    {
        await using var service = await SlowService.StartAsync(Listener.Connection);
        await UnderAttack(async () =>
        {
            var attacker = await Attacker();
            await attacker.SendRawAsync("""{"id":1,"method":"subscribe.slow.r1"}""");
            await service.WaitForGetsAsync(1);
            attacker.Abort();
            await attacker.DisposeAsync();
            await WaitUntil(() => Gateway.OpenConnections == 4, "the attacker's connection ended");

            service.Answer();
            await using var victim = await WsClient.ConnectAsync(Node.WebSocketUri);
            var reply = await victim.RequestAsync("subscribe.slow.r1");
            reply["result"]!["models"]!["slow.r1"]!["name"]!.GetValue<string>().Should().Be("slow");
        });
    }

    [Fact]
    public async Task FailedLoad_IsAnsweredToEveryWaiter_AndTheNextCallerLoadsAnew()
    {
        await using var service = await SlowService.StartAsync(Listener.Connection);
        await UnderAttack(async () =>
        {
            await using var first = await WsClient.ConnectAsync(Node.WebSocketUri);
            await using var second = await WsClient.ConnectAsync(Node.WebSocketUri);
            var one = first.RequestAsync("subscribe.slow.r2");
            await service.WaitForGetsAsync(1);
            var two = second.RequestAsync("subscribe.slow.r2");

            // The second subscribe asks access first; it must be waiting on the same load before the load fails.
            await WaitUntil(() => Gateway.CacheHoldersOf("slow.r2") == 2, "the second subscribe waiting on the load");
            service.Answer("""{"error":{"code":"slow.broken","message":"Broken"}}""");
            (await one)["error"]!["code"]!.GetValue<string>().Should().Be("slow.broken");
            (await two)["error"]!["code"]!.GetValue<string>().Should().Be("slow.broken");

            service.Answer();
            var three = await first.RequestAsync("subscribe.slow.r2");
            three["result"]!["models"]!["slow.r2"].Should().NotBeNull();
            service.GetsSeen.Should().Be(2, "the failed load was not kept: the third subscribe loaded anew");
        });
    }

    [Fact]
    public async Task ClientsResettingTheirFirstSubscribeToNewRooms_LeaveEveryRoomUsable()
    {
        var rooms = Enumerable.Range(0, 10).Select(_ => TestPayloads.NewRoomId()).ToList();
        await UnderAttack(async () =>
        {
            // A subscribe loads the resources while access is asked, so an attacker with only the id starts a
            // load as well as one who unlocked the room: half the rooms meet each.
            foreach (var (room, i) in rooms.Select((room, i) => (room, i)))
            {
                var attacker = await Attacker();
                if (i % 2 == 0)
                {
                    await attacker.UnlockAsync(room);
                }

                await attacker.SendRawAsync($$"""{"id":1,"method":"subscribe.room.{{room}}"}""");
                attacker.Abort();
                await attacker.DisposeAsync();
            }

            await using var victim = await WsClient.ConnectAsync(Node.WebSocketUri);
            foreach (var room in rooms)
            {
                await victim.UnlockAsync(room);
                var joined = await victim.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(TestPayloads.NewMemberKey()));
                joined["result"]!["models"]![$"room.{room}"]!["status"]!.GetValue<string>().Should().Be("active");
            }
        });
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token).ContinueWith(t => t.IsCanceled ? throw new TimeoutException($"Waited 10 s for: {what}") : t, TaskScheduler.Default).Unwrap();
        }
    }
}
