using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Rooms;

/// <summary>
/// What makes a short removal margin safe (docs/failover.md): two incarnations of one room cannot both
/// store an event under the same sequence number, so the second write fails and is never acknowledged.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JournalUniquenessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SecondEventWithTheSameRoomAndSequenceNumber_IsRefusedByTheJournal()
    {
        var db = await postgres.Server.CreateDatabaseAsync("unique");
        var room = TestPayloads.NewRoomId();
        await using (var node = await ChatNode.StartAsync(db))
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, TestPayloads.NewMemberId()));
        }

        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'akka' AND table_name = 'journal' AND column_name <> 'ordering'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        columns.Should().Contain(["persistence_id", "sequence_number"]);
        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        await using var duplicate = new NpgsqlCommand(
            $"INSERT INTO akka.journal ({names}) SELECT {names} FROM akka.journal WHERE persistence_id = @pid ORDER BY sequence_number LIMIT 1", connection);
        duplicate.Parameters.AddWithValue("pid", RoomIds.PersistencePrefix + room);

        var insert = () => duplicate.ExecuteNonQueryAsync();

        (await insert.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.UniqueViolation);
    }
}
