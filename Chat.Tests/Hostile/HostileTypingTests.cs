using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>
/// Typing notices are relayed to every subscriber, so a flood would cost everyone: twenty member keys on
/// one socket hammering <c>typing</c> in the bystanders' own room get at most one notice per member per
/// second through, the rest refused, while the bystanders keep talking and the node keeps its NATS connections.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileTypingTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    [Fact]
    public async Task TypingFloodFromManyMemberKeys_IsHeldToOneNoticePerMemberPerSecond_AndBystandersKeepTalking()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            var room = Bystanders.SharedRoom;
            await attacker.UnlockAsync(room);
            var members = Enumerable.Range(0, 20).Select(_ => TestPayloads.NewMemberKey()).ToList();
            foreach (var member in members)
            {
                (await attacker.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member)))["error"].Should().BeNull();
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var replies = new List<JsonObject>();
            for (var round = 0; round < 10; round++)
            {
                replies.AddRange(await Task.WhenAll(members.Select(member => attacker.RequestAsync($"call.room.{room}.typing", new JsonObject
                {
                    ["memberKey"] = member,
                    ["ciphertext"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(272)),
                    ["nonce"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)),
                }))));
            }

            replies.Where(r => r["error"] is not null).Select(r => r["error"]!["code"]!.GetValue<string>())
                .Should().OnlyContain(code => code == "room.rateLimited" || code == "gateway.limitExceeded");
            replies.Count(r => r["error"]?["code"]?.GetValue<string>() == "room.rateLimited").Should().BePositive("the room refuses a member's second notice within the second");
            var accepted = replies.Count(r => r["error"] is null);
            accepted.Should().BePositive();
            var seconds = Math.Ceiling(clock.Elapsed.TotalSeconds);
            accepted.Should().BeLessThanOrEqualTo(members.Count * ((int)seconds + 1), $"one notice per member per second over {seconds} s");
        });
    }
}
