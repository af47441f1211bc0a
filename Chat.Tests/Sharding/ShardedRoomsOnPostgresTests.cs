using Akka.Actor;
using System.Collections.Concurrent;
using Chat.Actors.Rooms;
using Chat.Actors.Serialization;
using Chat.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Chat.Tests.Sharding;

/// <summary>Rooms through real sharding on a real PostgreSQL journal, across an actor system restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShardedRoomsOnPostgresTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> RelaxedLimits = TestSettings.LoadTest();

    [Fact]
    public async Task Sends_AcrossFiftyRooms_AreAllAcknowledgedAndRecoveredWithTheirSeqAfterRestart()
    {
        var rooms = Enumerable.Range(0, 50).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        var acknowledged = new ConcurrentBag<(string Room, Guid Id, long Seq)>();

        await using (var node = await ChatNode.StartAsync(postgres.ConnectionString, RelaxedLimits))
        {
            await Task.WhenAll(rooms.Select(r => node.AskAsync<Joined>(TestPayloads.Join(r.Room, r.Member))));

            // 1,000 sends in all, 20 per room, all in flight at once.
            var sends = rooms.SelectMany(r => Enumerable.Range(0, 20).Select(_ => (r.Room, r.Member, Id: Guid.NewGuid()))).ToList();
            await Task.WhenAll(sends.Select(async s =>
            {
                var reply = await node.AskAsync<RoomReply>(TestPayloads.Send(s.Room, s.Member, s.Id));
                reply.Should().BeOfType<MessageAccepted>();
                acknowledged.Add((s.Room, s.Id, ((MessageAccepted)reply).Seq));
            }));
        }

        acknowledged.Should().HaveCount(1000);
        foreach (var room in acknowledged.GroupBy(a => a.Room))
        {
            room.Select(a => a.Seq).Order().Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i), "seq is gap-free per room");
        }

        await using (var restarted = await ChatNode.StartAsync(postgres.ConnectionString, RelaxedLimits))
        {
            foreach (var room in acknowledged.GroupBy(a => a.Room))
            {
                var model = await restarted.AskAsync<RoomModel>(new GetRoom(room.Key));
                model.Status.Should().Be(RoomStatus.Active);
                model.MessageCount.Should().Be(20);

                var messages = await restarted.AskAsync<MessageList>(new GetMessages(room.Key));
                messages.Messages.Select(m => (m.Id, m.Seq)).Should().BeEquivalentTo(room.Select(a => (a.Id, a.Seq)));
            }
        }
    }

    [Fact]
    public async Task JournalRows_CarryOurSerializerIdAndVersionedManifests()
    {
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await using (var node = await ChatNode.StartAsync(postgres.ConnectionString))
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
            await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));
        }

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT identifier, manifest FROM akka.journal WHERE persistence_id = @pid ORDER BY sequence_number", connection);
        command.Parameters.AddWithValue("pid", RoomIds.PersistenceIdOf(room));
        var rows = new List<(int Identifier, string Manifest)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        rows.Should().Equal((ChatSerializer.SerializerId, "RoomActivated.v1"), (ChatSerializer.SerializerId, "MessageAppended.v2"));
    }

    [Fact]
    public async Task FiveHundredConcurrentSends_ToOneRoom_ArePersistedInFarFewerWritesThanMessages()
    {
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await using var node = await ChatNode.StartAsync(postgres.ConnectionString, RelaxedLimits);
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        var before = await node.Rooms.Ask<RoomStats>(new GetRoomStats(room), TimeSpan.FromSeconds(10));

        var replies = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => node.AskAsync<RoomReply>(TestPayloads.Send(room, member))));

        replies.Should().AllBeOfType<MessageAccepted>();
        replies.Cast<MessageAccepted>().Select(r => r.Seq).Order().Should().Equal(Enumerable.Range(1, 500).Select(i => (long)i));
        var after = await node.Rooms.Ask<RoomStats>(new GetRoomStats(room), TimeSpan.FromSeconds(10));
        var writes = after.Writes - before.Writes;
        var events = after.EventsWritten - before.EventsWritten;
        output.WriteLine($"group commit: {events} events in {writes} journal writes ({(double)events / writes:F1} per write)");
        events.Should().Be(500);
        writes.Should().BeLessThan(100, "sends that arrive during a write are persisted together in the next one");
    }
    [Fact]
    public async Task History_OlderThanTheWindow_IsReadFromTheJournal()
    {
        var settings = new Dictionary<string, string?>(RelaxedLimits) { ["Chat:Rooms:WindowSize"] = "10" };
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await using var node = await ChatNode.StartAsync(postgres.ConnectionString, settings);
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(Guid.NewGuid());
            await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member, ids[^1]));
        }

        var older = await node.AskAsync<HistoryPage>(new GetHistory(room, Before: 6, Limit: 3));
        var straddling = await node.AskAsync<HistoryPage>(new GetHistory(room, Before: 25, Limit: 8));
        var recent = await node.AskAsync<HistoryPage>(new GetHistory(room, Before: 31, Limit: 5));

        older.Messages.Select(m => (m.Id, m.Seq)).Should().Equal((ids[2], 3L), (ids[3], 4L), (ids[4], 5L));
        straddling.Messages.Select(m => m.Seq).Should().Equal(Enumerable.Range(17, 8).Select(i => (long)i));
        straddling.Messages.Select(m => m.Id).Should().Equal(ids.Skip(16).Take(8));
        recent.Messages.Select(m => m.Seq).Should().Equal(26, 27, 28, 29, 30);
    }

    [Fact]
    public async Task Snapshots_AreStoredWithOurSerializer_AndRecoveryUsesThem()
    {
        var settings = new Dictionary<string, string?>(RelaxedLimits) { ["Chat:Rooms:SnapshotEvery"] = "10" };
        var room = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await using (var node = await ChatNode.StartAsync(postgres.ConnectionString, settings))
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
            for (var i = 0; i < 25; i++)
            {
                await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));
            }
        }

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT serializer_id, manifest, sequence_number FROM akka.snapshot WHERE persistence_id = @pid", connection);
        command.Parameters.AddWithValue("pid", RoomIds.PersistenceIdOf(room));
        var snapshots = new List<(int Serializer, string Manifest, long SequenceNr)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                snapshots.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        snapshots.Should().NotBeEmpty().And.OnlyContain(s => s.Serializer == ChatSerializer.SerializerId && s.Manifest == RoomSnapshotBinary.Manifest);
        snapshots.Max(s => s.SequenceNr).Should().BeGreaterThanOrEqualTo(20, "a snapshot follows every 10 events");

        await using var restarted = await ChatNode.StartAsync(postgres.ConnectionString, settings);
        (await restarted.AskAsync<RoomModel>(new GetRoom(room))).MessageCount.Should().Be(25);
        (await restarted.AskAsync<MessageList>(new GetMessages(room))).Messages.Select(m => m.Seq)
            .Should().Equal(Enumerable.Range(1, 25).Select(i => (long)i));
    }
}
