using System.Net;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>One connection cannot take more than its share: requests in flight, request rate, subscriptions, origin.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileConnectionLimitTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    [Fact]
    public async Task RequestsBeyondThoseInFlight_AreRefusedAtOnce()
    {
        await using var service = await SlowService.StartAsync(Listener.Connection);
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();

            // Distinct resources the slow service holds back: 32 stay in flight, the rest are refused.
            var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => attacker.RequestAsync($"subscribe.slow.f{i}")));
            var refused = replies.Count(r => r["error"]?["code"]?.GetValue<string>() == "gateway.limitExceeded");
            refused.Should().Be(8);
            replies.Where(r => r["error"]?["code"]?.GetValue<string>() == "gateway.limitExceeded")
                .Should().OnlyContain(r => r["error"]!["message"]!.GetValue<string>().Contains("in flight"));
            service.GetsSeen.Should().Be(32);
            for (var i = 0; i < 32; i++)
            {
                service.Answer();
            }
        });
    }

    [Fact]
    public async Task RequestsFasterThanTheBudget_AreRefused_AndTheBudgetRefills()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => attacker.RequestAsync("version")));
            var refused = replies.Count(r => r["error"]?["code"]?.GetValue<string>() == "gateway.limitExceeded");

            // A burst of 100 plus what refills at 50/s while the 300 frames arrive.
            refused.Should().BeGreaterThan(100);
            replies.Count(r => r["result"] is not null).Should().BeGreaterThanOrEqualTo(100);

            // Refilled at 50/s: within a few tenths of a second a request goes through again.
            var refilled = false;
            for (var attempt = 0; attempt < 50 && !refilled; attempt++)
            {
                await Task.Delay(100);
                refilled = (await attacker.RequestAsync("version"))["result"] is not null;
            }

            refilled.Should().BeTrue("the budget refills");
        });
    }

    [Fact]
    public async Task SubscriptionsBeyondTheLimit_AreRefused()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();

            // One connection holds at most 32 rooms, so the 64 subscriptions are two resources of each.
            var rooms = Enumerable.Range(0, 32).Select(_ => TestPayloads.NewRoomId()).ToList();
            for (var i = 0; i < rooms.Count; i++)
            {
                await attacker.UnlockAsync(rooms[i]);
                foreach (var rid in new[] { $"room.{rooms[i]}", $"room.{rooms[i]}.participants" })
                {
                    (await attacker.RequestAsync($"subscribe.{rid}"))["error"].Should().BeNull();
                }

                if (i % 13 == 12)
                {
                    await Task.Delay(1000); // stay within the request rate (13 rooms are 39 requests): this test is about subscriptions
                }
            }

            var over = await attacker.RequestAsync($"subscribe.room.{rooms[0]}.messages");
            over["error"]!["code"]!.GetValue<string>().Should().Be("gateway.limitExceeded");
            over["error"]!["message"]!.GetValue<string>().Should().Contain("subscriptions");
        });
    }

    [Fact]
    public async Task PageOfAnotherOrigin_CannotOpenTheWebSocket()
    {
        await UnderAttack(async () =>
        {
            (await WsClient.RefusedUpgradeAsync(Node.WebSocketUri, "https://evil.example")).Should().Be(HttpStatusCode.Forbidden);
            (await WsClient.RefusedUpgradeAsync(Node.WebSocketUri, "null")).Should().Be(HttpStatusCode.Forbidden);
            (await WsClient.RefusedUpgradeAsync(Node.WebSocketUri, $"http://127.0.0.1:{Node.WebSocketUri.Port + 1}")).Should().Be(HttpStatusCode.Forbidden);

            await using var ownPage = await Attacker(origin: $"http://127.0.0.1:{Node.WebSocketUri.Port}");
            (await ownPage.RequestAsync("version"))["result"].Should().NotBeNull();
        });
    }
}
