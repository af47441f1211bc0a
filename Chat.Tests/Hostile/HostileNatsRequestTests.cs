using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>
/// Requests straight on NATS, as a gateway that passes anything through (or a compromised one) would
/// send them: each is answered with a clear error and no room, bystander or node connection suffers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileNatsRequestTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    [Fact]
    public async Task BodiesNearMaxPayload_AreAnsweredInvalidParams()
    {
        await UnderAttack(async () =>
        {
            var body = $$$"""{"cid":"x","params":{"id":"{{{Guid.NewGuid()}}}","member":"m_attacker000000000","nonce":"AAAAAAAAAAAAAAAA","ciphertext":"{{{new string('A', 1_000_000)}}}"}}""";
            var reply = await Listener.RequestAsync($"call.room.{Bystanders.SharedRoom}.messages.send", body);
            reply.Json!["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidParams");
        });
    }

    [Fact]
    public async Task DeeplyNestedBodies_AreAnsweredInvalidParams()
    {
        await UnderAttack(async () =>
        {
            var deep = "{\"params\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
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
                var reply = await Listener.RequestAsync(subject);
                reply.Json!["error"]!["code"]!.GetValue<string>().Should().BeOneOf("system.notFound", "system.methodNotFound");
            }
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
}
