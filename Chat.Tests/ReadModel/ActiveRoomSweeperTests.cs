using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ReadModel;

/// <summary>An active room whose node went away while it was empty still ends (docs/architecture.md, "The room lifecycle").</summary>
[Collection(PostgresCollection.Name)]
public sealed class ActiveRoomSweeperTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ActiveRoomNobodyAsksForAgain_IsWokenBySweep_AndClosesAfterItsGracePeriod()
    {
        var db = await postgres.Server.CreateDatabaseAsync("sweep");
        var room = TestPayloads.NewRoomId();
        await using (var first = await ChatNode.StartAsync(db))
        {
            await first.AskAsync<Joined>(TestPayloads.Join(room, TestPayloads.NewMemberId()));
            await ReadModelTables.WaitUntilAsync(
                async () => await ReadModelTables.CountAsync(db, "rooms WHERE is_active") == 1, TimeSpan.FromSeconds(30), "the room is projected as active");
        }

        // The node is gone; the room is active in the journal, and nobody will ever ask for it again.
        await using var second = await ChatNode.StartAsync(db, new Dictionary<string, string?>
        {
            ["Chat:Rooms:HeartbeatInterval"] = "00:00:00.500",
            ["Chat:Rooms:HeartbeatTimeout"] = "00:00:01",
            ["Chat:Rooms:GracePeriod"] = "00:00:01.500",
            ["Chat:Rooms:PassivateIdleAfter"] = "00:00:10",
            ["Chat:Rooms:ActiveRoomSweepInterval"] = "00:00:01",
        });

        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(db, "rooms WHERE NOT is_active") == 1, TimeSpan.FromSeconds(30), "the room has ended");
        (await second.AskAsync<RoomModel>(new GetRoom(room))).Status.Should().Be(RoomStatus.Closed);
    }
}
