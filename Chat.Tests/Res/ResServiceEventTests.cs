using System.Collections.Concurrent;
using System.Text;
using Chat.Tests.Infrastructure;
using NATS.Client.Core;

namespace Chat.Tests.Res;

/// <summary>Events: their shapes, their order relative to replies, and one per message under load.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceEventTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    [Fact]
    public async Task EventsOfACall_ReachTheGatewayBeforeItsReply_InResgateShapes()
    {
        var room = NewRoom();
        var member = NewMember();

        // One subscription sees everything: the room's events and the reply inbox, in arrival order.
        var inbox = Gateway.NewInbox();
        await using var everything = await Gateway.Connection.SubscribeCoreAsync<byte[]>(">");
        await Gateway.Connection.PingAsync();

        var joinBody = JoinBody(room, member);
        await Gateway.Connection.PublishAsync($"call.room.{room}.join", Encoding.UTF8.GetBytes(joinBody), replyTo: inbox);
        var joinSeen = await CollectUntilReply(everything, room, inbox);

        var id = Guid.NewGuid();
        var sendInbox = Gateway.NewInbox();
        await Gateway.Connection.PublishAsync($"call.room.{room}.messages.send", Encoding.UTF8.GetBytes(SendBody(room, member, id)), replyTo: sendInbox);
        var sendSeen = await CollectUntilReply(everything, room, sendInbox);

        var leaveInbox = Gateway.NewInbox();
        await Gateway.Connection.PublishAsync($"call.room.{room}.leave", Encoding.UTF8.GetBytes(MemberBody(room, member)), replyTo: leaveInbox);
        var leaveSeen = await CollectUntilReply(everything, room, leaveInbox);

        // First join: the model changes (status, createdAt), the member is added, the count changes; then the reply.
        joinSeen.Select(s => s.Subject).Should().Equal(
            $"event.room.{room}.change", $"event.room.{room}.participants.add", $"event.room.{room}.change", inbox);
        var activated = joinSeen[0].Json!["values"]!;
        activated["status"]!.GetValue<string>().Should().Be("active");
        activated["createdAt"]!.GetValue<string>().Should().EndWith("Z");
        activated.AsObject().Count.Should().Be(2, "only changed properties are sent");
        var profile = System.Text.Json.Nodes.JsonNode.Parse(joinBody)!["params"]!["profile"]!.ToJsonString();
        JsonAssert.Equal(joinSeen[1].Json, $$$"""{"value":{"data":{"member":"{{{IdOf(member)}}}","profile":{{{profile}}}}},"idx":0}""");
        JsonAssert.Equal(joinSeen[2].Json, """{"values":{"participantCount":1}}""");

        sendSeen.Select(s => s.Subject).Should().Equal($"event.room.{room}.messages.add", $"event.room.{room}.change", sendInbox);
        var added = sendSeen[0].Json!;
        added["idx"]!.GetValue<int>().Should().Be(0);
        added["value"]!["data"]!["id"]!.GetValue<string>().Should().Be(id.ToString());
        added["value"]!["data"]!["seq"]!.GetValue<long>().Should().Be(1);
        JsonAssert.Equal(sendSeen[1].Json, """{"values":{"messageCount":1}}""");
        JsonAssert.Equal(sendSeen[2].Json, """{"result":{"seq":1}}""");

        leaveSeen.Select(s => s.Subject).Should().Equal($"event.room.{room}.participants.remove", $"event.room.{room}.change", leaveInbox);
        JsonAssert.Equal(leaveSeen[0].Json, """{"idx":0}""");
        JsonAssert.Equal(leaveSeen[1].Json, """{"values":{"participantCount":0}}""");
    }

    [Fact]
    public async Task ThousandConcurrentSends_IntoTenRooms_AreAllAcknowledgedGapFreeWithOneAddEventEach()
    {
        var rooms = Enumerable.Range(0, 10).Select(_ => (Room: NewRoom(), Member: NewMember())).ToList();
        foreach (var (room, member) in rooms)
        {
            await JoinAsync(room, member);
        }

        var adds = new ConcurrentDictionary<string, ConcurrentQueue<long>>();
        await using var events = await Gateway.Connection.SubscribeCoreAsync<byte[]>("event.room.*.messages.add");
        await Gateway.Connection.PingAsync();
        var collecting = Task.Run(async () =>
        {
            var total = 0;
            await foreach (var message in events.Msgs.ReadAllAsync())
            {
                var room = message.Subject.Split('.')[2];
                var seq = new Seen(message.Subject, Encoding.UTF8.GetString(message.Data!)).Json!["value"]!["data"]!["seq"]!.GetValue<long>();
                adds.GetOrAdd(room, _ => new ConcurrentQueue<long>()).Enqueue(seq);
                if (++total == 1000)
                {
                    return;
                }
            }
        });

        var sends = rooms.SelectMany(r => Enumerable.Range(0, 100).Select(_ => r)).ToList();
        var replies = await Task.WhenAll(sends.Select(async r =>
            (r.Room, Reply: await Gateway.RequestJsonAsync($"call.room.{r.Room}.messages.send", SendBody(r.Room, r.Member)))));
        await collecting.WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var room in replies.GroupBy(r => r.Room))
        {
            room.Select(r => r.Reply!["result"]!["seq"]!.GetValue<long>()).Order()
                .Should().Equal(Enumerable.Range(1, 100).Select(i => (long)i), "every send is acknowledged, seq gap-free");
            adds[room.Key].Should().Equal(Enumerable.Range(1, 100).Select(i => (long)i), "exactly one add event per message, in seq order");
        }
    }

    private static async Task<List<Seen>> CollectUntilReply(INatsSub<byte[]> subscription, string room, string inbox)
    {
        var seen = new List<Seen>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var message in subscription.Msgs.ReadAllAsync(cts.Token))
        {
            if (message.Subject == inbox || message.Subject.StartsWith($"event.room.{room}.", StringComparison.Ordinal))
            {
                seen.Add(new Seen(message.Subject, Encoding.UTF8.GetString(message.Data ?? [])));
            }

            if (message.Subject == inbox)
            {
                return seen;
            }
        }

        return seen;
    }
}
