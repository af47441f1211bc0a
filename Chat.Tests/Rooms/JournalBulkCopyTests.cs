using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Rooms;

/// <summary>
/// Journal batches go in by binary <c>COPY</c> (<c>Chat:Persistence:InsertMode</c> <c>copy</c>, the default;
/// docs/read-model.md): which statement wrote which rows is recorded by a statement-level trigger on the
/// journal, and nothing acknowledged goes missing or twice on the way.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JournalBulkCopyTests(PostgresFixture postgres)
{
    private const int Rooms = 40;
    private const int SendsPerRoom = 25;

    [Fact]
    public async Task ConcurrentSendsInManyRooms_GoInByCopy_EveryAcknowledgedMessageProjectedOnce()
    {
        var db = await postgres.Server.CreateDatabaseAsync("bulkcopy");
        await using var node = await ChatNode.StartAsync(db, TestSettings.LoadTest());
        var rooms = Enumerable.Range(0, Rooms).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        foreach (var (room, member) in rooms)
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        }

        // The journal exists now (the plugin creates it with the first write): record every write's statement.
        await ReadModelTables.ExecuteAsync(db, """
            CREATE TABLE journal_writes (statement TEXT NOT NULL, events INT NOT NULL);
            CREATE FUNCTION record_journal_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO journal_writes SELECT current_query(), count(*) FROM written;
              RETURN NULL;
            END $$;
            CREATE TRIGGER journal_writes AFTER INSERT ON akka.journal REFERENCING NEW TABLE AS written
              FOR EACH STATEMENT EXECUTE FUNCTION record_journal_write();
            """);

        // Every room sends at once: the journal's writers are busy, so events queue and go in batches.
        var sends = rooms.SelectMany(r => Enumerable.Range(0, SendsPerRoom).Select(_ => TestPayloads.Send(r.Room, r.Member))).ToList();
        var replies = await Task.WhenAll(sends.Select(send => node.AskAsync<MessageAccepted>(send)));

        var writes = new List<(string Statement, int Events)>();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT statement, events FROM journal_writes", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                writes.Add((reader.GetString(0).TrimStart(), reader.GetInt32(1)));
            }
        }

        writes.Sum(w => w.Events).Should().Be(Rooms * SendsPerRoom, "every acknowledged send is one journal row, written once");
        writes.Should().Contain(w => w.Statement.StartsWith("COPY", StringComparison.OrdinalIgnoreCase) && w.Events > 1, "events that queued together went in by COPY");
        writes.Where(w => !w.Statement.StartsWith("COPY", StringComparison.OrdinalIgnoreCase))
            .Should().OnlyContain(w => w.Events == 1, "only a lone event goes in by INSERT");

        foreach (var room in rooms.Select(r => r.Room))
        {
            replies.Where((_, i) => sends[i].RoomId == room).Select(r => r.Seq)
                .Should().BeEquivalentTo(Enumerable.Range(1, SendsPerRoom).Select(seq => (long)seq), "a room's sends take seqs 1 to 25, each once");
        }

        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(db, "messages") == Rooms * SendsPerRoom,
            TimeSpan.FromSeconds(30), "the projection caught up");
        var messages = await ReadModelTables.MessagesAsync(db);
        messages.Select(m => (m.Id, m.RoomId, Convert.ToBase64String(m.Content)))
            .Should().BeEquivalentTo(sends.Select(s => (Guid.Parse(s.Id!), Guid.Parse(s.RoomId), s.Ciphertext!)));
    }
}
