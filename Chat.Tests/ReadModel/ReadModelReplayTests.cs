using System.CommandLine;
using Akka.Actor;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Chat.Web.Commands;
using Xunit.Abstractions;

namespace Chat.Tests.ReadModel;

/// <summary>The replay command: the read model rebuilt from the journal alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReadModelReplayTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Settings =
        TestSettings.LoadTest(("Chat:Persistence:QueryRefreshInterval", "00:00:00.100"));

    [Fact]
    public async Task Replay_OverAWipedReadModel_ReproducesExactlyTheLiveProjectionsRows()
    {
        var db = await postgres.Server.CreateDatabaseAsync("replay");
        await FillAsync(db, rooms: 12, messagesPerRoom: 15, closedRooms: 4);
        var liveRooms = await ReadModelTables.RoomsAsync(db);
        var liveMessages = await ReadModelTables.MessagesAsync(db);

        // Events carry no tags (a tag costs a row and makes the plugin insert journal rows one by one):
        // replay finds them by ordering alone.
        (await ReadModelTables.CountAsync(db, "akka.journal")).Should().BeGreaterThan(12 * 15);
        (await ReadModelTables.CountAsync(db, "akka.tags")).Should().Be(0);

        await ReadModelTables.ExecuteAsync(db, "TRUNCATE rooms CASCADE; DELETE FROM projection_offsets");
        var (exit, stdout, stderr) = await RunAsync("replay", "--messages", "--connection-string", db);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("Replayed").And.Contain("events/s");
        (await ReadModelTables.RoomsAsync(db)).Should().Equal(liveRooms);
        (await ReadModelTables.MessagesAsync(db)).Should().BeEquivalentTo(liveMessages, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task ReplayOfRoomsOnly_RepairsRooms_AndLeavesMessagesAlone()
    {
        var db = await postgres.Server.CreateDatabaseAsync("replayrooms");
        await FillAsync(db, rooms: 6, messagesPerRoom: 5, closedRooms: 2);
        var liveRooms = await ReadModelTables.RoomsAsync(db);
        var liveMessages = await ReadModelTables.MessagesAsync(db);

        await ReadModelTables.ExecuteAsync(db, "UPDATE rooms SET is_active = NOT is_active, last_activity = now(), created_at = now()");
        var (exit, _, stderr) = await RunAsync("replay", "--connection-string", db);

        exit.Should().Be(0, stderr);
        (await ReadModelTables.RoomsAsync(db)).Should().Equal(liveRooms);
        (await ReadModelTables.MessagesAsync(db)).Should().BeEquivalentTo(liveMessages, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Replay_WhenTheDatabaseCannotBeReached_ExitsNonZeroWithAClearMessage()
    {
        var (exit, _, stderr) = await RunAsync("replay", "--connection-string", $"Host=127.0.0.1;Port={FreePort.Next()};Username=chat;Database=none;Timeout=3");

        exit.Should().NotBe(0);
        stderr.Should().StartWith("error: PostgreSQL:").And.Contain("127.0.0.1");
    }

    [Fact]
    public async Task Replay_OfAHundredThousandEvents_CompletesAndReportsItsRate()
    {
        var db = await postgres.Server.CreateDatabaseAsync("replay100k");
        var settings = new Dictionary<string, string?>(Settings) { ["Chat:Projection:Enabled"] = "false" };
        await using (var node = await ChatNode.StartAsync(db, settings))
        {
            var rooms = Enumerable.Range(0, 100).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
            await Task.WhenAll(rooms.Select(r => node.AskAsync<Joined>(TestPayloads.Join(r.Room, r.Member))));

            // 100 rooms x 999 messages + 100 activations = 100,000 events, sent in waves to bound memory.
            foreach (var wave in Enumerable.Range(0, 9))
            {
                await Task.WhenAll(rooms.SelectMany(r => Enumerable.Range(0, 111).Select(_ => node.AskAsync<MessageAccepted>(TestPayloads.Send(r.Room, r.Member)))));
            }
        }

        var (exit, stdout, stderr) = await RunAsync("replay", "--messages", "--connection-string", db);

        exit.Should().Be(0, stderr);
        output.WriteLine(stdout);
        stdout.Should().Contain("Replayed 100,000 events");
        (await ReadModelTables.CountAsync(db, "messages")).Should().Be(99_900);
        (await ReadModelTables.CountAsync(db, "rooms")).Should().Be(100);
    }

    [Fact]
    public async Task Migrate_IsIdempotent_AndCreatesTheOwnersSchemaExactly()
    {
        var db = await postgres.Server.CreateDatabaseAsync("migrate");

        var first = await RunAsync("migrate", "--connection-string", db);
        var second = await RunAsync("migrate", "--connection-string", db);

        first.Exit.Should().Be(0, first.Stderr);
        first.Stdout.Should().Contain("001_read_model").And.Contain("002_projection_offsets");
        second.Stdout.Should().Contain("up to date");
        var columns = await ColumnsAsync(db);
        columns.Should().Equal(
            "messages.id uuid NO", "messages.room_id uuid NO", "messages.encrypted_content bytea NO", "messages.nonce bytea NO",
            "messages.timestamp timestamp with time zone YES",
            "rooms.id uuid NO", "rooms.created_at timestamp with time zone YES", "rooms.last_activity timestamp with time zone YES",
            "rooms.is_active boolean YES");
        (await ScalarListAsync(db, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'messages' ORDER BY indexname"))
            .Should().Equal("idx_messages_room", "idx_messages_timestamp", "messages_pkey");
        (await ScalarListAsync(db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'c'"))
            .Should().Equal("CHECK ((octet_length(nonce) = 12))");
        (await ScalarListAsync(db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f'"))
            .Should().Equal("FOREIGN KEY (room_id) REFERENCES rooms(id) ON DELETE CASCADE");
    }

    private static async Task<List<string>> ScalarListAsync(string db, string sql)
    {
        var values = new List<string>();
        await using var connection = new Npgsql.NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task FillAsync(string db, int rooms, int messagesPerRoom, int closedRooms)
    {
        await using var node = await ChatNode.StartAsync(db, Settings);
        var all = Enumerable.Range(0, rooms).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        foreach (var (room, member) in all)
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
            await Task.WhenAll(Enumerable.Range(0, messagesPerRoom).Select(_ => node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member))));
        }

        foreach (var (room, member) in all.Take(closedRooms))
        {
            await node.AskAsync<Done>(new LeaveRoom(room, member));
            node.Rooms.Tell(new EndGracePeriod(room));
        }

        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(db, "messages") == rooms * messagesPerRoom
                && await ReadModelTables.CountAsync(db, "rooms WHERE NOT is_active") == closedRooms,
            TimeSpan.FromSeconds(30), "the live projection caught up");
        output.WriteLine($"live projection: {rooms} rooms, {rooms * messagesPerRoom} messages, {closedRooms} closed");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ChatCommandLine.Build((_, _) => Task.FromResult(0)).Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<List<string>> ColumnsAsync(string db)
    {
        var columns = new List<string>();
        await using var connection = new Npgsql.NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns " +
            "WHERE table_schema = 'public' AND table_name IN ('rooms', 'messages') ORDER BY table_name, ordinal_position", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}
