using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

public sealed class RoomStateJoinTests
{
    [Fact]
    public void Join_FirstMemberOfNewRoom_ActivatesRoomAndAddsMember()
    {
        var room = NewRoom();

        var (next, decision) = room.Run(JoinCommand(Alice), T0);

        decision.Reply.Should().Be(new Joined(RoomId));
        decision.Events.Should().HaveCount(2);
        decision.Events[0].Should().Be(new RoomActivated(RoomId, T0));
        var joined = decision.Events[1].Should().BeOfType<MemberJoined>().Subject;
        joined.Member.Should().Be(Alice);
        joined.Cid.Should().Be(Cid1);
        joined.At.Should().Be(T0);
        joined.Profile.Ciphertext.Should().Equal(Filled(16, 1));
        joined.Profile.Nonce.Should().Equal(Filled(RoomOptions.NonceBytes, 1));

        next.Status.Should().Be(RoomStatus.Active);
        next.CreatedAt.Should().Be(T0);
        next.Members.Select(m => m.Id).Should().Equal(Alice);
        next.FindMember(Alice)!.LastSeen.Should().Be(T0);
    }

    [Fact]
    public void Join_FirstMember_PersistsActivationButNotPresence()
    {
        var room = NewRoom();

        var first = room.Decide(JoinCommand(Alice), T0);
        first.HasPersistedEvents.Should().BeTrue();
        first.Events.OfType<IPersistedRoomEvent>().Should().ContainSingle().Which.Should().BeOfType<RoomActivated>();

        var second = room.ApplyAll(first).Decide(JoinCommand(Bob), At(1));
        second.HasPersistedEvents.Should().BeFalse();
    }

    [Fact]
    public void Join_WhenRoomAlreadyActive_DoesNotActivateAgain()
    {
        var room = NewRoom().Joined(Alice, T0);

        var (next, decision) = room.Run(JoinCommand(Bob, Cid2), At(5));

        decision.Reply.Should().Be(new Joined(RoomId));
        decision.Events.Should().ContainSingle().Which.Should().BeOfType<MemberJoined>();
        next.CreatedAt.Should().Be(T0);
        next.Members.Select(m => m.Id).Should().Equal(Alice, Bob);
    }

    [Fact]
    public void Join_OfNewRoom_EmitsModelChangeThenParticipantAdded()
    {
        var changes = new List<RoomChange>();

        NewRoom().Run(JoinCommand(Alice), T0, changes);

        changes.Should().HaveCount(3);
        changes[0].Should().Be(new RoomModelChanged(
            new RoomModel(RoomId, RoomStatus.New, null, 0, 0),
            new RoomModel(RoomId, RoomStatus.Active, T0, 0, 0)));
        var added = changes[1].Should().BeOfType<ParticipantAdded>().Subject;
        added.Index.Should().Be(0);
        added.Participant.Member.Should().Be(Alice);
        added.Participant.Profile.Ciphertext.Should().Equal(Filled(16, 1));
        changes[2].Should().Be(new RoomModelChanged(
            new RoomModel(RoomId, RoomStatus.Active, T0, 0, 0),
            new RoomModel(RoomId, RoomStatus.Active, T0, 1, 0)));
    }

    [Fact]
    public void Join_OfSecondMember_IsAddedAtTheEndInJoinOrder()
    {
        var room = NewRoom().Joined(Alice, T0);
        var changes = new List<RoomChange>();

        var (next, _) = room.Run(JoinCommand(Bob, Cid2, profileFill: 2), At(1), changes);

        changes.OfType<ParticipantAdded>().Should().ContainSingle().Which.Index.Should().Be(1);
        var participants = next.Decide(new GetParticipants(RoomId), At(2)).Reply
            .Should().BeOfType<ParticipantList>().Subject.Participants;
        participants.Select(p => p.Member).Should().Equal(Alice, Bob);
        participants[1].Profile.Ciphertext.Should().Equal(Filled(16, 2));
    }

    [Fact]
    public void Join_WhenRoomFull_IsRejected()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0).Joined(Carol, T0);

        var decision = room.Decide(JoinCommand("dave-member-00004"), At(1));

        decision.ShouldBeRejectedWith(RoomErrors.Full);
    }

    [Fact]
    public void Join_OfPresentMember_WhenRoomFull_IsAcceptedAsRejoin()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0).Joined(Carol, T0);

        var decision = room.Decide(JoinCommand(Bob, Cid2), At(1));

        decision.Reply.Should().Be(new Joined(RoomId));
        decision.Events.Should().ContainSingle().Which.Should().BeOfType<MemberRejoined>();
    }

    [Fact]
    public void Join_AfterMemberLeftFullRoom_HasRoomAgain()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0).Joined(Carol, T0);
        var (afterLeave, _) = room.Run(new LeaveRoom(RoomId, Bob), At(1));

        var decision = afterLeave.Decide(JoinCommand("dave-member-00004"), At(2));

        decision.Reply.Should().Be(new Joined(RoomId));
    }

    [Fact]
    public void Join_DuringGracePeriod_KeepsRoomOpenWithoutReactivating()
    {
        var room = NewRoom().Joined(Alice, T0);
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(1));
        empty.IsAwaitingClose.Should().BeTrue();

        var (back, decision) = empty.Run(JoinCommand(Alice), At(10));

        decision.Events.Should().ContainSingle().Which.Should().BeOfType<MemberJoined>();
        back.IsAwaitingClose.Should().BeFalse();
        back.Decide(new EndGracePeriod(RoomId), At(31)).Should().Be(Decision.Nothing);
    }

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("A-_0123456789xyzA-_0123456789xyzA-_0123456789xyzA-_0123456789xyz")]
    public void Join_WithMemberIdAtLengthBoundary_IsAccepted(string member)
    {
        var decision = NewRoom().Decide(JoinCommand(member), T0);

        decision.Reply.Should().Be(new Joined(RoomId));
    }

    [Fact]
    public void Join_WithoutCid_IsAccepted()
    {
        var (next, decision) = NewRoom().Run(JoinCommand(Alice, cid: null), T0);

        decision.Reply.Should().Be(new Joined(RoomId));
        next.FindMember(Alice)!.Cid.Should().BeNull();
    }
}
