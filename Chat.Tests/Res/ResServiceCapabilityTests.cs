using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>
/// The link as the capability, spoken over NATS as Resgate speaks it: the unlock auth request, the
/// connection token event before its reply, and access and calls judged by the token they carry.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceCapabilityTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private const string Cid = "c0pu6b6aa3k0hd6e8df0";

    [Fact]
    public async Task Access_IsGrantedOnlyToATokenThatListsTheRoom()
    {
        var room = NewRoom();
        var other = NewRoom();
        var denied = """{"result":{"get":false}}""";

        foreach (var rid in new[] { $"room.{room}", $"room.{room}.messages", $"room.{room}.participants" })
        {
            JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.{rid}", $$$"""{"cid":"{{{Cid}}}","token":null}"""), denied);
            JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.{rid}", "{}"), denied);
            JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.{rid}", Body(Token(other))), denied);
            JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.{rid}", Body(new JsonObject { ["rooms"] = room })), denied);
            JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.{rid}", Body(Token(room))), """{"result":{"get":true,"call":"*"}}""");
        }
    }

    [Fact]
    public async Task EveryCall_WithoutTheRoomInItsToken_IsDenied_AndChangesNothing()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        await SendAsync(room, member);
        var before = await ResourcesOf(room);

        var intruder = NewMember();
        foreach (var (method, parameters) in new (string, JsonObject)[]
        {
            ("join", new JsonObject { ["memberKey"] = intruder, ["profile"] = new JsonObject { ["ciphertext"] = B64(48), ["nonce"] = B64(12) } }),
            ("heartbeat", new JsonObject { ["memberKey"] = member }),
            ("leave", new JsonObject { ["memberKey"] = member }),
            ("messages.send", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["ciphertext"] = B64(64), ["nonce"] = B64(12), ["memberKey"] = member }),
            ("messages.history", new JsonObject { ["before"] = 2, ["limit"] = 10 }),
        })
        {
            foreach (var token in new JsonNode?[] { null, Token(NewRoom()) })
            {
                var body = new JsonObject { ["cid"] = Cid, ["token"] = token, ["params"] = parameters.DeepClone() }.ToJsonString();
                var reply = await Gateway.RequestJsonAsync($"call.room.{room}.{method}", body);
                reply!["error"]!["code"]!.GetValue<string>().Should().Be("system.accessDenied", $"{method} with token {token?.ToJsonString() ?? "null"}");
            }
        }

        (await ResourcesOf(room)).Should().Equal(before);
    }

    [Fact]
    public async Task Unlock_WithTheRightProof_PublishesTheTokenBeforeItsReply()
    {
        var room = NewRoom();

        var seen = await Gateway.RequestAndCollectAsync($"auth.room.{room}.unlock", UnlockBody(TestPayloads.ProofOf(room)), $"conn.{Cid}.");

        seen.Should().HaveCount(2);
        seen[0].Subject.Should().Be($"conn.{Cid}.token");
        JsonAssert.Equal(seen[0].Json, $$$"""{"token":{"rooms":["{{{room}}}"]}}""");
        JsonAssert.Equal(seen[1].Json, """{"result":null}""");
    }

    [Fact]
    public async Task Unlock_AddsToTheTokenTheConnectionHolds_AndKeepsEveryRoom()
    {
        var rooms = Enumerable.Range(0, 3).Select(_ => NewRoom()).ToList();
        JsonNode? token = null;
        foreach (var room in rooms)
        {
            var seen = await Gateway.RequestAndCollectAsync($"auth.room.{room}.unlock", UnlockBody(TestPayloads.ProofOf(room), token), $"conn.{Cid}.");
            seen[^1].Json!["result"].Should().BeNull();
            token = seen[0].Json!["token"]!.DeepClone();
        }

        token!["rooms"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal(rooms);

        // Unlocking a room again changes nothing.
        var again = await Gateway.RequestAndCollectAsync($"auth.room.{rooms[1]}.unlock", UnlockBody(TestPayloads.ProofOf(rooms[1]), token), $"conn.{Cid}.");
        JsonAssert.Equal(again[0].Json!["token"], token.ToJsonString());
    }

    [Fact]
    public async Task WrongProofs_AreRefusedWithWrongKey_AndPublishNoToken()
    {
        var room = NewRoom();
        var proof = TestPayloads.ProofOf(room);
        var bytes = Convert.FromBase64String(proof.Replace('-', '+').Replace('_', '/') + "=");
        var wrong = new[]
        {
            TestPayloads.ProofOf(NewRoom()),
            proof[..^1] + (proof[^1] == 'A' ? 'B' : 'A'),
            proof + "=",
            Convert.ToBase64String(bytes),
            proof[..42],
            proof + proof,
            string.Empty,
            "not base64url at all!",
        };

        await using var tokens = await Gateway.Connection.SubscribeCoreAsync<byte[]>("conn.*.token");
        foreach (var attempt in wrong)
        {
            var reply = await Gateway.RequestJsonAsync($"auth.room.{room}.unlock", UnlockBody(attempt));
            reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.wrongKey", $"proof '{attempt}'");
        }

        foreach (var (body, code) in new[]
        {
            ($$$"""{"cid":"{{{Cid}}}","params":{}}""", "system.invalidParams"),
            ($$$"""{"cid":"{{{Cid}}}","params":{"proof":42}}""", "system.invalidParams"),
            ($$$"""{"params":{"proof":"{{{proof}}}"}}""", "system.invalidRequest"),
            ($$$"""{"cid":"a.b","params":{"proof":"{{{proof}}}"}}""", "system.invalidRequest"),
            ($$$"""{"cid":"*","params":{"proof":"{{{proof}}}"}}""", "system.invalidRequest"),
            ("not json", "system.invalidParams"),
        })
        {
            var reply = await Gateway.RequestJsonAsync($"auth.room.{room}.unlock", body);
            reply!["error"]!["code"]!.GetValue<string>().Should().Be(code, body);
        }

        (await Gateway.RequestJsonAsync($"auth.room.{room}.open", UnlockBody(proof)))!["error"]!["code"]!.GetValue<string>().Should().Be("system.methodNotFound");
        (await Gateway.RequestJsonAsync($"auth.room.{room}.messages.unlock", UnlockBody(proof)))!["error"]!["code"]!.GetValue<string>().Should().Be("system.methodNotFound");

        // The right proof still works afterwards, and its token is the first and only one published.
        (await Gateway.RequestJsonAsync($"auth.room.{room}.unlock", UnlockBody(proof)))!["result"].Should().BeNull();
        var published = await tokens.Msgs.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        JsonAssert.Equal(JsonNode.Parse(published.Data!), $$$"""{"token":{"rooms":["{{{room}}}"]}}""");
        tokens.Msgs.TryRead(out _).Should().BeFalse("no refused unlock published a token");

        // Proofs never reach the node's logs, not even the refused ones.
        foreach (var attempt in wrong.Append(proof).Where(a => a.Length >= 16))
        {
            Node.Logs.Should().NotContain(line => line.Contains(attempt, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AConnection_HoldsAtMost32Rooms_AndKeepsThemWhenRefusedAnother()
    {
        var rooms = Enumerable.Range(0, 32).Select(_ => NewRoom()).ToList();
        var full = new JsonObject { ["rooms"] = new JsonArray(rooms.Select(r => (JsonNode?)r).ToArray()) };
        var extra = NewRoom();

        var refused = await Gateway.RequestAndCollectAsync($"auth.room.{extra}.unlock", UnlockBody(TestPayloads.ProofOf(extra), full), $"conn.{Cid}.");

        refused.Should().ContainSingle("no token event goes out for a refused unlock");
        refused[0].Json!["error"]!["code"]!.GetValue<string>().Should().Be("room.tooManyRooms");
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.room.{rooms[0]}", Body(full)), """{"result":{"get":true,"call":"*"}}""");

        // A room already in the full token unlocks again without growing it.
        var again = await Gateway.RequestAndCollectAsync($"auth.room.{rooms[5]}.unlock", UnlockBody(TestPayloads.ProofOf(rooms[5]), full), $"conn.{Cid}.");
        JsonAssert.Equal(again[0].Json!["token"], full.ToJsonString());
    }

    [Fact]
    public async Task TheSenderStamp_IsTheMemberTheKeyDerives_InEventsWindowAndHistory()
    {
        var room = NewRoom();
        var key = MemberKey.Create();
        await JoinAsync(room, key.ToString());
        await SendAsync(room, key.ToString());

        var window = await Gateway.RequestJsonAsync($"get.room.{room}.messages");
        var history = await Gateway.RequestJsonAsync($"call.room.{room}.messages.history", HistoryBody(room, before: 2, limit: 10));

        window!["result"]!["collection"]![0]!["data"]!["member"]!.GetValue<string>().Should().Be(key.MemberId);
        history!["result"]!["messages"]![0]!["member"]!.GetValue<string>().Should().Be(key.MemberId);
        Node.Logs.Should().NotContain(line => line.Contains(key.ToString(), StringComparison.Ordinal));
    }

    private static string Body(JsonNode? token) => new JsonObject { ["cid"] = Cid, ["token"] = token?.DeepClone() }.ToJsonString();

    private static string UnlockBody(string proof, JsonNode? token = null) =>
        new JsonObject { ["cid"] = Cid, ["token"] = token?.DeepClone(), ["params"] = new JsonObject { ["proof"] = proof } }.ToJsonString();

    private async Task<List<string>> ResourcesOf(string room) =>
    [
        (await Gateway.RequestAsync($"get.room.{room}")).Body,
        (await Gateway.RequestAsync($"get.room.{room}.messages")).Body,
        (await Gateway.RequestAsync($"get.room.{room}.participants")).Body,
    ];
}
