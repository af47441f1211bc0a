using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>A room full of the largest messages still opens: its window and history pages stay well below NATS's max_payload.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileResponseSizeTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    private const int MaxResponseBytes = 512 * 1024;

    // The test is about sizes, not send budgets: let one writer fill the room quickly.
    protected override Dictionary<string, string?> Overrides => new()
    {
        ["Chat:Rooms:RatePerSecond"] = "10000",
        ["Chat:Rooms:RateBurst"] = "10000",
        ["Chat:Rooms:ConnectionRatePerSecond"] = "10000",
        ["Chat:Rooms:ConnectionRateBurst"] = "10000",
        ["Chat:Rooms:RoomBytesPerSecond"] = "100000000",
        ["Chat:Rooms:RoomBytesBurst"] = "100000000",
    };

    [Fact]
    public async Task RoomOfAHundredLargestMessages_OpensAndPagesBack_WithoutTouchingNatsLimits()
    {
        await UnderAttack(async () =>
        {
            var room = TestPayloads.NewRoomId();
            await using var attacker = await Attacker();
            var member = TestPayloads.NewMemberKey();
            await attacker.UnlockAsync(room);
            await attacker.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member));
            for (var i = 0; i < 100; i++)
            {
                var sent = await attacker.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(member, 64 * 1024));
                sent["error"].Should().BeNull();
                if (i % 40 == 39)
                {
                    await Task.Delay(1000); // the socket's own request budget
                }
            }

            await using var reader = await WsClient.ConnectAsync(Node.WebSocketUri);
            await reader.UnlockAsync(room);
            var subscribed = await reader.RequestAsync($"subscribe.room.{room}");
            var window = subscribed["result"]!["collections"]![$"room.{room}.messages"]!.AsArray();
            window.Count.Should().BeInRange(4, 99, "a window of 64 KiB messages is cut by bytes before it reaches 100");
            window[^1]!["data"]!["seq"]!.GetValue<long>().Should().Be(100, "the window holds the newest messages");
            window.ToJsonString().Length.Should().BeLessThanOrEqualTo(MaxResponseBytes);

            var oldest = window[0]!["data"]!["seq"]!.GetValue<long>();
            var seen = window.Count;
            while (oldest > 1)
            {
                var page = await reader.RequestAsync($"call.room.{room}.messages.history", new JsonObject { ["before"] = oldest, ["limit"] = 200 });
                var messages = page["result"]!["payload"]!["messages"]!.AsArray();
                messages.Count.Should().BePositive();
                messages.ToJsonString().Length.Should().BeLessThanOrEqualTo(MaxResponseBytes);
                messages[^1]!["seq"]!.GetValue<long>().Should().Be(oldest - 1);
                oldest = messages[0]!["seq"]!.GetValue<long>();
                seen += messages.Count;
            }

            seen.Should().Be(100, "paging by the oldest seq returned walks every message once");
        });
    }
}
