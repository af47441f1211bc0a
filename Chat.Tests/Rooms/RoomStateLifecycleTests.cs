using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

public sealed class RoomStateLifecycleTests
{
    /// <summary>Active, three messages, everyone gone, grace period over: closed.</summary>
    private static RoomState ClosedRoom(List<RoomChange>? changes = null)
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 3, At(1));
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(10));
        var (closed, decision) = empty.Run(new EndGracePeriod(RoomId), At(40), changes);
        decision.Events.Should().ContainSingle().Which.Should().BeOfType<RoomDeactivated>();
        return closed;
    }

    [Fact]
    public void NewRoom_IsNewWithoutCreationTimeOrMessages()
    {
        var room = NewRoom();

        room.Status.Should().Be(RoomStatus.New);
        room.CreatedAt.Should().BeNull();
        room.LastSeq.Should().Be(0);
        room.IsAwaitingClose.Should().BeFalse();
        room.Decide(new GetRoom(RoomId), T0).Reply.Should().Be(new RoomModel(RoomId, RoomStatus.New, null, 0, 0));
    }

    [Fact]
    public void IsAwaitingClose_OnlyWhenActiveAndEmpty()
    {
        var active = NewRoom().Joined(Alice, T0);
        active.IsAwaitingClose.Should().BeFalse();

        var (empty, _) = active.Run(new LeaveRoom(RoomId, Alice), At(1));

        empty.Status.Should().Be(RoomStatus.Active);
        empty.IsAwaitingClose.Should().BeTrue();
    }

    [Fact]
    public void GraceEnd_WhenActiveAndEmpty_DeactivatesRoom()
    {
        var room = NewRoom().Joined(Alice, T0);
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(1));

        var (closed, decision) = empty.Run(new EndGracePeriod(RoomId), At(31));

        decision.Events.Should().Equal(new RoomDeactivated(RoomId, At(31)));
        decision.HasPersistedEvents.Should().BeTrue();
        decision.Reply.Should().BeNull();
        closed.Status.Should().Be(RoomStatus.Closed);
        closed.IsAwaitingClose.Should().BeFalse();
    }

    [Fact]
    public void GraceEnd_WhenMembersPresent_DoesNothing()
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new EndGracePeriod(RoomId), At(31)).Should().Be(Decision.Nothing);
    }

    [Fact]
    public void GraceEnd_WhenRoomNew_DoesNothing()
    {
        NewRoom().Decide(new EndGracePeriod(RoomId), T0).Should().Be(Decision.Nothing);
    }

    [Fact]
    public void GraceEnd_WhenAlreadyClosed_DoesNothing()
    {
        ClosedRoom().Decide(new EndGracePeriod(RoomId), At(100)).Should().Be(Decision.Nothing);
    }

    [Fact]
    public void Deactivation_RemovesMessagesNewestFirstThenChangesModel()
    {
        var changes = new List<RoomChange>();

        ClosedRoom(changes);

        changes.Should().Equal(
            new MessageRemoved(2),
            new MessageRemoved(1),
            new MessageRemoved(0),
            new RoomModelChanged(
                new RoomModel(RoomId, RoomStatus.Active, T0, 0, 3),
                new RoomModel(RoomId, RoomStatus.Closed, T0, 0, 3)));
    }

    [Fact]
    public void ClosedRoom_KeepsCreationTimeAndMessageCountInModel()
    {
        ClosedRoom().Decide(new GetRoom(RoomId), At(50)).Reply
            .Should().Be(new RoomModel(RoomId, RoomStatus.Closed, T0, 0, 3));
    }

    [Fact]
    public void Join_WhenRoomClosed_IsRejected()
    {
        ClosedRoom().Decide(JoinCommand(Alice), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void Send_WhenRoomClosed_IsRejected()
    {
        ClosedRoom().Decide(SendCommand(Alice), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void Send_WhenRoomClosed_WithIdOfStoredMessage_IsRejected()
    {
        var id = NewMessageId();
        var room = NewRoom().Joined(Alice, T0).Sent(Alice, At(1), id);
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(2));
        var (closed, _) = empty.Run(new EndGracePeriod(RoomId), At(40));

        closed.Decide(SendCommand(Alice, id), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void History_WhenRoomClosed_IsRejected()
    {
        ClosedRoom().Decide(new GetHistory(RoomId, 4, 10), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void Heartbeat_WhenRoomClosed_IsRejected()
    {
        ClosedRoom().Decide(new Heartbeat(RoomId, Alice, Cid1), At(50)).ShouldBeRejectedWith(RoomErrors.Closed);
    }

    [Fact]
    public void GetMessages_WhenRoomClosed_IsEmpty()
    {
        var closed = ClosedRoom();

        closed.Decide(new GetMessages(RoomId), At(50)).Reply
            .Should().BeOfType<MessageList>().Which.Messages.Should().BeEmpty();
        closed.Decide(new GetParticipants(RoomId), At(50)).Reply
            .Should().BeOfType<ParticipantList>().Which.Participants.Should().BeEmpty();
    }

    [Fact]
    public void ClosedRoom_StaysClosedForGood()
    {
        var closed = ClosedRoom();

        closed.Decide(new ExpireMembers(RoomId), At(60)).Events.Should().BeEmpty();
        closed.Decide(JoinCommand(Bob), At(1000)).ShouldBeRejectedWith(RoomErrors.Closed);
        closed.Status.Should().Be(RoomStatus.Closed);
    }

    [Fact]
    public void UnknownCommand_IsRejectedWithMethodNotFound()
    {
        NewRoom().Decide(new UnknownCommand(RoomId), T0).ShouldBeRejectedWith(RoomErrors.MethodNotFound);
    }

    [Fact]
    public void Queries_AreMarkedByType_AndDecideNoEvents()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 2, At(1));
        IRoomQuery[] queries = [new GetRoom(RoomId), new GetMessages(RoomId), new GetParticipants(RoomId), new GetHistory(RoomId, 1, 1)];
        foreach (var query in queries)
        {
            room.Decide(query, T0).Events.Should().BeEmpty($"{query.GetType().Name} only reads");
        }

        SendCommand(Alice).Should().NotBeAssignableTo<IRoomQuery>();
        JoinCommand(Alice).Should().NotBeAssignableTo<IRoomQuery>();
    }

    [Fact]
    public void PresenceTimer_NoneUntilActive_SweepWhilePeopleArePresent_GraceOnceEmpty_NoneOnceClosed()
    {
        NewRoom().PresenceTimer.Should().Be(PresenceTimer.None);
        var active = NewRoom().Joined(Alice, T0);
        active.PresenceTimer.Should().Be(PresenceTimer.Sweep);
        var (empty, _) = active.Run(new LeaveRoom(RoomId, Alice), At(1));
        empty.PresenceTimer.Should().Be(PresenceTimer.Grace);
        ClosedRoom().PresenceTimer.Should().Be(PresenceTimer.None);
    }

    private sealed record UnknownCommand(string RoomId) : IRoomCommand;
}
