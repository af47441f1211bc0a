using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

public sealed class RoomStatePresenceTests
{
    public static TheoryData<string?> InvalidMemberIds => new()
    {
        null,
        string.Empty,
        new string('a', 15),
        new string('a', 65),
        "alice.member.0001",
    };

    [Fact]
    public void Heartbeat_OfPresentMember_RefreshesLastSeenAndRepliesDone()
    {
        var room = NewRoom().Joined(Alice, T0);

        var (next, decision) = room.Run(new Heartbeat(RoomId, Alice, Cid1), At(10));

        decision.Reply.Should().Be(Done.Instance);
        decision.Events.Should().Equal(new MemberSeen(Alice, Cid1, At(10)));
        decision.HasPersistedEvents.Should().BeFalse();
        next.FindMember(Alice)!.LastSeen.Should().Be(At(10));
    }

    [Fact]
    public void Heartbeat_OnNewConnection_UpdatesCid()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1);

        var (next, _) = room.Run(new Heartbeat(RoomId, Alice, Cid2), At(5));

        next.FindMember(Alice)!.Cid.Should().Be(Cid2);
    }

    [Fact]
    public void Heartbeat_WithoutCid_KeepsPreviousCid()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1);

        var (next, _) = room.Run(new Heartbeat(RoomId, Alice, null), At(5));

        next.FindMember(Alice)!.Cid.Should().Be(Cid1);
    }

    [Fact]
    public void Heartbeat_OfMemberNotPresent_IsRejectedWithNotJoined()
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new Heartbeat(RoomId, Bob, Cid2), At(1)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Heartbeat_InNewRoom_IsRejectedWithNotJoined()
    {
        NewRoom().Decide(new Heartbeat(RoomId, Alice, Cid1), T0).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Heartbeat_AfterExpiry_IsRejectedWithNotJoined()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, At(20));
        var (expired, _) = room.Run(new ExpireMembers(RoomId), At(30));

        expired.Decide(new Heartbeat(RoomId, Alice, Cid1), At(31)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Theory]
    [MemberData(nameof(InvalidMemberIds))]
    public void Heartbeat_WithInvalidMemberId_IsRejectedWithInvalidParams(string? member)
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new Heartbeat(RoomId, member, Cid1), At(1)).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void Expire_RemovesOnlyMembersNotSeenWithinTimeout()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, At(10));
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(new ExpireMembers(RoomId), At(26), changes);

        decision.Reply.Should().BeNull();
        decision.Events.Should().Equal(new MemberDeparted(Alice, DepartureReason.Expired));
        next.Members.Select(m => m.Id).Should().Equal(Bob);
        changes[0].Should().Be(new ParticipantRemoved(0));
        changes[1].Should().BeOfType<RoomModelChanged>().Which.After.ParticipantCount.Should().Be(1);
    }

    [Fact]
    public void Expire_WhenNobodyIsOverdue_HasNoEvents()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, At(10));

        room.Decide(new ExpireMembers(RoomId), At(20)).Events.Should().BeEmpty();
    }

    [Fact]
    public void Expire_AfterHeartbeat_KeepsMember()
    {
        var room = NewRoom().Joined(Alice, T0);
        var (seen, _) = room.Run(new Heartbeat(RoomId, Alice, Cid1), At(20));

        seen.Decide(new ExpireMembers(RoomId), At(40)).Events.Should().BeEmpty();
        seen.Decide(new ExpireMembers(RoomId), At(46)).Events
            .Should().Equal(new MemberDeparted(Alice, DepartureReason.Expired));
    }

    [Fact]
    public void Expire_OfEveryone_LeavesActiveRoomAwaitingClose()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0);

        var (next, decision) = room.Run(new ExpireMembers(RoomId), At(60));

        decision.Events.Should().HaveCount(2);
        next.Members.Should().BeEmpty();
        next.IsAwaitingClose.Should().BeTrue();
    }

    [Fact]
    public void Leave_OfPresentMember_RemovesAtOnce()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0);
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(new LeaveRoom(RoomId, Alice), At(1), changes);

        decision.Reply.Should().Be(Done.Instance);
        decision.Events.Should().Equal(new MemberDeparted(Alice, DepartureReason.Left));
        next.Members.Select(m => m.Id).Should().Equal(Bob);
        changes[0].Should().Be(new ParticipantRemoved(0));
    }

    [Fact]
    public void Leave_OfAbsentMember_IsDoneWithoutEvents()
    {
        var room = NewRoom().Joined(Alice, T0);

        var decision = room.Decide(new LeaveRoom(RoomId, Bob), At(1));

        decision.Reply.Should().Be(Done.Instance);
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void Leave_Twice_SecondIsDoneWithoutEvents()
    {
        var room = NewRoom().Joined(Alice, T0);
        var (left, _) = room.Run(new LeaveRoom(RoomId, Alice), At(1));

        var decision = left.Decide(new LeaveRoom(RoomId, Alice), At(2));

        decision.Reply.Should().Be(Done.Instance);
        decision.Events.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(InvalidMemberIds))]
    public void Leave_WithInvalidMemberId_IsRejectedWithInvalidParams(string? member)
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new LeaveRoom(RoomId, member), At(1)).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void ConnectionClosed_RemovesEveryMemberOnThatCid()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1).Joined(Bob, T0, Cid2).Joined(Carol, T0, Cid1);
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(new ConnectionClosed(RoomId, Cid1), At(1), changes);

        decision.Reply.Should().BeNull();
        decision.Events.Should().Equal(
            new MemberDeparted(Alice, DepartureReason.Disconnected),
            new MemberDeparted(Carol, DepartureReason.Disconnected));
        next.Members.Select(m => m.Id).Should().Equal(Bob);
        changes.OfType<ParticipantRemoved>().Select(c => c.Index).Should().Equal(0, 1);
    }

    [Fact]
    public void ConnectionClosed_OfUnknownCid_HasNoEvents()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1);

        room.Decide(new ConnectionClosed(RoomId, "cid-unknown"), At(1)).Events.Should().BeEmpty();
    }

    [Fact]
    public void ConnectionClosed_OfOldCidAfterReconnect_KeepsMember()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1).Joined(Alice, At(5), Cid2);

        room.Decide(new ConnectionClosed(RoomId, Cid1), At(6)).Events.Should().BeEmpty();
    }

    [Fact]
    public void Rejoin_OfPresentMember_WithNewProfile_ReplacesParticipantInPlace()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1, profileFill: 1).Joined(Bob, T0, Cid2);
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(JoinCommand(Alice, "cid-3", profileFill: 9), At(5), changes);

        decision.Reply.Should().Be(new Joined(RoomId));
        var rejoined = decision.Events.Should().ContainSingle().Which.Should().BeOfType<MemberRejoined>().Subject;
        rejoined.Member.Should().Be(Alice);
        rejoined.Cid.Should().Be("cid-3");
        next.Members.Select(m => m.Id).Should().Equal(Alice, Bob);
        var alice = next.FindMember(Alice)!;
        alice.Cid.Should().Be("cid-3");
        alice.Profile.Ciphertext.Should().Equal(Filled(16, 9));
        alice.LastSeen.Should().Be(At(5));

        changes.Should().HaveCount(2);
        changes[0].Should().Be(new ParticipantRemoved(0));
        var added = changes[1].Should().BeOfType<ParticipantAdded>().Subject;
        added.Index.Should().Be(0);
        added.Participant.Member.Should().Be(Alice);
        added.Participant.Profile.Ciphertext.Should().Equal(Filled(16, 9));
    }

    [Fact]
    public void Rejoin_WithSameProfileBytes_UpdatesCidWithoutChanges()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1, profileFill: 1);
        var changes = new List<RoomChange>();

        var (next, _) = room.Run(JoinCommand(Alice, Cid2, profileFill: 1), At(5), changes);

        changes.Should().BeEmpty();
        next.Members.Should().ContainSingle().Which.Cid.Should().Be(Cid2);
        next.FindMember(Alice)!.LastSeen.Should().Be(At(5));
    }

    [Fact]
    public void Rejoin_WithoutCid_KeepsPreviousCid()
    {
        var room = NewRoom().Joined(Alice, T0, Cid1);

        var (next, _) = room.Run(JoinCommand(Alice, cid: null), At(5));

        next.FindMember(Alice)!.Cid.Should().Be(Cid1);
    }
}
