using System.Text;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary><c>system.reset</c>: the gateway re-fetches what it cached and sends clients the difference.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayResetTests(PostgresFixture postgres) : GatewaySpec(postgres)
{

    [Fact]
    public async Task Reset_RepairsACacheThatMissedOrMisreadEvents()
    {
        var room = TestPayloads.NewRoomId();
        await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.UnlockAsync(room);
        await client.RequestAsync($"subscribe.room.{room}");

        // A wrong event reaches the cache (as if real ones had been lost): the client follows it.
        await Listener.Connection.PublishAsync($"event.room.{room}.change", Encoding.UTF8.GetBytes("""{"values":{"participantCount":99}}"""));
        var wrong = await client.NextEventAsync(e => e == $"room.{room}.change");
        JsonAssert.Equal(wrong["data"], """{"values":{"participantCount":99}}""");

        await Listener.Connection.PublishAsync("system.reset", Encoding.UTF8.GetBytes($$$"""{"resources":["room.{{{room}}}","room.{{{room}}}.>"]}"""));

        var repaired = await client.NextEventAsync(e => e == $"room.{room}.change");
        JsonAssert.Equal(repaired["data"], """{"values":{"participantCount":0}}""");
    }

    [Fact]
    public async Task Reset_OfACollection_SendsTheItemsTheClientMissed()
    {
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberKey();
        await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.UnlockAsync(room);
        await client.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member));

        // A wrong remove leaves the cached participants empty; the reset brings the member back.
        await Listener.Connection.PublishAsync($"event.room.{room}.participants.remove", Encoding.UTF8.GetBytes("""{"idx":0}"""));
        await client.NextEventAsync(e => e == $"room.{room}.participants.remove");
        await Listener.Connection.PublishAsync("system.reset", Encoding.UTF8.GetBytes("""{"resources":["room.>"]}"""));

        var added = await client.NextEventAsync(e => e == $"room.{room}.participants.add");
        added["data"]!["idx"]!.GetValue<int>().Should().Be(0);
        added["data"]!["value"]!["data"]!["member"]!.GetValue<string>().Should().Be(TestPayloads.MemberIdOf(member));
    }
}
