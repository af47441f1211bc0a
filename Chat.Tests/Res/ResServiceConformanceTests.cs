using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>The RES service protocol as Resgate speaks it, over a real nats-server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceConformanceTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    [Fact]
    public void Start_PublishesSystemResetForEveryRoomResourceAndAccess()
    {
        JsonAssert.Equal(StartReset.Json, """{"resources":["room.>"],"access":["room.>"]}""");
    }

    [Fact]
    public async Task NatsServerRestart_MakesTheServicePublishSystemResetAgain()
    {
        // Both the node and this gateway reconnect on their own; the gateway retries every 10 ms, the
        // node every second, so the gateway is subscribed again first. Should the node still win
        // the race, the next restart gives it another chance; a service that never resets fails all.
        Seen? again = null;
        for (var attempt = 0; attempt < 3 && again is null; attempt++)
        {
            await Nats.RestartAsync();
            try
            {
                again = await Gateway.NextAsync(IsNodeReset, TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
            }
        }

        again.Should().NotBeNull("the service publishes system.reset after it reconnects");
        JsonAssert.Equal(again!.Json, """{"resources":["room.>"],"access":["room.>"]}""");

        // And it serves again after the outage.
        var room = NewRoom();
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"access.room.{room}", new JsonObject { ["token"] = Token(room) }.ToJsonString()), """{"result":{"get":true,"call":"*"}}""");
        await JoinAsync(room, NewMember());
    }

    [Theory]
    [InlineData("")]
    [InlineData(".messages")]
    [InlineData(".participants")]
    public async Task Access_ForAWellFormedRoomResource_WithTheRoomInTheToken_GrantsGetAndEveryCall(string suffix)
    {
        var room = NewRoom();
        var body = new JsonObject { ["token"] = Token(room), ["cid"] = "c0pu6b6aa3k0hd6e8df0" }.ToJsonString();

        var reply = await Gateway.RequestJsonAsync($"access.room.{room}{suffix}", body);

        JsonAssert.Equal(reply, """{"result":{"get":true,"call":"*"}}""");
    }

    [Theory]
    [InlineData("access.room.not-a-uuid")]
    [InlineData("access.room.3F2B8C1E-4D5A-4B6C-8D7E-9F0A1B2C3D4E")]
    [InlineData("access.room.3f2b8c1e-4d5a-1b6c-8d7e-9f0a1b2c3d4e")]
    [InlineData("access.room.3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e.bogus")]
    [InlineData("access.room.3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e.messages.extra")]
    [InlineData("get.room.not-a-uuid")]
    [InlineData("get.room.3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e.bogus")]
    public async Task MalformedOrUnknownResource_IsNotFound(string subject)
    {
        var reply = await Gateway.RequestJsonAsync(subject);

        reply!["error"]!["code"]!.GetValue<string>().Should().Be("system.notFound");
    }

    [Fact]
    public async Task Get_OfANewRoom_IsANewModelWithEmptyCollections()
    {
        var room = NewRoom();

        JsonAssert.Equal(await Gateway.RequestJsonAsync($"get.room.{room}"), $$$"""
            {"result":{"model":{"id":"{{{room}}}","status":"new","createdAt":null,"participantCount":0,"messageCount":0,
              "participants":{"rid":"room.{{{room}}}.participants"},"messages":{"rid":"room.{{{room}}}.messages"} } } }
            """);
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"get.room.{room}.messages"), """{"result":{"collection":[]}}""");
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"get.room.{room}.participants"), """{"result":{"collection":[]}}""");
    }

    [Fact]
    public async Task Get_OfAnActiveRoom_WrapsNestedValuesAsDataAndIsTheSameForEveryCaller()
    {
        var room = NewRoom();
        var member = NewMember();
        var joinBody = JoinBody(room, member);
        var profile = JsonNode.Parse(joinBody)!["params"]!["profile"]!;
        (await Gateway.RequestJsonAsync($"call.room.{room}.join", joinBody))!["resource"].Should().NotBeNull();
        var id = Guid.NewGuid();
        var ciphertext = B64(40);
        var nonce = B64(12);
        await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id, ciphertext, nonce));

        var model = await Gateway.RequestJsonAsync($"get.room.{room}");
        var messages = await Gateway.RequestJsonAsync($"get.room.{room}.messages");
        var participants = await Gateway.RequestJsonAsync($"get.room.{room}.participants");

        var createdAt = model!["result"]!["model"]!["createdAt"]!.GetValue<string>();
        DateTimeOffset.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        JsonAssert.Equal(model, $$$"""
            {"result":{"model":{"id":"{{{room}}}","status":"active","createdAt":"{{{createdAt}}}","participantCount":1,"messageCount":1,
              "participants":{"rid":"room.{{{room}}}.participants"},"messages":{"rid":"room.{{{room}}}.messages"} } } }
            """);
        var sentAt = messages!["result"]!["collection"]![0]!["data"]!["sentAt"]!.GetValue<string>();
        JsonAssert.Equal(messages, $$$"""
            {"result":{"collection":[{"data":{"id":"{{{id}}}","seq":1,"ciphertext":"{{{ciphertext}}}","nonce":"{{{nonce}}}","sentAt":"{{{sentAt}}}","member":"{{{IdOf(member)}}}"}}]}}
            """);
        JsonAssert.Equal(participants, $$$"""
            {"result":{"collection":[{"data":{"member":"{{{IdOf(member)}}}","profile":{{{profile.ToJsonString()}}}}}]}}
            """);

        // Resgate caches a get across connections: another caller (another cid) gets the same bytes.
        (await Gateway.RequestAsync($"get.room.{room}.messages", """{"cid":"other"}""")).Body.Should().Be(
            (await Gateway.RequestAsync($"get.room.{room}.messages")).Body);
    }

    [Fact]
    public async Task EveryCall_AnswersWithItsSuccessShape()
    {
        var room = NewRoom();
        var member = NewMember();

        await JoinAsync(room, member);
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"call.room.{room}.heartbeat", MemberBody(room, member)), """{"result":null}""");
        var id = Guid.NewGuid();
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id)), """{"result":{"seq":1}}""");
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id)), """{"result":{"seq":1}}""");
        var history = await Gateway.RequestJsonAsync($"call.room.{room}.messages.history", HistoryBody(room, before: 2, limit: 10));
        var item = history!["result"]!["messages"]![0]!;
        item["id"]!.GetValue<string>().Should().Be(id.ToString());
        item["seq"]!.GetValue<long>().Should().Be(1);
        item.AsObject().Select(p => p.Key).Should().BeEquivalentTo("id", "seq", "ciphertext", "nonce", "sentAt", "member");
        item["member"]!.GetValue<string>().Should().Be(IdOf(member), "the sender stamp is the member id the key derives");
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"call.room.{room}.leave", MemberBody(room, member)), """{"result":null}""");
    }
}
