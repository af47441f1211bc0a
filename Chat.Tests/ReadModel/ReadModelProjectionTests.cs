using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chat.Actors.Persistence;
using Chat.Actors.ReadModel;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.ReadModel;

/// <summary>The live projection from the journal into rooms and messages, on real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReadModelProjectionTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Settings =
        TestSettings.LoadTest(("Chat:Persistence:QueryRefreshInterval", "00:00:00.100"));

    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    [Fact]
    public async Task AfterSendsAcrossManyRooms_RowsAreExactlyTheAcknowledgedMessagesAndTheJournalsRooms()
    {
        var db = await postgres.Server.CreateDatabaseAsync("projection");
        await using var node = await ChatNode.StartAsync(db, Settings);
        var rooms = Enumerable.Range(0, 20).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        var sent = new List<(string Room, SendMessage Send)>();
        foreach (var (room, member) in rooms)
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
            for (var i = 0; i < 10; i++)
            {
                var send = TestPayloads.Send(room, member);
                await node.AskAsync<MessageAccepted>(send);
                sent.Add((room, send));
            }
        }

        // Five rooms end: their member leaves and the grace period runs out (its timer is tested elsewhere).
        foreach (var (room, member) in rooms.Take(5))
        {
            await node.AskAsync<Done>(new LeaveRoom(room, member));
            node.Rooms.Tell(new EndGracePeriod(room));
        }

        await ReadModelTables.WaitUntilAsync(
            async () => await ReadModelTables.CountAsync(db, "messages") == 200 && await ReadModelTables.CountAsync(db, "rooms WHERE NOT is_active") == 5,
            TimeSpan.FromSeconds(30), "the projection caught up");

        var messages = await ReadModelTables.MessagesAsync(db);
        messages.Select(m => (m.Id, m.RoomId, Convert.ToBase64String(m.Content), Convert.ToBase64String(m.Nonce)))
            .Should().BeEquivalentTo(sent.Select(s => (Guid.Parse(s.Send.Id!), Guid.Parse(s.Room), s.Send.Ciphertext!, s.Send.Nonce!)));

        var expected = await RoomRowsFromJournal(node.System, rooms.Select(r => r.Room));
        var actual = await ReadModelTables.RoomsAsync(db);
        actual.Select(r => r.Id).Should().BeEquivalentTo(expected.Keys);
        foreach (var row in actual)
        {
            var (createdAt, lastActivity, active) = expected[row.Id];
            row.CreatedAt.Should().BeCloseTo(createdAt.UtcDateTime, Microsecond);
            row.LastActivity.Should().BeCloseTo(lastActivity.UtcDateTime, Microsecond);
            row.IsActive.Should().Be(active);
            (await node.AskAsync<RoomModel>(new GetRoom(row.Id.ToString()))).Status.Should().Be(active ? RoomStatus.Active : RoomStatus.Closed);
        }
    }

    [Fact]
    public async Task LagFromAcknowledgementToVisibleRow_IsMeasured()
    {
        var db = await postgres.Server.CreateDatabaseAsync("lag");
        await using var node = await ChatNode.StartAsync(db, Settings);
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));

        var lags = new List<double>();
        for (var i = 1; i <= 30; i++)
        {
            await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));
            var acknowledged = Stopwatch.StartNew();
            await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") == i, TimeSpan.FromSeconds(10), $"message {i} is visible");
            lags.Add(acknowledged.Elapsed.TotalMilliseconds);
        }

        lags.Sort();
        output.WriteLine($"acknowledgement to visible row, 30 sends, refresh-interval 100 ms: p50 {lags[15]:F0} ms, p90 {lags[27]:F0} ms, max {lags[^1]:F0} ms");
        lags.Should().HaveCount(30);
    }

    [Fact]
    public async Task NodeStoppedWhileProjecting_ResumesWithoutDuplicateOrGap()
    {
        var db = await postgres.Server.CreateDatabaseAsync("resume");
        var settings = new Dictionary<string, string?>(Settings) { ["Chat:Projection:BatchSize"] = "10" };
        var acknowledged = new List<Guid>();
        {
            var node = await ChatNode.StartAsync(db, settings);
            var rooms = Enumerable.Range(0, 10).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
            await Task.WhenAll(rooms.Select(r => node.AskAsync<Joined>(TestPayloads.Join(r.Room, r.Member))));
            var sends = rooms.SelectMany(r => Enumerable.Range(0, 150).Select(_ => TestPayloads.Send(r.Room, r.Member))).ToList();
            await Task.WhenAll(sends.Select(s => node.AskAsync<MessageAccepted>(s)));
            acknowledged.AddRange(sends.Select(s => Guid.Parse(s.Id!)));

            // Stop the node while a batch is in flight: the projection has started, and its next
            // transaction is held by a lock on messages until the node has gone.
            await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") > 0, TimeSpan.FromSeconds(30), "projecting started");
            await using var held = await TableLock.HoldAsync(db, "messages");
            await node.DisposeAsync();
        }

        var projectedBeforeStop = await ReadModelTables.CountAsync(db, "messages");
        output.WriteLine($"{projectedBeforeStop} of {acknowledged.Count} messages were projected when the node stopped");
        projectedBeforeStop.Should().BeLessThan(acknowledged.Count, "the node stopped in the middle of projecting");

        await using var restarted = await ChatNode.StartAsync(db, settings);
        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") >= acknowledged.Count, TimeSpan.FromSeconds(60), "the projection caught up");

        var ids = (await ReadModelTables.MessagesAsync(db)).Select(m => m.Id).ToList();
        ids.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(acknowledged);
        (await OffsetAsync(db)).Should().Be(await MaxJournalOrderingAsync(db), "the offset points at the last event");
    }

    [Fact]
    public async Task PostgresRestartInTheMiddleOfARun_TheProjectionResumesByItself()
    {
        if (!postgres.Server.CanRestart)
        {
            return;
        }

        var db = await postgres.Server.CreateDatabaseAsync("pgrestart");
        await using var node = await ChatNode.StartAsync(db, Settings);
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var send = TestPayloads.Send(room, member);
            await node.AskAsync<MessageAccepted>(send);
            acknowledged.Add(Guid.Parse(send.Id!));
        }

        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") == 20, TimeSpan.FromSeconds(30), "the first messages are projected");
        await postgres.Server.RestartAsync();

        // The restart broke this test's own pooled connections too (the node's use other pools).
        await using (var stale = new Npgsql.NpgsqlConnection(db))
        {
            Npgsql.NpgsqlConnection.ClearPool(stale);
        }

        // The room's journal connections broke too: sends may be refused until it recovers; clients retry.
        for (var i = 0; i < 20; i++)
        {
            var send = TestPayloads.Send(room, member);
            for (var attempt = 0; ; attempt++)
            {
                var reply = await node.AskAsync<RoomReply>(send);
                if (reply is MessageAccepted)
                {
                    acknowledged.Add(Guid.Parse(send.Id!));
                    break;
                }

                attempt.Should().BeLessThan(50, $"the room keeps refusing: {reply}");

                // As clients do: wait a little (a room that failed a write backs off), join again, retry.
                await Task.Delay(200);
                await node.AskAsync<RoomReply>(TestPayloads.Join(room, member));
            }
        }

        await ReadModelTables.WaitUntilAsync(async () => await ReadModelTables.CountAsync(db, "messages") == 40, TimeSpan.FromSeconds(60), "the projection resumed");
        (await ReadModelTables.MessagesAsync(db)).Select(m => m.Id).Should().BeEquivalentTo(acknowledged);
    }

    private static async Task<long> OffsetAsync(string db)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT ordering FROM projection_offsets WHERE projection = 'read-model'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> MaxJournalOrderingAsync(string db)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT max(ordering) FROM akka.journal", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What each room's row must hold, read from the source of truth.</summary>
    private static async Task<Dictionary<Guid, (DateTimeOffset CreatedAt, DateTimeOffset LastActivity, bool Active)>> RoomRowsFromJournal(
        ActorSystem system, IEnumerable<string> rooms)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalId);
        var result = new Dictionary<Guid, (DateTimeOffset, DateTimeOffset, bool)>();
        foreach (var room in rooms)
        {
            var events = await journal.CurrentEventsByPersistenceId(RoomIds.PersistenceIdOf(room), 0, long.MaxValue)
                .Select(e => (IPersistedRoomEvent)e.Event)
                .RunWith(Sink.Seq<IPersistedRoomEvent>(), system.Materializer());
            result[Guid.Parse(room)] = (
                events.OfType<RoomActivated>().Single().At,
                events.Max(e => e.At),
                !events.OfType<RoomDeactivated>().Any());
        }

        return result;
    }
}
