using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary>A client that never reads is dropped at its queue limit; everyone else keeps receiving.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayBackpressureTests(PostgresFixture postgres) : GatewaySpec(postgres)
{
    protected override Dictionary<string, string?> Settings => new() { ["Chat:Gateway:SendQueueBytes"] = "1048576" };

    [Fact]
    public async Task StalledClient_IsDisconnectedAtItsLimit_WhileOthersKeepReceiving()
    {
        var room = TestPayloads.NewRoomId();
        await using var sender = await WsClient.ConnectAsync(Node.WebSocketUri);
        await using var reader = await WsClient.ConnectAsync(Node.WebSocketUri);
        await using var stalled = await WsClient.ConnectAsync(Node.WebSocketUri, read: false);
        var member = TestPayloads.NewMemberKey();
        await sender.UnlockAsync(room);
        await reader.UnlockAsync(room);
        await sender.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(member));
        await reader.RequestAsync($"subscribe.room.{room}");

        // The stalled client unlocks the room, then subscribes but never reads another frame, not even the reply.
        (await stalled.RequestWithoutReaderAsync($"auth.room.{room}.unlock", new JsonObject { ["proof"] = TestPayloads.ProofOf(room) }))["error"].Should().BeNull();
        await stalled.SendRawAsync($$$"""{"id":2,"method":"subscribe.room.{{{room}}}"}""");
        await reader.RequestAsync("version");

        // 60 KiB messages fill the socket buffers quickly; then the 1 MiB queue (about 13 of them) overflows.
        const int messages = 200;
        for (var i = 0; i < messages && !Node.Logs.Lines.Any(l => l.Contains("was closed", StringComparison.Ordinal)); i++)
        {
            var sent = await sender.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(member, 60 * 1024));
            sent["result"].Should().NotBeNull();
        }

        Node.Logs.Lines.Should().Contain(l => l.Contains("was closed", StringComparison.Ordinal), "the stalled client hit its queue limit");
        var last = await sender.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(member));
        var seq = last["result"]!["payload"]!["seq"]!.GetValue<long>();
        var lastAdd = await WaitForSeq(reader, room, seq);
        lastAdd.Should().BeTrue("the reading client received every message up to the last");
    }

    private static async Task<bool> WaitForSeq(WsClient client, string room, long seq)
    {
        while (true)
        {
            var added = await client.NextEventAsync(e => e == $"room.{room}.messages.add", TimeSpan.FromSeconds(30));
            if (added["data"]!["value"]!["data"]!["seq"]!.GetValue<long>() == seq)
            {
                return true;
            }
        }
    }
}
