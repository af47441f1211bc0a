using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

public sealed class RoomStateSnapshotTests
{
    private static readonly long[] SeqsTwoToSix = [2, 3, 4, 5, 6];
    private static readonly long[] SeqsFiveAndSix = [5, 6];

    private static RoomState RoundTrip(RoomState room, RoomOptions? options = null) =>
        RoomState.FromSnapshot(room.ToSnapshot(), options ?? Options);

    [Fact]
    public void Snapshot_RoundTrip_RestoresStatusCreationTimeSeqAndWindow()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 6, At(1));

        var restored = RoundTrip(room);

        restored.RoomId.Should().Be(RoomId);
        restored.Status.Should().Be(RoomStatus.Active);
        restored.CreatedAt.Should().Be(T0);
        restored.LastSeq.Should().Be(6);
        restored.Window.Seqs().Should().Equal(SeqsTwoToSix);
        restored.Window.Should().BeEquivalentTo(room.Window, o => o.ComparingByMembers<StoredMessage>().WithStrictOrdering());
    }

    [Fact]
    public void Snapshot_RoundTrip_RestoresDedupeSoRetriesReturnOriginalSeq()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => NewMessageId()).ToArray();
        var room = NewRoom().Joined(Alice, T0);
        for (var i = 0; i < ids.Length; i++)
        {
            room = room.Sent(Alice, At(i + 1), ids[i]);
        }

        var restored = RoundTrip(room).Joined(Alice, At(10));

        for (var i = 0; i < ids.Length; i++)
        {
            var decision = restored.Decide(SendCommand(Alice, ids[i]), At(11));
            decision.Reply.Should().Be(new MessageAccepted(i + 1));
            decision.Events.Should().BeEmpty();
        }
    }

    [Fact]
    public void Snapshot_RoundTrip_NextSendContinuesTheSeq()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 4, At(1));

        var restored = RoundTrip(room).Joined(Alice, At(10));

        restored.Decide(SendCommand(Alice), At(11)).Reply.Should().Be(new MessageAccepted(5));
    }

    [Fact]
    public void Snapshot_RoundTrip_DoesNotRestorePresence()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0);

        var restored = RoundTrip(room);

        restored.Members.Should().BeEmpty();
        restored.IsAwaitingClose.Should().BeTrue();
        restored.Decide(SendCommand(Alice), At(1)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Snapshot_OfNewRoom_RestoresNewRoom()
    {
        var restored = RoundTrip(NewRoom());

        restored.Status.Should().Be(RoomStatus.New);
        restored.CreatedAt.Should().BeNull();
        restored.LastSeq.Should().Be(0);
        restored.Window.Should().BeEmpty();
    }

    [Fact]
    public void Snapshot_OfClosedRoom_RestoresClosedRoom()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 2, At(1));
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(5));
        var (closed, _) = empty.Run(new EndGracePeriod(RoomId), At(40));

        var restored = RoundTrip(closed);

        restored.Status.Should().Be(RoomStatus.Closed);
        restored.LastSeq.Should().Be(2);
        restored.Decide(JoinCommand(Alice), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void Snapshot_RestoredWithSmallerWindow_KeepsNewestMessages()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 6, At(1));

        var restored = RoundTrip(room, Options with { WindowSize = 2 });

        restored.Window.Seqs().Should().Equal(SeqsFiveAndSix);
    }

    [Fact]
    public void Snapshot_WithTrimmedDedupe_DerivesSeqsFromLastSeq()
    {
        var options = Options with { DedupeWindow = 2 };
        var ids = Enumerable.Range(0, 4).Select(_ => NewMessageId()).ToArray();
        var room = NewRoom(options).Joined(Alice, T0);
        for (var i = 0; i < ids.Length; i++)
        {
            room = room.Sent(Alice, At(i + 1), ids[i]);
        }

        room.ToSnapshot().RecentIds.Should().Equal(Guid.Parse(ids[2]), Guid.Parse(ids[3]));
        var restored = RoundTrip(room, options).Joined(Alice, At(10));

        restored.Decide(SendCommand(Alice, ids[2]), At(11)).Reply.Should().Be(new MessageAccepted(3));
        restored.Decide(SendCommand(Alice, ids[3]), At(11)).Reply.Should().Be(new MessageAccepted(4));
        restored.Decide(SendCommand(Alice, ids[0]), At(11)).Reply.Should().Be(new MessageAccepted(5));
    }
}
