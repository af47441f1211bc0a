using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Actors.Rooms;
using Chat.Client.Envelope;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary>
/// The link as the capability (docs/capability.md) through the embedded gateway and the real service: the room id alone gives nothing,
/// only the room's proof unlocks it (per connection, up to 32 rooms), and only a member's key acts as that
/// member, whatever else a link holder knows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayCapabilityTests(PostgresFixture postgres) : GatewaySpec(postgres)
{
    private const string AccessDenied = "system.accessDenied";

    // A window of two keeps older messages out of the room's memory, so history pages come from the journal too.
    protected override Dictionary<string, string?> Settings => new() { ["Chat:Rooms:WindowSize"] = "2" };

    [Fact]
    public async Task RoomIdAlone_IsDeniedEveryReadAndCall_AndTheRoomStaysUnchanged()
    {
        var room = TestPayloads.NewRoomId();
        await using var observer = await Connect();
        await observer.UnlockAsync(room);
        (await observer.RequestAsync($"subscribe.room.{room}"))["error"].Should().BeNull();
        await using var stranger = await Connect();
        var key = TestPayloads.NewMemberKey();

        foreach (var rid in new[] { $"room.{room}", $"room.{room}.messages", $"room.{room}.participants" })
        {
            Code(await stranger.RequestAsync($"get.{rid}")).Should().Be(AccessDenied, $"get {rid}");
            Code(await stranger.RequestAsync($"subscribe.{rid}")).Should().Be(AccessDenied, $"subscribe {rid}");
        }

        foreach (var (method, parameters) in MemberCalls(key).Append(("messages.history", History(before: 10))))
        {
            Code(await stranger.RequestAsync($"call.room.{room}.{method}", parameters)).Should().Be(AccessDenied, method);
        }

        var model = await Listener.RequestJsonAsync($"get.room.{room}");
        model!["result"]!["model"]!["status"]!.GetValue<string>().Should().Be("new");
        JsonAssert.Equal((await Listener.RequestJsonAsync($"get.room.{room}.participants"))!["result"], """{"collection":[]}""");
        JsonAssert.Equal((await Listener.RequestJsonAsync($"get.room.{room}.messages"))!["result"], """{"collection":[]}""");

        // The room's events come in order: had anything of the stranger's reached it, the observer would
        // hear of it before its own join.
        var observerKey = TestPayloads.NewMemberKey();
        (await observer.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(observerKey)))["error"].Should().BeNull();
        var before = await EventsUntil(observer, e => e["event"]!.GetValue<string>() == $"room.{room}.participants.add");
        before.Select(e => e["event"]!.GetValue<string>()).Should().OnlyContain(name => name == $"room.{room}.change" || name == $"room.{room}.participants.add");
        before[^1]["data"]!["value"]!["data"]!["member"]!.GetValue<string>().Should().Be(TestPayloads.MemberIdOf(observerKey));
        before[^1]["data"]!["idx"]!.GetValue<int>().Should().Be(0, "the observer is the room's first participant");

        // The stranger's refused subscribes loaded the room's resources for a moment: none of it may follow them.
        (await observer.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(observerKey)))["error"].Should().BeNull();
        await observer.NextEventAsync(e => e == $"room.{room}.messages.add");
        (await stranger.RequestAsync("version"))["result"].Should().NotBeNull();
        stranger.DrainEvents().Should().BeEmpty("nothing of a room reaches a connection that has not unlocked it");
    }

    [Fact]
    public async Task RefusedSubscribe_NeverMakesTheServiceLoadTheRoom()
    {
        var room = TestPayloads.NewRoomId();
        await using var gets = await Listener.Connection.SubscribeCoreAsync<byte[]>($"get.room.{room}.>");
        await using var modelGets = await Listener.Connection.SubscribeCoreAsync<byte[]>($"get.room.{room}");
        await Listener.Connection.PingAsync();
        await using var stranger = await Connect();

        foreach (var rid in new[] { $"room.{room}", $"room.{room}.messages", $"room.{room}.participants" })
        {
            Code(await stranger.RequestAsync($"subscribe.{rid}")).Should().Be(AccessDenied, $"subscribe {rid}");
        }

        // Anything the gateway published before answering has reached the server, and so this listener, by now.
        await Listener.Connection.PingAsync();
        gets.Msgs.TryRead(out _).Should().BeFalse("a refused subscribe asks no get");
        modelGets.Msgs.TryRead(out _).Should().BeFalse("a refused subscribe asks no get");

        // The same connection, once unlocked, does load it: the listener above would have seen it.
        await stranger.UnlockAsync(room);
        (await stranger.RequestAsync($"subscribe.room.{room}"))["error"].Should().BeNull();
        await Listener.Connection.PingAsync();
        modelGets.Msgs.TryRead(out _).Should().BeTrue("an unlocked subscribe gets the room");
    }

    [Fact]
    public async Task WrongProofs_AreRefusedAsWrongKey_AndChangeNothing_TheRightOneUnlocks()
    {
        var room = TestPayloads.NewRoomId();
        var other = TestPayloads.NewRoomId();
        await using var client = await Connect();
        await client.UnlockAsync(other);
        var proof = TestPayloads.ProofOf(room);
        var access = Base64Url.DecodeFromChars(proof);
        var wrong = new[]
        {
            TestPayloads.ProofOf(other),
            "garbage",
            string.Empty,
            RoomCapability.Proof(RandomNumberGenerator.GetBytes(RoomCapability.AccessLength)),
            Base64Url.EncodeToString(TestPayloads.SecretOf(room).Bytes),
            proof + "=",
            Convert.ToBase64String(access),
            " " + proof,
            proof + "A",
            proof[..^1],
        };

        foreach (var attempt in wrong)
        {
            Code(await client.UnlockAsync(room, attempt)).Should().Be("room.wrongKey", $"proof '{attempt}'");
            Code(await client.RequestAsync($"subscribe.room.{room}")).Should().Be(AccessDenied, $"after proof '{attempt}'");
        }

        Code(await client.RequestAsync($"auth.room.{room}.unlock", new JsonObject())).Should().Be("system.invalidParams");
        Code(await client.RequestAsync($"auth.room.{room}.unlock", new JsonObject { ["proof"] = 42 })).Should().Be("system.invalidParams");
        Code(await client.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(TestPayloads.NewMemberKey()))).Should().Be(AccessDenied);
        (await client.RequestAsync($"subscribe.room.{other}"))["error"].Should().BeNull("a refused proof takes nothing away");

        var unlocked = await client.UnlockAsync(room, proof);
        JsonAssert.Equal(unlocked["result"], """{"payload":null}""");
        var subscribed = await client.RequestAsync($"subscribe.room.{room}");
        subscribed["result"]!["models"]![$"room.{room}"]!["status"]!.GetValue<string>().Should().Be("new");
        JsonAssert.Equal(subscribed["result"]!["collections"], $$$"""{"room.{{{room}}}.messages":[],"room.{{{room}}}.participants":[]}""");
    }

    [Fact]
    public async Task OneConnection_KeepsEveryRoomItUnlocked()
    {
        var rooms = Enumerable.Range(0, 3).Select(_ => TestPayloads.NewRoomId()).ToList();
        await using var client = await Connect();
        foreach (var room in rooms)
        {
            await client.UnlockAsync(room);
        }

        // Each unlock added to the token: the first room is as open as the last.
        foreach (var room in rooms)
        {
            var key = TestPayloads.NewMemberKey();
            (await client.RequestAsync($"subscribe.room.{room}"))["error"].Should().BeNull(room);
            (await client.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(key)))["error"].Should().BeNull(room);
            var sent = await client.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(key));
            JsonAssert.Equal(sent["result"], """{"payload":{"seq":1}}""");
        }
    }

    [Fact]
    public async Task ThirtyThirdRoom_IsTooManyForOneConnection_AndTheFirst32StayUsable()
    {
        var rooms = Enumerable.Range(0, 33).Select(_ => TestPayloads.NewRoomId()).ToList();
        await using var client = await Connect();
        foreach (var room in rooms.Take(32))
        {
            await client.UnlockAsync(room);
        }

        Code(await client.UnlockAsync(rooms[32], TestPayloads.ProofOf(rooms[32]))).Should().Be("room.tooManyRooms");
        Code(await client.RequestAsync($"get.room.{rooms[32]}")).Should().Be(AccessDenied);

        // Unlocking a room the connection holds again is no new room.
        (await client.UnlockAsync(rooms[0]))["error"].Should().BeNull();
        foreach (var room in rooms.Take(32))
        {
            (await client.RequestAsync($"get.room.{room}"))["error"].Should().BeNull(room);
        }

        foreach (var room in new[] { rooms[0], rooms[31] })
        {
            (await client.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(TestPayloads.NewMemberKey())))["error"].Should().BeNull(room);
        }

        // The limit is the connection's: a new one opens the 33rd room.
        await using var another = await Connect();
        await another.UnlockAsync(rooms[32]);
        (await another.RequestAsync($"get.room.{rooms[32]}"))["error"].Should().BeNull();
    }

    [Fact]
    public async Task LinkHolderWithoutTheMembersKey_CannotLeaveHeartbeatSendOrRejoinAsThem()
    {
        var room = TestPayloads.NewRoomId();
        await using var x = await Connect();
        await x.UnlockAsync(room);
        var xKey = TestPayloads.NewMemberKey();
        (await x.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(xKey)))["error"].Should().BeNull();
        var xSent = GatewayProtocolTests.SendParams(xKey);
        (await x.RequestAsync($"call.room.{room}.messages.send", xSent))["error"].Should().BeNull();

        // Mallory holds the link and reads X's id and profile where every participant can.
        await using var mallory = await Connect();
        await mallory.UnlockAsync(room);
        var subscribed = await mallory.RequestAsync($"subscribe.room.{room}");
        var xItem = subscribed["result"]!["collections"]![$"room.{room}.participants"]!.AsArray().Single()!;
        var xId = xItem["data"]!["member"]!.GetValue<string>();
        xId.Should().Be(TestPayloads.MemberIdOf(xKey));
        var malloryKey = TestPayloads.NewMemberKey();
        var malloryId = TestPayloads.MemberIdOf(malloryKey);

        // X's id where the key belongs is no key; X's id beside no key is no key either.
        foreach (var (method, parameters) in MemberCalls(xId).Concat(MemberCalls(xKey).Select(c => (c.Method, WithMember(c.Params, xId, key: null)))))
        {
            Code(await mallory.RequestAsync($"call.room.{room}.{method}", parameters)).Should().Be("system.invalidParams", $"{method} {parameters.ToJsonString()}");
        }

        // Her own key with X's id beside it acts as her, who has not joined: nothing to leave, nobody to keep alive or send as.
        Code(await mallory.RequestAsync($"call.room.{room}.leave", WithMember([], xId, malloryKey))).Should().BeNull();
        Code(await mallory.RequestAsync($"call.room.{room}.heartbeat", WithMember([], xId, malloryKey))).Should().Be("room.notJoined");
        Code(await mallory.RequestAsync($"call.room.{room}.messages.send", WithMember(GatewayProtocolTests.SendParams(malloryKey), xId, malloryKey))).Should().Be("room.notJoined");

        // Joining with her key makes her a participant of her own, whatever member she names; so does sending.
        var joined = await mallory.RequestAsync($"call.room.{room}.join", WithMember(GatewayProtocolTests.JoinParams(malloryKey), xId, malloryKey));
        joined["error"].Should().BeNull();
        var malloryAdded = await mallory.NextEventAsync(e => e == $"room.{room}.participants.add");
        malloryAdded["data"]!["value"]!["data"]!["member"]!.GetValue<string>().Should().Be(malloryId);
        var mallorySent = await mallory.RequestAsync($"call.room.{room}.messages.send", WithMember(GatewayProtocolTests.SendParams(malloryKey), xId, malloryKey));
        var mallorySeq = mallorySent["result"]!["payload"]!["seq"]!.GetValue<long>();
        (await mallory.RequestAsync($"call.room.{room}.leave", WithMember([], xId, malloryKey)))["error"].Should().BeNull();

        var participants = (await Listener.RequestJsonAsync($"get.room.{room}.participants"))!["result"]!["collection"]!.AsArray();
        participants.Should().ContainSingle("Mallory left as herself; X is still there");
        JsonNode.DeepEquals(participants[0], xItem).Should().BeTrue($"X keeps the same profile: {participants[0]!.ToJsonString()}");
        var messages = await AllMessages(x, room);
        messages.Where(m => m["member"]!.GetValue<string>() == xId).Select(m => m["id"]!.GetValue<string>())
            .Should().Equal(new[] { xSent["id"]!.GetValue<string>() }, "only X sent under X's id");
        messages.Single(m => m["seq"]!.GetValue<long>() == mallorySeq)["member"]!.GetValue<string>().Should().Be(malloryId);

        // X's own key still does everything.
        (await x.RequestAsync($"call.room.{room}.heartbeat", new JsonObject { ["memberKey"] = xKey }))["error"].Should().BeNull();
        var xAgain = await x.RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(xKey));
        var xSeq = xAgain["result"]!["payload"]!["seq"]!.GetValue<long>();
        (await AllMessages(x, room)).Single(m => m["seq"]!.GetValue<long>() == xSeq)["member"]!.GetValue<string>().Should().Be(xId);
        (await x.RequestAsync($"call.room.{room}.leave", new JsonObject { ["memberKey"] = xKey }))["error"].Should().BeNull();
        JsonAssert.Equal((await Listener.RequestJsonAsync($"get.room.{room}.participants"))!["result"], """{"collection":[]}""");
    }

    [Fact]
    public async Task MessageValues_CarryTheSendersMemberId_InEventsWindowsAndHistory()
    {
        var room = TestPayloads.NewRoomId();
        await using var alice = await Connect();
        await using var bob = await Connect();
        var keys = new[] { TestPayloads.NewMemberKey(), TestPayloads.NewMemberKey() };
        var clients = new[] { alice, bob };
        for (var i = 0; i < 2; i++)
        {
            await clients[i].UnlockAsync(room);
            (await clients[i].RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(keys[i])))["error"].Should().BeNull();
        }

        // Alternating senders; each seq remembers whose key sent it.
        var senders = new Dictionary<long, string>();
        for (var n = 0; n < 4; n++)
        {
            var sent = await clients[n % 2].RequestAsync($"call.room.{room}.messages.send", GatewayProtocolTests.SendParams(keys[n % 2]));
            var seq = sent["result"]!["payload"]!["seq"]!.GetValue<long>();
            senders[seq] = TestPayloads.MemberIdOf(keys[n % 2]);
            var added = await AddedAsync(clients[(n + 1) % 2], room, seq);
            added["member"]!.GetValue<string>().Should().Be(senders[seq], "the event names the sender");
        }

        await using var reader = await Connect();
        await reader.UnlockAsync(room);
        var window = (await reader.RequestAsync($"subscribe.room.{room}"))["result"]!["collections"]![$"room.{room}.messages"]!.AsArray();
        window.Select(m => m!["data"]!["seq"]!.GetValue<long>()).Should().Equal(3, 4);
        window.Should().OnlyContain(m => m!["data"]!["member"]!.GetValue<string>() == senders[m!["data"]!["seq"]!.GetValue<long>()]);

        // Seqs 1 and 2 are out of the window: the journal's copies carry the stamp too.
        var history = await AllMessages(reader, room);
        history.Select(m => m["seq"]!.GetValue<long>()).Should().Equal(1, 2, 3, 4);
        history.Should().OnlyContain(m => m["member"]!.GetValue<string>() == senders[m["seq"]!.GetValue<long>()]);
    }

    private async Task<WsClient> Connect()
    {
        var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.RequestAsync("version", new JsonObject { ["protocol"] = "1.2.1" });
        return client;
    }

    private static string? Code(JsonObject reply) => reply["error"]?["code"]?.GetValue<string>();

    /// <summary>The member-bound calls, each as a page would make it with <paramref name="memberKey"/>.</summary>
    private static IEnumerable<(string Method, JsonObject Params)> MemberCalls(string memberKey) =>
    [
        ("join", GatewayProtocolTests.JoinParams(memberKey)),
        ("heartbeat", new JsonObject { ["memberKey"] = memberKey }),
        ("leave", new JsonObject { ["memberKey"] = memberKey }),
        ("messages.send", GatewayProtocolTests.SendParams(memberKey)),
    ];

    /// <summary>The call's parameters with <c>member</c> naming someone and <c>memberKey</c> set to <paramref name="key"/> (or left out).</summary>
    private static JsonObject WithMember(JsonObject parameters, string member, string? key)
    {
        var copy = (JsonObject)parameters.DeepClone();
        copy.Remove("memberKey");
        if (key is not null)
        {
            copy["memberKey"] = key;
        }

        copy["member"] = member;
        return copy;
    }

    private static JsonObject History(long before) => new() { ["before"] = before, ["limit"] = RoomOptions.MaxHistoryLimit };

    /// <summary>Every message of the room, oldest first, from a history page (which reaches past the window).</summary>
    private static async Task<List<JsonNode>> AllMessages(WsClient client, string room)
    {
        var page = await client.RequestAsync($"call.room.{room}.messages.history", History(before: long.MaxValue));
        return [.. page["result"]!["payload"]!["messages"]!.AsArray().Select(m => m!)];
    }

    /// <summary>The value of the room's <c>messages.add</c> event for <paramref name="seq"/>, skipping earlier ones.</summary>
    private static async Task<JsonNode> AddedAsync(WsClient client, string room, long seq)
    {
        while (true)
        {
            var value = (await client.NextEventAsync(e => e == $"room.{room}.messages.add"))["data"]!["value"]!["data"]!;
            if (value["seq"]!.GetValue<long>() == seq)
            {
                return value;
            }
        }
    }

    /// <summary>Events in arrival order, up to and including the first that matches.</summary>
    private static async Task<List<JsonObject>> EventsUntil(WsClient client, Func<JsonObject, bool> last)
    {
        var events = new List<JsonObject>();
        while (true)
        {
            var next = await client.NextEventAsync(_ => true);
            events.Add(next);
            if (last(next))
            {
                return events;
            }
        }
    }
}
