using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>Presence and the end of a room over NATS, with shortened timers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServicePresenceTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    protected override Dictionary<string, string?> Settings => new(base.Settings)
    {
        ["Chat:Rooms:HeartbeatInterval"] = "00:00:01",
        ["Chat:Rooms:HeartbeatTimeout"] = "00:00:03",
        ["Chat:Rooms:PresenceSweepInterval"] = "00:00:00.100",
        ["Chat:Rooms:GracePeriod"] = "00:00:04",
        ["Chat:Rooms:PassivateIdleAfter"] = "00:00:30",
    };

    [Fact]
    public async Task SilentMember_IsRemovedByHeartbeatExpiry()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);

        var removed = await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.participants.remove", TimeSpan.FromSeconds(15));

        JsonAssert.Equal(removed.Json, """{"idx":0}""");
        (await Gateway.RequestJsonAsync($"call.room.{room}.heartbeat", MemberBody(room, member)))!["error"]!["code"]!
            .GetValue<string>().Should().Be("room.notJoined");
    }

    [Fact]
    public async Task Leave_RemovesTheMemberAtOnce()
    {
        var room = NewRoom();
        var stays = NewMember();
        var leaves = NewMember();
        await JoinAsync(room, stays);
        await JoinAsync(room, leaves);

        JsonAssert.Equal(await Gateway.RequestJsonAsync($"call.room.{room}.leave", MemberBody(room, leaves)), """{"result":null}""");

        // Events precede the reply, so the removal is already out when the reply arrives.
        var removed = await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.participants.remove", TimeSpan.FromMilliseconds(500));
        JsonAssert.Equal(removed.Json, """{"idx":1}""");
    }

    [Fact]
    public async Task DisconnectHint_RemovesThatConnectionsMembersAtOnce()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member, cid: "c0pu6b6aa3k0hd6e8dgone");

        await Gateway.Connection.PublishAsync(
            "conn.c0pu6b6aa3k0hd6e8dgone.disconnect",
            Encoding.UTF8.GetBytes($$$"""{"gid":"gw1","rids":["room.{{{room}}}","room.{{{room}}}.messages"]}"""));

        // Well before the 3 s heartbeat timeout could have done it.
        var removed = await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.participants.remove", TimeSpan.FromSeconds(1.5));
        JsonAssert.Equal(removed.Json, """{"idx":0}""");
    }

    [Fact]
    public async Task GraceTimer_EndsTheEmptyRoom_VisibleAsAChange_AndLaterCallsAreRefused()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        await SendAsync(room, member);
        await Gateway.RequestAsync($"call.room.{room}.leave", MemberBody(room, member));

        var closed = await Gateway.NextAsync(
            s => s.Subject == $"event.room.{room}.change" && s.Json!["values"]!["status"]?.GetValue<string>() == "closed",
            TimeSpan.FromSeconds(20));

        JsonAssert.Equal(closed.Json, """{"values":{"status":"closed"}}""");
        foreach (var (call, body) in new[]
        {
            ("join", JoinBody(room, member)),
            ("messages.send", SendBody(room, member)),
            ("messages.history", HistoryBody(room, before: 2, limit: 1)),
            ("heartbeat", MemberBody(room, member)),
        })
        {
            var reply = await Gateway.RequestJsonAsync($"call.room.{room}.{call}", body);
            reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.closed", call);
        }

        var model = await Gateway.RequestJsonAsync($"get.room.{room}");
        var createdAt = model!["result"]!["model"]!["createdAt"]!.GetValue<string>();

        // The history stays in the journal; the count says how much there was.
        JsonAssert.Equal(model, $$$"""
            {"result":{"model":{"id":"{{{room}}}","status":"closed","createdAt":"{{{createdAt}}}","participantCount":0,"messageCount":1,
              "participants":{"rid":"room.{{{room}}}.participants"},"messages":{"rid":"room.{{{room}}}.messages"} } } }
            """);
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"get.room.{room}.messages"), """{"result":{"collection":[]}}""");
        JsonAssert.Equal(await Gateway.RequestJsonAsync($"get.room.{room}.participants"), """{"result":{"collection":[]}}""");
    }
}
