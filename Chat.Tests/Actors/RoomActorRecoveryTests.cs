using Akka.Actor;
using Akka.Persistence;
using Chat.Actors.Rooms;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

public sealed class RoomActorRecoveryTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    protected override RoomOptions Options => base.Options with { SnapshotEvery = 5 };

    [Fact]
    public async Task Restart_RestoresSeqWindowStatusAndDedupeSet()
    {
        var room = StartRoom();
        await JoinAsync(room);
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await SendAsync(room, id);
        }

        StopRoom(room);
        room = StartRoom();

        var model = await AskRoom<RoomModel>(room, new GetRoom(RoomId));
        model.Status.Should().Be(RoomStatus.Active);
        model.MessageCount.Should().Be(3);
        model.ParticipantCount.Should().Be(0, "presence is never persisted");
        var window = await AskRoom<MessageList>(room, new GetMessages(RoomId));
        window.Messages.Select(m => (m.Id, m.Seq)).Should().Equal(ids.Select((id, i) => (id, (long)i + 1)));

        await JoinAsync(room);
        (await SendAsync(room, ids[1])).Should().Be(2, "a retry after the restart still finds the original");
        (await SendAsync(room)).Should().Be(4, "seq continues without a gap");
    }

    [Fact]
    public async Task Recovery_FromSnapshotPlusLaterEvents_RestoresState()
    {
        var room = StartRoom();
        await JoinAsync(room);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(Guid.NewGuid());
            await SendAsync(room, ids[^1]);
        }

        // One activation and seven messages: a snapshot at sequence number 5 or later, then more events.
        var snapshotStore = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var persistenceId = RoomIds.PersistenceIdOf(RoomId);
        var snapshotAt = 0L;
        await AwaitAssertAsync(async () =>
        {
            var loaded = await snapshotStore.Ask<LoadSnapshotResult>(
                new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TimeSpan.FromSeconds(3));
            loaded.Snapshot.Should().NotBeNull();
            snapshotAt = loaded.Snapshot.Metadata.SequenceNr;
        });
        snapshotAt.Should().BeInRange(5, 7);
        StopRoom(room);

        // Remove the events the snapshot covers: only snapshot + later events can rebuild the room now.
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        journal.Tell(new DeleteMessagesTo(persistenceId, snapshotAt, TestActor));
        ExpectMsg<DeleteMessagesSuccess>();

        room = StartRoom();
        var window = await AskRoom<MessageList>(room, new GetMessages(RoomId));
        window.Messages.Select(m => (m.Id, m.Seq)).Should().Equal(ids.Select((id, i) => (id, (long)i + 1)));
        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).Status.Should().Be(RoomStatus.Active);
        await JoinAsync(room);
        (await SendAsync(room, ids[0])).Should().Be(1, "dedupe ids come back from the snapshot");
    }
}
