using System.Text.Json.Nodes;
using Chat.Gateway;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>A client that subscribes and stops reading is cut off at its byte limit; readers of the same room keep up.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileSlowReaderTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    protected override Dictionary<string, string?> Overrides => new() { ["Chat:Gateway:SendQueueBytes"] = "1048576" };

    [Fact]
    public async Task ReaderThatStopsReading_IsCutOffAtItsByteLimit()
    {
        await UnderAttack(async () =>
        {
            var room = Bystanders.SharedRoom;
            await using var stalled = await WsClient.ConnectAsync(Node.WebSocketUri, read: false);

            // The unlock's answer is the last frame the stalled reader reads.
            (await stalled.RequestWithoutReaderAsync($"auth.room.{room}.unlock", new JsonObject { ["proof"] = TestPayloads.ProofOf(room) }))["error"].Should().BeNull();
            await stalled.SendRawAsync($$$"""{"id":2,"method":"subscribe.room.{{{room}}}"}""");

            // Large messages within the default budgets, from a few members, until the stalled reader is cut off.
            await using var writer = await Attacker();
            await writer.UnlockAsync(room);
            var members = Enumerable.Range(0, 3).Select(_ => TestPayloads.NewMemberKey()).ToList();
            foreach (var member in members)
            {
                await writer.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member));
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            for (var i = 0; !WasCutOff() && DateTime.UtcNow < deadline; i++)
            {
                var sent = await writer.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(members[i % members.Count], 60 * 1024));
                if (sent["error"]?["data"]?["retryAfterMs"]?.GetValue<long>() is { } wait)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait));
                }
            }

            WasCutOff().Should().BeTrue("a reader that stops reading is cut off once 1 MiB waits for it");
        });
    }

    private bool WasCutOff() => Node.Logs.Lines.Any(l => l.Contains(nameof(ResGateway), StringComparison.Ordinal) && l.Contains("was closed", StringComparison.Ordinal));
}
