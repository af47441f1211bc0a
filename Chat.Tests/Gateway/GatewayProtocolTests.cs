using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary>The embedded gateway on raw WebSocket frames, against the real RES service on a real nats-server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayProtocolTests(PostgresFixture postgres) : GatewaySpec(postgres)
{

    [Fact]
    public async Task Version_AnswersTheProtocolResgateSpeaks()
    {
        await using var client = await Connect();

        var reply = await client.RequestAsync("version", new JsonObject { ["protocol"] = "1.2.1" });

        JsonAssert.Equal(reply["result"], """{"protocol":"1.2.3"}""");
    }

    [Fact]
    public async Task Subscribe_ToARoom_ReturnsItsModelAndTheReferencedCollections()
    {
        await using var client = await Connect();
        var room = TestPayloads.NewRoomId();
        await client.UnlockAsync(room);

        var reply = await client.RequestAsync($"subscribe.room.{room}");

        var result = reply["result"]!;
        result["models"]![$"room.{room}"]!["status"]!.GetValue<string>().Should().Be("new");
        result["models"]![$"room.{room}"]!["messages"]!["rid"]!.GetValue<string>().Should().Be($"room.{room}.messages");
        JsonAssert.Equal(result["collections"], $$$"""{"room.{{{room}}}.messages":[],"room.{{{room}}}.participants":[]}""");
    }

    [Fact]
    public async Task JoinAndSend_ThroughTheGateway_ReachOtherSubscribersAsEvents()
    {
        await using var alice = await Connect();
        await using var bob = await Connect();
        var room = TestPayloads.NewRoomId();
        await alice.UnlockAsync(room);
        await bob.UnlockAsync(room);
        await bob.RequestAsync($"subscribe.room.{room}");
        var aliceKey = TestPayloads.NewMemberKey();

        var joined = await alice.RequestAsync($"call.room.{room}.join", JoinParams(aliceKey));
        joined["result"]!["rid"]!.GetValue<string>().Should().Be($"room.{room}");
        joined["result"]!["models"]![$"room.{room}"]!["status"]!.GetValue<string>().Should().Be("active");

        var bobSees = await bob.NextEventAsync(e => e == $"room.{room}.participants.add");
        bobSees["data"]!["idx"]!.GetValue<int>().Should().Be(0);

        var aliceMember = joined["result"]!["collections"]![$"room.{room}.participants"]![0]!["data"]!["member"]!.GetValue<string>();
        aliceMember.Should().Be(TestPayloads.MemberIdOf(aliceKey));
        var sent = await alice.RequestAsync($"call.room.{room}.messages.send", SendParams(aliceKey));
        JsonAssert.Equal(sent["result"], """{"payload":{"seq":1}}""");

        // Two resources, two event streams: their events may interleave either way, and the join's own
        // change (participantCount) may still be on its way after its participants.add.
        bool IsSendEvent(JsonObject e) => e["event"]!.GetValue<string>() == $"room.{room}.messages.add"
            || e["data"]?["values"]?["messageCount"] is not null;
        var first = await NextMatchingAsync(bob, IsSendEvent);
        var second = await NextMatchingAsync(bob, IsSendEvent);
        var events = new[] { first, second }.ToDictionary(e => e["event"]!.GetValue<string>());
        events[$"room.{room}.messages.add"]["data"]!["value"]!["data"]!["seq"]!.GetValue<long>().Should().Be(1);
        events[$"room.{room}.messages.add"]["data"]!["value"]!["data"]!["member"]!.GetValue<string>().Should().Be(aliceMember);
        JsonAssert.Equal(events[$"room.{room}.change"]["data"], """{"values":{"messageCount":1}}""");
    }

    [Fact]
    public async Task CallError_ArrivesAsAnErrorResponse()
    {
        await using var client = await Connect();
        var room = TestPayloads.NewRoomId();
        await client.UnlockAsync(room);

        var reply = await client.RequestAsync($"call.room.{room}.messages.send", SendParams(TestPayloads.NewMemberKey()));

        reply["error"]!["code"]!.GetValue<string>().Should().Be("room.notJoined");
    }

    [Theory]
    [InlineData("frobnicate.room.x", "system.invalidRequest")]
    [InlineData("subscribe.", "system.invalidRequest")]
    [InlineData("subscribe.room..x", "system.invalidRequest")]
    [InlineData("subscribe.room.not-a-uuid", "system.notFound")]
    [InlineData("unsubscribe.room.3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e", "system.noSubscription")]
    [InlineData("call.room.{room}.explode", "system.methodNotFound")]
    [InlineData("call.nothing.here.at.all", "system.notFound")]
    public async Task BadRequests_AreAnsweredWithTheirCode(string method, string code)
    {
        await using var client = await Connect();

        // {room} is one the client unlocked: the access check passes, so the code is about the request itself.
        var room = TestPayloads.NewRoomId();
        await client.UnlockAsync(room);
        var reply = await client.RequestAsync(method.Replace("{room}", room, StringComparison.Ordinal));

        reply["error"]!["code"]!.GetValue<string>().Should().Be(code);
    }

    [Fact]
    public async Task MalformedJson_IsAnInvalidRequest_AndTheConnectionStaysUsable()
    {
        await using var client = await Connect();

        await client.SendRawAsync("{not json");
        var error = await client.NextIdlessAsync();

        error["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidRequest");
        JsonAssert.Equal((await client.RequestAsync("version"))["result"], """{"protocol":"1.2.3"}""");
    }

    [Fact]
    public async Task OversizeFrame_ClosesTheConnection()
    {
        await using var client = await Connect();

        await client.SendRawAsync(new string('x', 300 * 1024));

        await WaitUntil(() => client.State != System.Net.WebSockets.WebSocketState.Open);
    }

    [Fact]
    public async Task EventsOfResourcesTheClientDoesNotHold_AreNotSent()
    {
        await using var holder = await Connect();
        await using var other = await Connect();
        var watched = TestPayloads.NewRoomId();
        var unwatched = TestPayloads.NewRoomId();

        // The other client may read both rooms: what it is sent depends on what it holds, not on what it may read.
        foreach (var room in new[] { watched, unwatched })
        {
            await holder.UnlockAsync(room);
            await other.UnlockAsync(room);
        }

        await other.RequestAsync($"subscribe.room.{watched}");
        await holder.RequestAsync($"subscribe.room.{unwatched}");

        await holder.RequestAsync($"call.room.{unwatched}.join", JoinParams(TestPayloads.NewMemberKey()));
        await holder.NextEventAsync(e => e == $"room.{unwatched}.participants.add");
        await holder.RequestAsync($"call.room.{watched}.join", JoinParams(TestPayloads.NewMemberKey()));
        await other.NextEventAsync(e => e == $"room.{watched}.participants.add");

        other.DrainEvents().Should().NotContain(e => e["event"]!.GetValue<string>().Contains(unwatched, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unsubscribe_CountsDirectSubscriptions()
    {
        await using var client = await Connect();
        var room = TestPayloads.NewRoomId();
        await client.UnlockAsync(room);
        await client.RequestAsync($"subscribe.room.{room}");
        var again = await client.RequestAsync($"subscribe.room.{room}");
        again["result"]!.AsObject().Should().BeEmpty("the client has every resource already");

        (await client.RequestAsync($"unsubscribe.room.{room}", new JsonObject { ["count"] = 2 }))["error"].Should().BeNull();
        (await client.RequestAsync($"unsubscribe.room.{room}"))["error"]!["code"]!.GetValue<string>().Should().Be("system.noSubscription");

        // Subscribing again sends the resources again: the client dropped them.
        (await client.RequestAsync($"subscribe.room.{room}"))["result"]!["models"].Should().NotBeNull();
    }

    [Fact]
    public async Task ClosingTheWebSocket_PublishesTheDisconnectHint_AndTheMemberLeavesAtOnce()
    {
        await using var watcher = await Connect();
        var room = TestPayloads.NewRoomId();
        await watcher.UnlockAsync(room);
        await watcher.RequestAsync($"subscribe.room.{room}");
        var hints = await Listener.Connection.SubscribeCoreAsync<byte[]>("conn.*.disconnect");

        var leaving = await Connect();
        await leaving.UnlockAsync(room);
        await leaving.RequestAsync($"call.room.{room}.join", JoinParams(TestPayloads.NewMemberKey()));
        await watcher.NextEventAsync(e => e == $"room.{room}.participants.add");
        await leaving.DisposeAsync();

        var hint = await hints.Msgs.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        var rids = JsonNode.Parse(hint.Data!)!["rids"]!.AsArray().Select(r => r!.GetValue<string>());
        rids.Should().Contain($"room.{room}");
        await watcher.NextEventAsync(e => e == $"room.{room}.participants.remove", TimeSpan.FromSeconds(2));
        await hints.DisposeAsync();
    }

    [Fact]
    public async Task ReconnectingClient_GetsAFreshCid_AndACorrectResync()
    {
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberKey();
        var hints = await Listener.Connection.SubscribeCoreAsync<byte[]>("conn.*.disconnect");
        await using (var first = await Connect())
        {
            await first.UnlockAsync(room);
            await first.RequestAsync($"call.room.{room}.join", JoinParams(member));
            await first.RequestAsync($"call.room.{room}.messages.send", SendParams(member));
        }

        var firstCid = (await hints.Msgs.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token)).Subject.Split('.')[1];

        // Someone else talks while this client is away.
        await using var other = await Connect();
        var otherMember = TestPayloads.NewMemberKey();
        await other.UnlockAsync(room);
        await other.RequestAsync($"call.room.{room}.join", JoinParams(otherMember));
        await other.RequestAsync($"call.room.{room}.messages.send", SendParams(otherMember));

        // A token belongs to its connection: the page unlocks again on every connect.
        await using var second = await Connect();
        await second.UnlockAsync(room);
        var resync = await second.RequestAsync($"call.room.{room}.join", JoinParams(member));
        resync["result"]!["collections"]![$"room.{room}.messages"]!.AsArray().Select(m => m!["data"]!["seq"]!.GetValue<long>())
            .Should().Equal(1, 2);
        await second.CloseAsync();

        var secondCid = (await hints.Msgs.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token)).Subject.Split('.')[1];
        secondCid.Should().NotBe(firstCid).And.MatchRegex("^[0-9a-v]{20}$");
        await hints.DisposeAsync();
    }

    private async Task<WsClient> Connect()
    {
        var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.RequestAsync("version", new JsonObject { ["protocol"] = "1.2.1" });
        return client;
    }

    /// <summary>A join's parameters; <paramref name="memberKey"/> is a key from <see cref="TestPayloads.NewMemberKey"/>.</summary>
    internal static JsonObject JoinParams(string memberKey) => new()
    {
        ["memberKey"] = memberKey,
        ["profile"] = new JsonObject { ["ciphertext"] = TestPayloads.Base64(48), ["nonce"] = TestPayloads.Base64(12) },
    };

    internal static JsonObject SendParams(string memberKey, int ciphertextBytes = 64) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["ciphertext"] = TestPayloads.Base64(ciphertextBytes),
        ["nonce"] = TestPayloads.Base64(12),
        ["memberKey"] = memberKey,
    };

    private static async Task<JsonObject> NextMatchingAsync(WsClient client, Func<JsonObject, bool> match)
    {
        while (true)
        {
            var frame = await client.NextEventAsync(_ => true);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline);
            await Task.Delay(20);
        }
    }
}
