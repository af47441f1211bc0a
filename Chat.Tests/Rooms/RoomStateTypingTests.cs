using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>Typing notices: relayed for present members, never stored, at most one per member per second, bounded in size.</summary>
public sealed class RoomStateTypingTests
{
    private static Typing TypingCommand(string? member, int ciphertextBytes = 24, string? cid = Cid1) =>
        new(RoomId, member, cid, new EncryptedPayload(Base64(ciphertextBytes), ValidNonce));

    [Fact]
    public void Typing_OfPresentMember_IsRelayedAsAChange_NeverPersisted_AndCountsAsASignOfLife()
    {
        var room = NewRoom().Joined(Alice, T0);
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(TypingCommand(Alice), At(10), changes);

        decision.Reply.Should().Be(Done.Instance);
        decision.HasPersistedEvents.Should().BeFalse("typing is presence, not history");
        var relayed = changes.Should().ContainSingle().Which.Should().BeOfType<TypingNoticed>().Subject;
        relayed.Member.Should().Be(Alice);
        relayed.Box.Ciphertext.Should().Equal(Filled(24));
        next.FindMember(Alice)!.LastSeen.Should().Be(At(10));
        next.LastSeq.Should().Be(room.LastSeq);
        next.Window.Should().BeEmpty();
    }

    [Fact]
    public void Typing_AgainWithinASecond_IsRateLimitedWithTheWait_AndAfterItIsRelayed()
    {
        var (room, _) = NewRoom().Joined(Alice, T0).Run(TypingCommand(Alice), At(10));

        var early = room.Decide(TypingCommand(Alice), At(10.4));
        var later = room.Decide(TypingCommand(Alice), At(11));

        early.ShouldBeRejectedWith(RoomErrors.RateLimited);
        ((RoomRejected)early.Reply!).RetryAfter.Should().Be(TimeSpan.FromSeconds(0.6));
        later.Reply.Should().Be(Done.Instance);
    }

    [Fact]
    public void Typing_OfOneMember_DoesNotSpendAnother()
    {
        var (room, _) = NewRoom().Joined(Alice, T0).Joined(Bob, T0, Cid2).Run(TypingCommand(Alice), At(10));

        room.Decide(TypingCommand(Bob, cid: Cid2), At(10.1)).Reply.Should().Be(Done.Instance);
    }

    [Fact]
    public void Typing_OfSomeoneNotPresent_IsRejectedWithNotJoined()
    {
        NewRoom().Joined(Alice, T0).Decide(TypingCommand(Bob), At(1)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Theory]
    [InlineData(RoomOptions.MaxTypingBytes + 1)]
    [InlineData(RoomOptions.MinCiphertextBytes - 1)]
    public void Typing_OutsideTheSizeBounds_IsRejectedAsInvalid(int bytes)
    {
        NewRoom().Joined(Alice, T0).Decide(TypingCommand(Alice, bytes), At(1)).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void Typing_WithoutABox_IsRejectedAsInvalid()
    {
        NewRoom().Joined(Alice, T0).Decide(new Typing(RoomId, Alice, Cid1, null), At(1)).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void Typing_InAnEndedRoom_IsRejectedWithClosed()
    {
        var room = NewRoom().Joined(Alice, T0);
        var (empty, _) = room.Run(new LeaveRoom(RoomId, Alice), At(10));
        var (closed, _) = empty.Run(new EndGracePeriod(RoomId), At(40));

        closed.Decide(TypingCommand(Alice), At(41)).ShouldBeRejectedWith(RoomErrors.Closed);
    }
}
