using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>A journal that stalls: the gateway is told to wait longer instead of timing out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceSlowJournalTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private readonly PostgresFixture _postgres = postgres;

    protected override Dictionary<string, string?> Settings => new(base.Settings)
    {
        ["Chat:Rooms:SlowWriteNotice"] = "00:00:00.300",
        ["Nats:SlowReplyTimeout"] = "00:00:15",
    };

    [Fact]
    public async Task SendDuringAStalledJournalWrite_GetsATimeoutPreResponse_ThenItsReply()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);

        await using var journalLock = await TableLock.HoldAsync(_postgres.ConnectionString);

        var inbox = Gateway.NewInbox();
        await using var replies = await Gateway.Connection.SubscribeCoreAsync<byte[]>(inbox);
        await Gateway.Connection.PublishAsync($"call.room.{room}.messages.send", Encoding.UTF8.GetBytes(SendBody(room, member)), replyTo: inbox);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = await replies.Msgs.ReadAsync(cts.Token);
        Encoding.UTF8.GetString(first.Data!).Should().Be("timeout:\"15000\"");

        await journalLock.ReleaseAsync();
        var second = await replies.Msgs.ReadAsync(cts.Token);
        JsonAssert.Equal(new Seen(second.Subject, Encoding.UTF8.GetString(second.Data!)).Json, """{"result":{"seq":1}}""");
    }

    [Fact]
    public async Task RoomStart_PublishesSystemResetForThatRoomsResources()
    {
        var room = NewRoom();

        await Gateway.RequestAsync($"get.room.{room}");

        var reset = await Gateway.NextAsync(s => s.Subject == "system.reset" && s.Body.Contains(room, StringComparison.Ordinal));
        JsonAssert.Equal(reset.Json, $$"""{"resources":["room.{{room}}","room.{{room}}.>"]}""");
    }
}
