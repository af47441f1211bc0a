using System.Diagnostics;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>
/// Send budgets the room enforces (so they hold behind Resgate too): many member keys on one socket
/// share the connection's budget, and leaving and joining again refills nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileRoomBudgetTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    // The defaults: per member 5/s (burst 20), per connection 10/s (burst 40), per room 50/s (burst 200).
    private const int ConnectionBurst = 40;
    private const double ConnectionRate = 10;

    [Fact]
    public async Task FortyMemberKeysOnOneSocket_AreHeldToTheConnectionsBudget()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            var room = Bystanders.SharedRoom;
            await attacker.UnlockAsync(room);
            var members = Enumerable.Range(0, 40).Select(_ => TestPayloads.NewMemberKey()).ToList();
            foreach (var member in members)
            {
                (await attacker.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member)))["error"].Should().BeNull();
            }

            await Task.Delay(2000); // the joins spent the socket's request burst; start the flood with it full
            var clock = Stopwatch.StartNew();
            // 16 at a time stays within the socket's requests in flight, so the room's own budget is what is tested.
            using var inFlight = new SemaphoreSlim(16);
            var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                await inFlight.WaitAsync();
                try
                {
                    return await attacker.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(members[i % members.Count]));
                }
                finally
                {
                    inFlight.Release();
                }
            }));
            var elapsed = clock.Elapsed.TotalSeconds;

            var accepted = replies.Count(r => r["result"] is not null);
            accepted.Should().BeLessThanOrEqualTo((int)(ConnectionBurst + (ConnectionRate * elapsed)) + 1, $"one connection may send {ConnectionBurst} at once and {ConnectionRate}/s after ({elapsed:F1} s)");
            accepted.Should().BePositive();
            replies.Where(r => r["error"] is not null).Select(r => r["error"]!["code"]!.GetValue<string>())
                .Should().OnlyContain(code => code == "room.rateLimited" || code == "gateway.limitExceeded");
            var roomRefusals = replies.Where(r => r["error"]?["code"]?.GetValue<string>() == "room.rateLimited").ToList();
            roomRefusals.Should().NotBeEmpty("the socket's request budget (burst 100) lets more sends through than the connection may store");
            roomRefusals.Should().OnlyContain(r => r["error"]!["data"]!["retryAfterMs"]!.GetValue<long>() > 0);
        });
    }

    [Fact]
    public async Task LeavingAndJoiningAgain_DoesNotRefillAMembersBudget()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            var room = Bystanders.OtherRoom;
            await attacker.UnlockAsync(room);
            var member = TestPayloads.NewMemberKey();
            await attacker.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member));
            JsonObject reply;
            var sent = 0;
            do
            {
                reply = await attacker.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(member));
                sent++;
            }
            while (reply["error"] is null && sent < 100);

            reply["error"]!["code"]!.GetValue<string>().Should().Be("room.rateLimited");
            var clock = Stopwatch.StartNew();
            (await attacker.RequestAsync($"call.room.{room}.leave", new JsonObject { ["memberKey"] = member }))["error"].Should().BeNull();
            (await attacker.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member)))["error"].Should().BeNull();
            var afterRejoin = 0;
            for (var i = 0; i < 10; i++)
            {
                afterRejoin += (await attacker.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(member)))["result"] is null ? 0 : 1;
            }

            // Only what refilled at 5/s meanwhile, never a fresh burst of 20.
            afterRejoin.Should().BeLessThanOrEqualTo((int)(5 * clock.Elapsed.TotalSeconds) + 1);
        });
    }
}
