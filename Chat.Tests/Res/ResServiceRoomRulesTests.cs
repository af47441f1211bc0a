using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>The room's own error codes over NATS: full, rate-limited, unavailable.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceRoomRulesTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private readonly PostgresFixture _postgres = postgres;

    protected override Dictionary<string, string?> Settings => new(base.Settings)
    {
        ["Chat:Rooms:MaxParticipants"] = "1",
        ["Chat:Rooms:RateBurst"] = "3",
        ["Chat:Rooms:RatePerSecond"] = "0.01",
        ["Chat:Persistence:CallTimeout"] = "00:00:01",
    };

    [Fact]
    public async Task Join_WhenTheRoomIsFull_IsRoomFull()
    {
        var room = NewRoom();
        await JoinAsync(room, NewMember());

        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.join", JoinBody(room, NewMember()));

        reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.full");
    }

    [Fact]
    public async Task Send_BeyondTheMembersBurst_IsRateLimited_AndStoresNothing()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        for (var i = 1; i <= 3; i++)
        {
            (await SendAsync(room, member)).Should().Be(i);
        }

        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member));

        reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.rateLimited");
        (await Gateway.RequestJsonAsync($"get.room.{room}"))!["result"]!["model"]!["messageCount"]!.GetValue<long>().Should().Be(3);
    }

    [Fact]
    public async Task Send_WhenTheJournalTimesOut_IsUnavailable_AndARetryWithTheSameIdStoresItOnce()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        var id = Guid.NewGuid();

        await using (var journalLock = await TableLock.HoldAsync(_postgres.ConnectionString))
        {
            var reply = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id));
            reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.unavailable");
        }

        // What a client does: wait (the room backs off after a failed write, the page waits 0.5 s first),
        // join again (the room restarted and forgot presence), retry with the same id.
        long? seq = null;
        for (var attempt = 0; attempt < 5 && seq is null; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await Gateway.RequestAsync($"call.room.{room}.join", JoinBody(room, member));
            var retry = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id));
            seq = retry!["result"]?["seq"]?.GetValue<long>();
        }

        seq.Should().Be(1);
        (await Gateway.RequestJsonAsync($"get.room.{room}"))!["result"]!["model"]!["messageCount"]!.GetValue<long>().Should().Be(1);
    }
}
