using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Hostile;

/// <summary>
/// Requests straight on NATS, as a gateway that passes anything through (or a compromised one) would
/// send them: each is answered with a clear error and no room, bystander or node connection suffers.
/// Most bodies carry a token that lists the room, as a gateway's would after an unlock: without it
/// the service stops at the access check and the room's parser, which these tests aim at, is never reached.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileNatsRequestTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    [Fact]
    public async Task BodiesNearMaxPayload_AreAnsweredInvalidParams()
    {
        await UnderAttack(async () =>
        {
            var body = $$$"""{"cid":"x",{{{Unlocked(Bystanders.SharedRoom)}}},"params":{"id":"{{{Guid.NewGuid()}}}","memberKey":"{{{TestPayloads.NewMemberKey()}}}","nonce":"AAAAAAAAAAAAAAAA","ciphertext":"{{{new string('A', 1_000_000)}}}"}}""";
            var reply = await Listener.RequestAsync($"call.room.{Bystanders.SharedRoom}.messages.send", body);
            reply.Json!["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidParams");
        });
    }

    [Fact]
    public async Task DeeplyNestedBodies_AreAnsweredInvalidParams()
    {
        await UnderAttack(async () =>
        {
            var deep = "{" + Unlocked(Bystanders.SharedRoom) + ",\"params\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
            var reply = await Listener.RequestAsync($"call.room.{Bystanders.SharedRoom}.join", deep);
            reply.Json!["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidParams");
        });
    }

    [Fact]
    public async Task LongAndOddSubjects_AreAnsweredNotFound()
    {
        await UnderAttack(async () =>
        {
            foreach (var subject in new[] { $"get.room.{new string('a', 3000)}", "access.room.x.y.z", $"call.room.{Bystanders.SharedRoom}.{new string('m', 2000)}", "get.room.-", "call.room.x" })
            {
                var reply = await Listener.RequestAsync(subject, "{" + Unlocked(Bystanders.SharedRoom) + "}");
                reply.Json!["error"]!["code"]!.GetValue<string>().Should().BeOneOf("system.notFound", "system.methodNotFound");
            }
        });
    }

    [Fact]
    public async Task CallsWithoutTheRoomInTheirToken_AreDeniedByTheServiceItself()
    {
        await UnderAttack(async () =>
        {
            // A gateway that skipped the access request, or any other client of NATS: the call names the room
            // (with another room's token, or none) and is refused before its parameters are even read.
            var room = Bystanders.SharedRoom;
            var member = TestPayloads.NewMemberKey();
            foreach (var token in new[] { string.Empty, Unlocked(Bystanders.OtherRoom) + ",", "\"token\":{\"rooms\":\"" + room + "\"},", "\"token\":null," })
            {
                foreach (var (method, parameters) in new[]
                {
                    ("join", GatewayProtocolTests.JoinParams(member)),
                    ("heartbeat", new JsonObject { ["memberKey"] = member }),
                    ("leave", new JsonObject { ["memberKey"] = member }),
                    ("messages.send", GatewayProtocolTests.SendParams(member)),
                    ("messages.history", new JsonObject { ["limit"] = 10 }),
                })
                {
                    var reply = await Listener.RequestAsync($"call.room.{room}.{method}", $$"""{"cid":"forger",{{token}}"params":{{parameters.ToJsonString()}}}""");
                    reply.Json!["error"]!["code"]!.GetValue<string>().Should().Be("system.accessDenied", $"{method} with {token}");
                }

                var access = await Listener.RequestJsonAsync($"access.room.{room}", $$"""{"cid":"forger",{{token}}"params":null}""");
                JsonAssert.Equal(access!["result"], """{"get":false}""");
            }

            var participants = await Listener.RequestJsonAsync($"get.room.{room}.participants");
            participants!["result"]!["collection"]!.AsArray().Select(p => p!["data"]!["member"]!.GetValue<string>())
                .Should().NotContain(TestPayloads.MemberIdOf(member)).And.HaveCount(1, "only the bystander");
        });
    }

    [Fact]
    public async Task ForgedDisconnectHints_RemoveNobodyElse()
    {
        await UnderAttack(async () =>
        {
            var room = Bystanders.SharedRoom;
            foreach (var hint in new[]
            {
                $$"""{"gid":"x","rids":["room.{{room}}","room.{{room}}.messages"]}""",
                "not json",
                new string('[', 10_000),
                $$"""{"rids":{{string.Concat(Enumerable.Repeat($"\"room.{room}\",", 10_000))}}"x"]}""",
            })
            {
                await Listener.Connection.PublishAsync($"conn.forged{Guid.NewGuid():N}.disconnect", Encoding.UTF8.GetBytes(hint));
            }

            // The hints name cids nobody in the room has: the bystanders are still there.
            var participants = await Listener.RequestJsonAsync($"get.room.{room}.participants");
            participants!["result"]!["collection"]!.AsArray().Count.Should().Be(1);
        });
    }

    /// <summary>The token member of a body, as the gateway sends it once the connection has unlocked <paramref name="room"/>.</summary>
    private static string Unlocked(string room) => $$"""
        "token":{"rooms":["{{room}}"]}
        """;
}
