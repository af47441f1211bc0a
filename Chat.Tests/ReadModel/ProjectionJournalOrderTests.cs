using System.Text.Json.Nodes;
using Akka.Serialization;
using Chat.Actors.Persistence;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.ReadModel;

/// <summary>
/// The projection reads the journal by ordering, straight from the table: a row that commits after
/// later ones is still projected, a number that never commits is skipped after the gap timeout, and
/// the page query, like the history query, uses the primary key whatever the journal's size.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProjectionJournalOrderTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ARowCommittingAfterLaterOnes_IsProjected_AndNothingAfterItRunsAhead()
    {
        var db = await postgres.Server.CreateDatabaseAsync("late");
        await using var node = await ChatNode.StartAsync(db, Settings(gapTimeout: "00:05:00"));
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "rooms") == 1, TimeSpan.FromSeconds(30), "the first room projected");

        // A room activation written in a transaction that stays open: its ordering is taken, not yet visible.
        var late = TestPayloads.NewRoomId();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await InsertJournalRowAsync(connection, transaction, node.System.Serialization, new RoomActivated(late, DateTimeOffset.UtcNow));
        for (var i = 0; i < 5; i++)
        {
            await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));
        }

        await WaitForLogAsync(node, "Projection waits for journal ordering");
        (await ReadModelTables.CountAsync(db, "messages")).Should().Be(0, "nothing after the open transaction's ordering is applied while it may commit");

        await transaction.CommitAsync();
        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(db, "messages") == 5 && await ReadModelTables.CountAsync(db, "rooms") == 2,
            TimeSpan.FromSeconds(30),
            "the late row and everything after it projected");
        (await ReadModelTables.RoomsAsync(db)).Select(r => r.Id.ToString()).Should().BeEquivalentTo([room, late]);
    }

    [Fact]
    public async Task ANumberThatNeverCommits_IsSkippedAfterTheGapTimeout()
    {
        var db = await postgres.Server.CreateDatabaseAsync("rolledback");
        await using var node = await ChatNode.StartAsync(db, Settings(gapTimeout: "00:00:01"));
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "rooms") == 1, TimeSpan.FromSeconds(30), "the first room projected");

        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await InsertJournalRowAsync(connection, transaction, node.System.Serialization, new RoomActivated(TestPayloads.NewRoomId(), DateTimeOffset.UtcNow));
            await transaction.RollbackAsync();
        }

        for (var i = 0; i < 5; i++)
        {
            await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));
        }

        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") == 5, TimeSpan.FromSeconds(30), "the messages after the gap projected");
        (await ReadModelTables.CountAsync(db, "rooms")).Should().Be(1, "the rolled-back room never existed");
        node.Logs.Should().Contain(line => line.Contains("Projection waits for journal ordering", StringComparison.Ordinal), "the gap was seen and waited for");
    }

    [Fact]
    public async Task ThePageQuery_ReadsThePrimaryKey_NotTheJournalOrTheTagTable()
    {
        var db = await postgres.Server.CreateDatabaseAsync("plan");
        await using (var node = await ChatNode.StartAsync(db, Settings(gapTimeout: "00:00:30")))
        {
            // The first room makes the journal plugin create its tables; the node stops before they are filled behind its back.
            await node.AskAsync<Joined>(TestPayloads.Join(TestPayloads.NewRoomId(), TestPayloads.NewMemberId()));
        }

        // 300,000 rows: enough that the planner would scan if the query allowed it.
        await ReadModelTables.ExecuteAsync(db, """
            INSERT INTO akka.journal (persistence_id, sequence_number, deleted, writer_uuid, created, message, identifier, manifest)
            SELECT 'room-' || (n % 1000), n / 1000 + 1, FALSE, 'seed', 0, '\x00'::bytea, 4417, 'RoomActivated.v1'
            FROM generate_series(1, 300000) AS n;
            ANALYZE akka.journal;
            """);

        var plan = await ExplainAsync(db, JournalPages.PageSql("akka"), ("after", 150_000L), ("limit", 500));

        plan.Should().Contain("\"Node Type\":\"Index Scan\"").And.Contain("\"Index Name\":\"PK_journal\"", plan);
        plan.Should().NotContain("Seq Scan", plan).And.NotContain("tags", plan);

        // A history page of a room reads the same key by persistence id and sequence number.
        var history = await ExplainAsync(db, JournalRoomHistory.PageSql("akka"), ("pid", "room-5"), ("from", 100L), ("limit", 202));
        history.Should().MatchRegex("\"Index Cond\":\"\\(\\(persistence_id = [^\"]*sequence_number", "the unique index on (persistence_id, sequence_number) bounds the read: " + history);
        history.Should().NotContain("Seq Scan", history).And.NotContain("tags", history);
    }

    private static Dictionary<string, string?> Settings(string gapTimeout) =>
        TestSettings.LoadTest(("Chat:Projection:GapTimeout", gapTimeout), ("Chat:Projection:BatchWindow", "00:00:00.020"));

    private static async Task InsertJournalRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Akka.Serialization.Serialization serialization, RoomActivated @event)
    {
        var serializer = (SerializerWithStringManifest)serialization.FindSerializerFor(@event);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO akka.journal (persistence_id, sequence_number, deleted, writer_uuid, created, message, identifier, manifest)
            VALUES (@pid, 1, FALSE, 'test', 0, @message, @identifier, @manifest)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("pid", RoomIds.PersistenceIdOf(@event.RoomId));
        command.Parameters.AddWithValue("message", serializer.ToBinary(@event));
        command.Parameters.AddWithValue("identifier", serializer.Identifier);
        command.Parameters.AddWithValue("manifest", serializer.Manifest(@event));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ExplainAsync(string db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonNode.Parse(json)!.ToJsonString();
    }

    private static async Task WaitForLogAsync(ChatNode node, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!node.Logs.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the node logs \"{text}\"");
            await Task.Delay(20);
        }
    }
}
